"""What a superuser reads in the admin: apps and models named in words, not the libraries' labels."""

import re

import pytest

pytestmark = pytest.mark.django_db

RAW = [
    "Axes",
    "Otp_Totp",
    "Otp_Static",
    "OTP WebAuthn",
    "Django_Otp_Webauthn",
    "WebAuthn credential",
    "Tasks Database Backend",
    "Task Result",
    "Purged request counts",
    "TOTP device",
    "Static device",
]


def test_the_superusers_admin_index_names_every_app_and_model_in_words(client, superuser):
    client.force_login(superuser)
    page = client.get("/admin/")
    assert page.status_code == 200
    names = [(str(app["name"]), [str(model["name"]) for model in app["models"]]) for app in page.context["app_list"]]
    text = " ".join([name for name, _models in names] + [m for _name, models in names for m in models])
    for raw in RAW:
        assert raw.lower() not in text.lower(), (raw, names)
    for words in ("Sign-in lockouts", "Authenticator apps", "Backup codes", "Passkeys", "Background tasks"):
        assert words in text, (words, names)
    # Nor in the page itself (sidebar, breadcrumbs).
    body = re.sub(r"<[^>]+>", " ", page.content.decode())
    for raw in RAW:
        assert raw not in body, raw


def test_a_page_outside_the_role_answers_403_inside_the_admin_frame(client, care_coordinator, development_officer):
    client.force_login(development_officer)
    response = client.get("/admin/destination/carerequest/")
    assert response.status_code == 403
    body = response.content.decode()
    assert 'id="site-name"' in body  # the admin's header
    assert "Your role does not include this page" in body
    assert 'href="/admin/"' in body
    # The same for an action the role lacks on a model it can see.
    response = client.get("/admin/donations/gift/add/")
    assert response.status_code in (403, 302)
