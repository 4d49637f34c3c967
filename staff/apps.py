from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig
from django_otp_webauthn.apps import OtpWebauthnConfig
from django_tasks_db.apps import TasksAppConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin app, with the two-factor staff site (staff.site.StaffAdminSite) as admin.site."""

    default_site = "staff.site.StaffAdminSite"


# The libraries' apps under names a superuser reads in the admin ("Sign-in lockouts", not "Axes";
# "Authenticator apps", not "Otp_Totp"). Only what the admin shows changes: app labels, tables and
# migrations stay the libraries' own (the model names are set on _meta, not in a Meta class, so no
# migration sees them).


def _name_models(app_config, names: dict) -> None:
    for model_name, (singular, plural) in names.items():
        meta = app_config.get_model(model_name)._meta
        meta.verbose_name, meta.verbose_name_plural = singular, plural


class SignInLockoutsConfig(AxesAppConfig):
    verbose_name = _("Sign-in lockouts")

    def ready(self):
        super().ready()
        _name_models(
            self,
            {
                "AccessAttempt": (_("failed sign-in"), _("failed sign-ins (current lockouts)")),
                "AccessLog": (_("sign-in record"), _("sign-in records")),
                "AccessFailureLog": (_("failed sign-in record"), _("failed sign-in records")),
                "AccessAttemptExpiration": (_("lockout expiry"), _("lockout expiries")),
            },
        )


class AuthenticatorAppsConfig(TOTPConfig):
    verbose_name = _("Authenticator apps")

    def ready(self):
        super().ready()
        _name_models(self, {"TOTPDevice": (_("authenticator app"), _("authenticator apps"))})


class BackupCodesConfig(StaticConfig):
    verbose_name = _("Backup codes")

    def ready(self):
        super().ready()
        _name_models(self, {"StaticDevice": (_("set of backup codes"), _("sets of backup codes"))})


class PasskeysConfig(OtpWebauthnConfig):
    verbose_name = _("Passkeys")

    def ready(self):
        super().ready()
        _name_models(
            self,
            {
                "WebAuthnCredential": (_("passkey"), _("passkeys")),
                "WebAuthnAttestation": (_("passkey attestation"), _("passkey attestations")),
                "WebAuthnUserHandle": (_("passkey user handle"), _("passkey user handles")),
            },
        )


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")

    def ready(self):
        super().ready()
        _name_models(self, {"DBTaskResult": (_("background task"), _("background tasks"))})
