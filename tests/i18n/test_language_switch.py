"""Choosing the language: Accept-Language, the cookie, and the switch (a plain form, safe redirects)."""

import pytest
from django.conf import settings

from tests.factories import GiftFactory
from tests.readings import page_text as text

pytestmark = pytest.mark.django_db


# --- Choosing the language -------------------------------------------------------------------------


def test_english_by_default_spanish_from_accept_language_or_the_cookie(client, campaign):
    english = text(client.get("/campaigns/infusion/"))
    assert '<html lang="en">' in english
    assert "Make a gift" in english

    by_header = text(client.get("/campaigns/infusion/", headers={"accept-language": "es-US,es;q=0.9,en;q=0.5"}))
    assert '<html lang="es">' in by_header
    assert "Haga una donación" in by_header

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    by_cookie = client.get("/campaigns/infusion/", headers={"accept-language": "en-US"})
    assert by_cookie["Content-Language"] == "es"
    assert '<html lang="es">' in text(by_cookie)  # the visitor's choice wins over the browser's


def test_the_switch_is_a_plain_form_on_every_public_page(client, spanish, campaign):
    GiftFactory(campaign=campaign)
    for path in ("/campaigns/infusion/", "/donate/?campaign=infusion&amount=25", "/updates/", "/destination-care/"):
        html = text(client.get(path))
        assert '<form class="language-switch" action="/i18n/setlang/" method="post">' in html, path
        assert f'<input type="hidden" name="next" value="{path.replace("&", "&amp;")}">' in html, path
        # Spanish page: the button offers English, labelled in English.
        assert 'name="language" value="en" lang="en">English</button>' in html, path
        assert 'value="es" lang="es"' not in html, path

    client.cookies.clear()
    assert 'name="language" value="es" lang="es">Español</button>' in text(client.get("/campaigns/infusion/"))


def test_switching_sets_a_lasting_cookie_and_returns_to_the_same_page(client, campaign):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/donate/?campaign=infusion&amount=25"})

    assert response.status_code == 302
    assert response["Location"] == "/donate/?campaign=infusion&amount=25"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax"
    assert '<html lang="es">' in text(client.get("/donate/?campaign=infusion"))  # the client kept the cookie


def test_switching_needs_no_csrf_token(campaign):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/i18n/setlang/", {"language": "es", "next": "/updates/"})
    assert (response.status_code, response["Location"]) == (302, "/updates/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/phish",
        "//evil.example/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example",
    ],
)
def test_an_off_site_next_is_refused(client, next_url):
    response = client.post("/i18n/setlang/", {"language": "es", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


def test_an_off_site_referer_is_refused_too(client):
    response = client.post("/i18n/setlang/", {"language": "es"}, headers={"referer": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_unknown_language_changes_nothing(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/updates/"})
    assert response["Location"] == "/updates/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switch_only_accepts_posts(client):
    assert client.get("/i18n/setlang/?language=es&next=/updates/").status_code == 405
