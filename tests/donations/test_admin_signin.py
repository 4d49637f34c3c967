"""
Staff sign-in: a password, then a TOTP code (enrolment for staff without a device), lockout after
repeated failures (django-axes), sessions that expire. These tests do not get the automatic
verified device that other admin tests get (marker real_two_factor).
"""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.staff import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_factor]


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://give.example.org"


def code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0 - offset_steps * device.step, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def invite(client, user) -> str:
    """What the staff member does with the emailed invitation: its token, posted by the tiny form."""
    from staffauth import services as staffauth

    token = staffauth.invitation_create(user=user)
    response = client.post("/admin/otp/invitation/", {"invitation": token})
    assert response.status_code == 302
    return token


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
    invite(client, development_officer)
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
    # Next, the backup codes, shown once; then on to where the staff member was going.
    assert right["Location"] == "/admin/otp/backup-codes/?next=%2Fadmin%2Fdashboard%2F"
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
    assert "Too many failed sign-ins for this account, or from this network." in fifth.content.decode()
    assert "What to do: wait an hour, then sign in again with care." in fifth.content.decode()
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


def _sign_in_from(client, username, address, password="wrong password"):  # noqa: S107
    return client.post(
        "/admin/login/", {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address
    )


def test_failures_for_one_account_from_many_addresses_lock_that_account(client, development_officer):
    for index in range(5):
        _sign_in_from(client, development_officer.username, f"203.0.113.{index + 1}")
    # From a sixth address, even the right password is refused, with the page that says what to do.
    locked = _sign_in_from(client, development_officer.username, "198.51.100.9", password=PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    text = locked.content.decode()
    assert "Too many failed sign-ins for this account, or from this network." in text
    assert "If these were not your attempts, someone may be guessing your password" in text


def test_failures_for_many_accounts_from_one_address_lock_that_address(client, development_officer):
    for index in range(5):
        _sign_in_from(client, f"guess{index}", "203.0.113.50")
    locked = _sign_in_from(client, development_officer.username, "203.0.113.50", password=PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # The real owner, elsewhere, still signs in.
    assert _sign_in_from(client, development_officer.username, "198.51.100.7", password=PASSWORD).status_code == 302


def test_a_password_alone_cannot_enrol_a_device(client, development_officer):
    # Whoever knows the password (a phished or reused one) must not be able to set up the second
    # factor: enrolment needs the single-use invitation emailed to the staff member.
    sign_in(client, development_officer)
    page = client.get("/admin/otp/enrol/")
    assert page.status_code == 200
    assert "secret" not in page.context
    assert 'class="otp-qr"' not in page.content.decode()
    assert not TOTPDevice.objects.filter(user=development_officer).exists()
    refused = client.post("/admin/otp/enrol/", {"token": "123456"})
    assert not TOTPDevice.objects.filter(user=development_officer).exists()
    assert refused.status_code == 200
    assert client.get("/admin/").status_code == 302
    assert "open the invitation link a superuser emailed to you" in page.content.decode()


def test_an_invitation_enrols_once_and_then_is_spent(client, development_officer, mailoutbox):
    from staffauth import services as staffauth
    from staffauth.models import EnrolmentInvitation

    url = staffauth.invitation_send(user=development_officer)
    [email] = mailoutbox
    assert email.to == [development_officer.email]
    assert url in email.body
    path, token = url.removeprefix("https://give.example.org").split("#")
    assert path == "/admin/otp/invitation/"  # the token is only in the fragment: never sent, never logged
    assert EnrolmentInvitation.objects.get().token_hash != token  # only its hash is kept

    page = client.get(path)
    assert page.status_code == 200
    assert 'data-token-from-fragment=""' in page.content.decode()
    response = client.post(path, {"invitation": token})
    assert response["Location"] == "/admin/login/?next=%2Fadmin%2Fotp%2Fenrol%2F"
    sign_in(client, development_officer)
    page = client.get("/admin/otp/enrol/")
    assert "secret" in page.context
    device = TOTPDevice.objects.get(user=development_officer, confirmed=False)
    assert client.post("/admin/otp/enrol/", {"token": code(device)}).status_code == 302
    assert client.get("/admin/dashboard/").status_code == 200
    assert EnrolmentInvitation.objects.get().used_at is not None

    # Spent: the same link (in someone else's hands, say) enrols nothing more.
    other = client.__class__()
    again = other.post(path, {"invitation": token})
    assert again.status_code == 400
    assert "expired, was already used, or is not valid" in again.content.decode()


def test_an_expired_invitation_is_refused(client, development_officer):
    from staffauth import services as staffauth
    from staffauth.models import EnrolmentInvitation

    token = staffauth.invitation_create(user=development_officer)
    EnrolmentInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.post("/admin/otp/invitation/", {"invitation": token}).status_code == 400
    assert staffauth.SESSION_KEY not in client.session


def test_an_invitation_cannot_enrol_another_account(client, development_officer, finance_officer):
    invite(client, development_officer)
    sign_in(client, finance_officer)  # the invitation was development_officer's
    page = client.get("/admin/otp/enrol/")
    assert "secret" not in page.context
    assert not TOTPDevice.objects.filter(user=finance_officer).exists()


def test_re_enrolment_keeps_the_owner_signed_in_until_the_new_phone_works(client, development_officer):
    old_phone = TOTPDevice.objects.create(user=development_officer, name="old phone", confirmed=True)
    invite(client, development_officer)
    sign_in(client, development_officer)
    page = client.get("/admin/otp/enrol/")
    new_phone = TOTPDevice.objects.get(user=development_officer, confirmed=False)
    assert page.context["secret"].replace(" ", "")
    # Until the new phone's code is confirmed, the old one still works.
    assert TOTPDevice.objects.filter(pk=old_phone.pk, confirmed=True).exists()
    client.post("/admin/otp/enrol/", {"token": code(new_phone)})
    assert list(TOTPDevice.objects.filter(user=development_officer).values_list("pk", flat=True)) == [new_phone.pk]


def test_a_superuser_resets_a_lost_phone_and_the_owner_gets_an_invitation(
    client, superuser, development_officer, mailoutbox
):
    from tests.conftest import otp_verify_session

    TOTPDevice.objects.create(user=development_officer, name="lost phone", confirmed=True)
    client.force_login(superuser)
    otp_verify_session(client, superuser)
    response = client.post(
        "/admin/auth/user/",
        {"action": "reset_two_factor", "_selected_action": [development_officer.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=development_officer).exists()
    assert [message.to for message in mailoutbox] == [[development_officer.email]]
    assert "/admin/otp/invitation/#" in mailoutbox[0].body


def test_a_superuser_creating_a_staff_account_sends_the_invitation(client, superuser, mailoutbox, django_user_model):
    from tests.conftest import otp_verify_session

    client.force_login(superuser)
    otp_verify_session(client, superuser)
    client.post(
        "/admin/auth/user/add/",
        {
            "username": "new.officer",
            "password1": "a-long-password-2026",
            "password2": "a-long-password-2026",
            "usable_password": "true",
        },
    )
    user = django_user_model.objects.get(username="new.officer")
    data = {
        "username": "new.officer", "email": "new.officer@foundation.example", "is_active": "on", "is_staff": "on",
        "date_joined_0": "2026-11-01", "date_joined_1": "09:00:00", "initial-date_joined_0": "2026-11-01",
        "initial-date_joined_1": "09:00:00",
    }  # fmt: skip
    response = client.post(f"/admin/auth/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert [message.to for message in mailoutbox] == [["new.officer@foundation.example"]]


def test_invite_staff_prints_a_link_for_each_staff_member_without_a_device(development_officer, finance_officer):
    from io import StringIO

    from django.core.management import call_command

    TOTPDevice.objects.create(user=finance_officer, name="phone", confirmed=True)
    out = StringIO()
    call_command("invite_staff", stdout=out)
    [line] = out.getvalue().splitlines()
    assert line.startswith("dev.officer: https://give.example.org/admin/otp/invitation/#")


def test_while_throttled_the_page_says_to_wait_not_that_the_right_code_is_wrong(client, development_officer):
    device = TOTPDevice.objects.create(user=development_officer, name="phone", confirmed=True)
    sign_in(client, development_officer)
    client.post("/admin/otp/verify/", {"token": "000000"})
    # One wrong code throttles the device for a second or more: the right code sent at once is
    # not checked, and the page must say why.
    right_too_soon = client.post("/admin/otp/verify/", {"token": code(device)})
    assert right_too_soon.context["form"].errors["token"] == [
        "Too many tries: wait a few seconds, then enter the code your app shows then."
    ]
    assert "That code is not right" not in right_too_soon.content.decode()


def test_backup_codes_are_shown_once_after_enrolment_and_each_works_once(client, development_officer):
    invite(client, development_officer)
    sign_in(client, development_officer)
    client.get("/admin/otp/enrol/")
    device = TOTPDevice.objects.get(user=development_officer)
    client.post("/admin/otp/enrol/", {"token": code(device)})
    page = client.get("/admin/otp/backup-codes/?next=/admin/")
    codes = page.context["codes"]
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-7]{8}", backup) for backup in codes)
    assert client.get("/admin/otp/backup-codes/").context["codes"] == []  # shown only once
    assert client.get("/admin/otp/backup-codes/").context["count"] == 10

    client.post("/admin/otp/cancel/")
    sign_in(client, development_officer)
    used = client.post("/admin/otp/verify/", {"backup_code": codes[0].upper(), "next": "/admin/"})
    assert used["Location"] == "/admin/"
    assert client.get("/admin/dashboard/").status_code == 200  # verified: the officer's admin home opens

    client.post("/admin/otp/cancel/")
    sign_in(client, development_officer)
    again = client.post("/admin/otp/verify/", {"backup_code": codes[0]})
    assert again.context["backup_form"].errors["backup_code"] == ["That backup code is not right or was already used."]
    assert client.get("/admin/dashboard/")["Location"].startswith("/admin/login/")


def test_a_verified_staff_member_makes_a_new_set_and_the_old_one_stops_working(client, development_officer):
    from staff.site import backup_codes_make
    from tests.conftest import otp_verify_session

    old = backup_codes_make(user=development_officer)
    client.force_login(development_officer)
    otp_verify_session(client, development_officer)
    response = client.post("/admin/otp/backup-codes/")
    new = client.get(response["Location"]).context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    from django_otp.plugins.otp_static.models import StaticToken

    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(new)


def test_the_backup_codes_page_continues_only_to_this_site(client, development_officer):
    from tests.conftest import otp_verify_session

    client.force_login(development_officer)
    otp_verify_session(client, development_officer)
    for hostile in ("javascript:alert(1)", "https://evil.example/", "//evil.example/"):
        page = client.get("/admin/otp/backup-codes/", {"next": hostile})
        assert page.context["next"] == "/admin/"
