"""Staff sign-in in the browser: password, then the authenticator code the admin asks for."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_code(device: TOTPDevice) -> str:
    """The code the staff member's authenticator app would show now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(page, base_url: str, user, password: str, lands_on: str = "/admin/") -> None:
    """
    Sign `user` in to the admin with their password and a confirmed TOTP device (made if missing),
    and wait for their admin home, `lands_on`: Development staff and Finance land on /admin/dashboard/.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/otp/verify/**")
    page.fill("#id_token", totp_code(device))
    page.click("#otp-form input[type=submit]")
    page.wait_for_url(f"{base_url}{lands_on}")
