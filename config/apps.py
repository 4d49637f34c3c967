from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin app, with the two-factor staff site (config.admin.StaffAdminSite) as admin.site."""

    default_site = "config.admin.StaffAdminSite"
