from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffAuthConfig(AppConfig):
    name = "staffauth"
    verbose_name = _("Staff sign-in")
