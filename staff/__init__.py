"""
The staff side's wiring: Django's admin as a two-factor site (site.StaffAdminSite) with the staff
dashboard (donations.dashboard) at /admin/dashboard/. The settings package (config) names this app
in INSTALLED_APPS and imports no app module itself.
"""
