"""
A passkey in real Chromium, with its virtual authenticator (DevTools' WebAuthn domain) playing the
phone: a development officer signed in with a code adds a passkey on their "Passkeys and backup
codes" page, signs out, and finishes the next sign-in with the passkey instead of a code.
"""

import time

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from tests.browser.signin import sign_in
from tests.staff import PASSWORD, restore_staff_groups

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.real_two_factor]


def wait_for(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_development_officer_adds_a_passkey_and_signs_in_with_it(
    browser, live_server, settings, django_user_model, screenshot
):
    restore_staff_groups()
    from tests.staff import make_staff

    officer = make_staff(django_user_model, "passkey.officer", "Development staff")
    # WebAuthn needs a domain (never an IP address): the live server as localhost.
    base_url = live_server.url.replace("127.0.0.1", "localhost")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [base_url]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    try:
        sign_in(page, base_url, officer, PASSWORD, lands_on="/admin/dashboard/")
        page.get_by_role("link", name="Passkeys and backup codes").click()
        page.wait_for_url("**/admin/otp/passkeys/")
        page.get_by_role("button", name="Add a passkey").click()
        assert wait_for(lambda: WebAuthnCredential.objects.filter(user=officer).exists()), errors
        page.reload()
        screenshot(page, "admin-passkeys-1280")
        assert page.locator(".otp-passkeys li").count() == 1

        page.get_by_role("button", name="Log out").click()
        page.goto(f"{base_url}/admin/login/")
        page.get_by_label("Username").fill(officer.get_username())
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/admin/otp/verify/**")
        screenshot(page, "admin-verify-with-passkey-1280")
        page.get_by_role("button", name="Sign in with a passkey").click()
        page.wait_for_url(f"{base_url}/admin/dashboard/")
        credential = WebAuthnCredential.objects.get(user=officer)
        assert credential.last_used_at is not None
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()
