"""
Passkeys (WebAuthn) for staff, through django-otp-webauthn: its four JSON endpoints, narrowed to
this site's rules.

- Adding a passkey needs a session that already passed two-step sign-in (the library alone would
  let a password-only session of an account without devices add one, skipping the emailed
  invitation that every first device needs).
- Signing in with a passkey is the second step only: the password comes first (no passwordless
  sign-in), the account must be active staff, and the passkey must be theirs.
- After it, the session key changes (as after a code) and the browser goes where the code form
  would have sent it.
"""

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp_webauthn import exceptions, views
from django_otp_webauthn.models import WebAuthnCredential

from core.staff import is_verified_staff


class NotStaff(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = _("Sign in with your password first.")
    default_code = "not_staff"


class StaffNotVerified(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = _("Finish signing in with your code before adding a passkey.")
    default_code = "user_not_verified"


def _password_signed_in_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


class RegistrationBegin(views.BeginCredentialRegistrationView):
    def check_can_register(self):
        if not is_verified_staff(self.request.user):
            raise StaffNotVerified()


class RegistrationComplete(views.CompleteCredentialRegistrationView):
    def check_can_register(self):
        if not is_verified_staff(self.request.user):
            raise StaffNotVerified()

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        # The library leaves the name blank: "Passkey 2" tells a staff member's keys apart in lists.
        user = self.request.user
        for credential in WebAuthnCredential.objects.filter(user=user, name="").order_by("pk"):
            credential.name = str(_("Passkey %(number)d") % {"number": passkeys_of(user).count()})
            credential.save(update_fields=["name"])
        return response


class AuthenticationBegin(views.BeginCredentialAuthenticationView):
    def check_can_authenticate(self):
        if not _password_signed_in_staff(self.request.user):
            raise NotStaff()


class AuthenticationComplete(views.CompleteCredentialAuthenticationView):
    def check_can_authenticate(self):
        if not _password_signed_in_staff(self.request.user):
            raise NotStaff()

    def complete_auth(self, device):
        super().complete_auth(device)
        # As after a code (staff.site.otp_verify): a new session key for the verified session.
        self.request.session.cycle_key()

    def get_success_url(self):
        redirect_to = self.request.GET.get("next") or ""
        if redirect_to and url_has_allowed_host_and_scheme(
            redirect_to, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return redirect_to
        return reverse("admin:index")


def passkeys_of(user):
    """The staff member's own passkeys, newest first."""
    return WebAuthnCredential.objects.filter(user=user).order_by("-created_at")


def has_passkey(user) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def passkey_delete(*, user, pk) -> bool:
    """Remove one of `user`'s passkeys (never another's); True when one was removed."""
    deleted, _rows = WebAuthnCredential.objects.filter(user=user, pk=pk).delete()
    return deleted > 0
