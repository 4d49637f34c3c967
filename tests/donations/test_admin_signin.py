"""
Staff sign-in: a password, then a TOTP code (enrolment for staff without a device), lockout after
repeated failures (django-axes), sessions that expire. These tests do not get the automatic
verified device that other admin tests get (marker real_two_factor).
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.staff import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_factor]


def code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0 - offset_steps * device.step, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def sign_in(client, user, password=PASSWORD):
    return client.post("/admin/login/", {"username": user.username, "password": password, "next": "/admin/"})


def test_a_password_alone_does_not_open_the_admin(client, development_officer):
    assert sign_in(client, development_officer).status_code == 302
    for url in ("/admin/", "/admin/donations/gift/", "/admin/dashboard/", "/admin/donations/gift/export/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/?next="), url
    # The login page sends a signed-in staff member on to the second step.
    response = client.get("/admin/login/?next=/admin/donations/gift/")
    assert response["Location"] == "/admin/otp/enrol/?next=%2Fadmin%2Fdonations%2Fgift%2F"


def test_enrolment_shows_the_secret_and_qr_and_confirms_the_first_code(client, development_officer):
    sign_in(client, development_officer)
    page = client.get("/admin/otp/enrol/?next=/admin/dashboard/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=development_officer)
    assert device.confirmed is False
    html = page.content.decode()
    assert page.context["secret"].replace(" ", "") in html.replace(" ", "")
    assert "<svg" in html and "<path" in html
    assert " style=" not in html  # the QR code is drawn without inline styles (CSP)
    assert "otpauth" not in html  # the secret is in the QR code and the text, never a link

    wrong = client.post("/admin/otp/enrol/", {"token": "000000", "next": "/admin/dashboard/"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["token"] == [
        "That code is not right. Check the app shows this site, then enter its current code."
    ]
    device.refresh_from_db()
    assert device.confirmed is False
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"  # not yet through

    device.throttle_reset()
    right = client.post("/admin/otp/enrol/", {"token": code(device), "next": "/admin/dashboard/"})
    assert right.status_code == 302
    assert right["Location"] == "/admin/dashboard/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/admin/dashboard/").status_code == 200


def test_staff_with_a_device_verify_a_code_at_each_sign_in(client, development_officer):
    device = TOTPDevice.objects.create(user=development_officer, name="phone", confirmed=True)
    sign_in(client, development_officer)
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/admin/otp/verify/?next=%2Fadmin%2F"
    assert client.get("/admin/otp/enrol/")["Location"] == "/admin/otp/verify/"  # no second device this way

    wrong = client.post("/admin/otp/verify/", {"token": "12345x"})
    assert wrong.context["form"].errors["token"] == ["The code is made of digits only, like 123456."]
    wrong = client.post("/admin/otp/verify/", {"token": code(device, offset_steps=20)})  # a code from 10 minutes ago
    assert wrong.context["form"].errors["token"] == [
        "That code is not right or has expired. Enter the code your app shows now."
    ]
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"  # not yet through

    device.throttle_reset()
    response = client.post("/admin/otp/verify/", {"token": code(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    # Through: a development officer's admin home is the dashboard.
    assert client.get("/admin/")["Location"] == "/admin/dashboard/"
    assert client.get("/admin/dashboard/").status_code == 200


def test_repeated_wrong_codes_throttle_the_device(client, development_officer):
    device = TOTPDevice.objects.create(user=development_officer, name="phone", confirmed=True)
    sign_in(client, development_officer)
    for _attempt in range(3):
        client.post("/admin/otp/verify/", {"token": "000000"})
    # Even the right code is refused while the device is throttled (django-otp's back-off).
    client.post("/admin/otp/verify/", {"token": code(device)})
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"  # not yet through


def test_an_open_redirect_is_not_followed(client, development_officer):
    device = TOTPDevice.objects.create(user=development_officer, name="phone", confirmed=True)
    sign_in(client, development_officer)
    response = client.post("/admin/otp/verify/", {"token": code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_signing_out_from_the_second_step(client, development_officer):
    sign_in(client, development_officer)
    assert client.get("/admin/otp/cancel/").status_code == 405
    response = client.post("/admin/otp/cancel/")
    assert response["Location"] == "/admin/login/"
    assert client.get("/admin/otp/enrol/")["Location"] == "/admin/login/"


def test_non_staff_cannot_reach_the_second_step(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("donor", password=PASSWORD))
    assert client.get("/admin/otp/enrol/")["Location"] == "/admin/login/"
    assert not TOTPDevice.objects.exists()


def test_five_failures_lock_the_account_for_an_hour(client, development_officer, settings):
    assert (settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME) == (5, 1)
    for _attempt in range(4):
        assert sign_in(client, development_officer, password="wrong password").status_code == 200
    fifth = sign_in(client, development_officer, password="wrong password")
    assert fifth.status_code == 429
    assert "There were 5 failed sign-ins for this account from here." in fifth.content.decode()
    assert "Try again in an hour" in fifth.content.decode()
    # Locked: even the right password is refused, and no session is made.
    locked = sign_in(client, development_officer)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session

    # An hour later the lock has expired.
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(hours=1, minutes=1))
    assert sign_in(client, development_officer).status_code == 302
    assert client.session["_auth_user_id"] == str(development_officer.pk)


def test_sessions_expire_after_eight_hours_and_at_browser_close(client, development_officer, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    response = sign_in(client, development_officer)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert (cookie["max-age"], cookie["expires"]) == ("", "")  # a browser-session cookie
    session = Session.objects.get(session_key=cookie.value)
    assert abs((session.expire_date - timezone.now()).total_seconds() - 8 * 60 * 60) < 60

    device = TOTPDevice.objects.create(user=development_officer, name="phone", confirmed=True)
    client.post("/admin/otp/verify/", {"token": code(device)})
    assert client.get("/admin/dashboard/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/admin/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
