from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin app, with the two-factor staff site (staff.site.StaffAdminSite) as admin.site."""

    default_site = "staff.site.StaffAdminSite"
