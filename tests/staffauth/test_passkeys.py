"""
Passkeys (WebAuthn, django-otp-webauthn) as a staff sign-in step beside the authenticator app and
backup codes: added only from a verified session, used only after the password, the staff
member's own, removable by them and reset by a superuser with the rest of their devices.
A software passkey (tests/staffauth/softkey.py) plays the phone.
"""

import json

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from tests.conftest import otp_verify_session
from tests.staff import PASSWORD
from tests.staffauth.softkey import SoftPasskey

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_factor]

ORIGIN = "https://give.example.org"
BEGIN_REGISTER = "/admin/passkey/registration/begin/"
COMPLETE_REGISTER = "/admin/passkey/registration/complete/"
BEGIN_AUTH = "/admin/passkey/authentication/begin/"
COMPLETE_AUTH = "/admin/passkey/authentication/complete/"


@pytest.fixture(autouse=True)
def _relying_party(settings):
    settings.SITE_URL = ORIGIN
    settings.OTP_WEBAUTHN_RP_ID = "give.example.org"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]


def post_json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def sign_in_with_password(client, user):
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    return response


def verified(client, user):
    client.force_login(user)
    TOTPDevice.objects.get_or_create(user=user, name="phone", defaults={"confirmed": True})
    otp_verify_session(client, user)


def register(client, user) -> SoftPasskey:
    key = SoftPasskey(rp_id="give.example.org", origin=ORIGIN)
    options = post_json(client, BEGIN_REGISTER).json()
    assert options["rp"]["id"] == "give.example.org"
    response = post_json(client, COMPLETE_REGISTER, key.create(options))
    assert response.status_code == 200, response.content
    return key


def test_a_verified_staff_member_adds_a_passkey_and_signs_in_with_it_instead_of_a_code(client, development_officer):
    verified(client, development_officer)
    key = register(client, development_officer)
    assert list(
        WebAuthnCredential.objects.filter(user=development_officer, confirmed=True).values_list("name", flat=True)
    ) == ["Passkey 1"]
    client.post("/admin/logout/")

    sign_in_with_password(client, development_officer)
    page = client.get("/admin/otp/verify/?next=/admin/donations/gift/")
    assert page.context["has_passkey"] is True
    assert b'id="passkey-verification-placeholder"' in page.content
    assert client.get("/admin/dashboard/").status_code == 302  # not yet verified
    options = post_json(client, BEGIN_AUTH).json()
    assert [c["id"] for c in options["allowCredentials"]] == [key.get(options)["id"]]
    session_key = client.session.session_key
    response = post_json(client, COMPLETE_AUTH + "?next=/admin/donations/gift/", key.get(options))
    assert response.status_code == 200, response.content
    assert response.json()["redirect_url"] == "/admin/donations/gift/"
    assert client.session.session_key != session_key  # a new key for the verified session
    assert client.get("/admin/dashboard/").status_code == 200


def test_the_passkey_sign_in_goes_only_to_this_site(client, development_officer):
    verified(client, development_officer)
    key = register(client, development_officer)
    client.post("/admin/logout/")
    sign_in_with_password(client, development_officer)
    options = post_json(client, BEGIN_AUTH).json()
    response = post_json(client, COMPLETE_AUTH + "?next=https://evil.example/", key.get(options))
    assert response.json()["redirect_url"] == "/admin/"


def test_a_password_only_session_cannot_add_a_passkey(client, development_officer):
    # No device at all: the library alone would allow it, skipping the emailed invitation.
    sign_in_with_password(client, development_officer)
    response = post_json(client, BEGIN_REGISTER)
    assert response.status_code == 403
    assert response.json()["code"] == "user_not_verified"
    assert post_json(client, COMPLETE_REGISTER, {"id": "x"}).status_code == 403
    assert not WebAuthnCredential.objects.exists()


def test_without_the_password_no_passkey_ceremony_starts(client, development_officer, django_user_model):
    assert post_json(client, BEGIN_AUTH).status_code == 403
    assert post_json(client, COMPLETE_AUTH, {}).status_code == 403
    donor = django_user_model.objects.create_user("donor", password=PASSWORD)
    client.force_login(donor)
    assert post_json(client, BEGIN_AUTH).status_code == 403


def test_another_staff_members_passkey_is_refused(client, development_officer, finance_officer):
    verified(client, finance_officer)
    their_key = register(client, finance_officer)
    client.post("/admin/logout/")
    sign_in_with_password(client, development_officer)
    options = post_json(client, BEGIN_AUTH).json()
    response = post_json(client, COMPLETE_AUTH, their_key.get(options))
    assert response.status_code == 403
    assert client.get("/admin/dashboard/").status_code == 302


def test_a_passkey_answer_for_another_site_or_a_replayed_one_is_refused(client, development_officer):
    verified(client, development_officer)
    key = register(client, development_officer)
    client.post("/admin/logout/")
    sign_in_with_password(client, development_officer)
    options = post_json(client, BEGIN_AUTH).json()
    phished = key.get(options, origin="https://give-example.org.evil.example")
    assert post_json(client, COMPLETE_AUTH, phished).status_code in (400, 403, 422)
    # The challenge was used up by that attempt: a second answer to it is refused.
    assert post_json(client, COMPLETE_AUTH, key.get(options)).status_code == 400
    assert client.get("/admin/dashboard/").status_code == 302


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"id": 5}', b'{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}'],
)
def test_hostile_answers_get_a_4xx_not_a_500(client, development_officer, body):
    verified(client, development_officer)
    post_json(client, BEGIN_REGISTER)
    response = client.post(COMPLETE_REGISTER, body, content_type="application/json")
    assert 400 <= response.status_code < 500
    client.post("/admin/logout/")
    sign_in_with_password(client, development_officer)
    post_json(client, BEGIN_AUTH)
    response = client.post(COMPLETE_AUTH, body, content_type="application/json")
    assert 400 <= response.status_code < 500


def test_the_endpoints_answer_only_post(client, development_officer):
    verified(client, development_officer)
    for url in (BEGIN_REGISTER, COMPLETE_REGISTER, BEGIN_AUTH, COMPLETE_AUTH):
        assert client.get(url).status_code == 405


def test_the_passkeys_page_lists_and_removes_only_ones_own(client, development_officer, finance_officer):
    verified(client, finance_officer)
    register(client, finance_officer)
    theirs = WebAuthnCredential.objects.get(user=finance_officer)
    client.post("/admin/logout/")
    verified(client, development_officer)
    register(client, development_officer)
    mine = WebAuthnCredential.objects.get(user=development_officer)
    page = client.get("/admin/otp/passkeys/")
    assert page.status_code == 200
    assert [p.pk for p in page.context["passkeys"]] == [mine.pk]
    assert b'id="passkey-registration-placeholder"' in page.content
    for value in (theirs.pk, "abc", "9" * 30, ""):
        assert client.post("/admin/otp/passkeys/", {"remove": value}).status_code == 302
    assert WebAuthnCredential.objects.count() == 2
    client.post("/admin/otp/passkeys/", {"remove": mine.pk})
    assert list(WebAuthnCredential.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_the_passkeys_page_needs_a_verified_session(client, development_officer):
    sign_in_with_password(client, development_officer)
    response = client.get("/admin/otp/passkeys/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_superuser_reset_forgets_the_passkeys_too(client, superuser, development_officer, mailoutbox):
    verified(client, development_officer)
    register(client, development_officer)
    client.post("/admin/logout/")
    verified(client, superuser)
    response = client.post(
        "/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [development_officer.pk]}
    )
    assert response.status_code == 302
    assert not WebAuthnCredential.objects.filter(user=development_officer).exists()
    assert [m.to for m in mailoutbox] == [[development_officer.email]]


def test_a_superuser_sees_and_can_delete_a_staff_members_passkey_in_the_admin(client, superuser, development_officer):
    verified(client, development_officer)
    register(client, development_officer)
    credential = WebAuthnCredential.objects.get()
    client.post("/admin/logout/")
    verified(client, superuser)
    listing = client.get("/admin/django_otp_webauthn/webauthncredential/")
    assert listing.status_code == 200
    assert b"Passkeys" in listing.content
    response = client.post(f"/admin/django_otp_webauthn/webauthncredential/{credential.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not WebAuthnCredential.objects.exists()


def test_a_development_officer_cannot_open_the_passkey_admin(client, development_officer):
    verified(client, development_officer)
    assert client.get("/admin/django_otp_webauthn/webauthncredential/").status_code == 403
