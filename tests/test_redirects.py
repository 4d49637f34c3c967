"""
Open redirects: no `next`, return or success URL a visitor can set, and no crafted path, sends a
browser off the site.
"""

import re
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.utils.http import url_has_allowed_host_and_scheme

from destination.models import CareRequest
from donations.models import DemoCheckoutSession, Gift
from tests.donations import conftest as donation_fixtures
from tests.donations.conftest import form_data
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

fake_stripe = donation_fixtures.fake_stripe
demo_payments = donation_fixtures.demo_payments

EVIL = [
    "//evil.example",
    "///evil.example",
    "https://evil.example",
    "http:evil.example",
    "https:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    " //evil.example",
    "\t//evil.example",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "https://testserver@evil.example",
    "https://evil.example#@testserver",
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
]
REDIRECT_PARAMS = (
    "next",
    "return",
    "return_to",
    "returnUrl",
    "redirect",
    "redirect_to",
    "url",
    "success_url",
    "cancel_url",
)


def assert_stays_on_site(response, context=""):
    location = response.headers.get("Location")
    if location is None:
        return
    assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}), (context, location)
    for bad in ("//evil", "\\", "javascript:", "data:"):
        assert not location.lower().lstrip().startswith(bad), (context, location)


@pytest.fixture
def superuser(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    return get_user_model().objects.create_superuser("root", "root@example.org", "a-long-and-good-password")


@pytest.mark.parametrize("target", EVIL)
def test_admin_login_never_redirects_off_site(client, superuser, target):
    response = client.post(
        f"/admin/login/?next={quote(target)}",
        {"username": "root", "password": "a-long-and-good-password", "next": target},
    )
    assert response.status_code == 302
    assert_stays_on_site(response, target)
    if "%2F" not in target:  # a percent-encoded "//" is only a path here, which Django may keep
        assert response["Location"] == "/admin/"


@pytest.mark.parametrize("target", EVIL)
def test_admin_logout_never_redirects_off_site(client, superuser, target):
    client.force_login(superuser)
    response = client.post(f"/admin/logout/?next={quote(target)}", {"next": target})
    assert response.status_code in (200, 302)
    assert_stays_on_site(response, target)


def test_no_public_url_follows_a_return_parameter(client, fake_stripe):
    campaign = CampaignFactory()
    urls = [
        "/",
        f"/campaigns/{campaign.slug}/",
        "/donate/",
        "/donate/thanks/",
        "/donate/cancelled/",
        "/donate/manage/",
        "/updates/",
        "/destination-care/",
        "/destination-care/thanks/",
        "/destination-care/inquiry/",
        "/admin/",
        "/admin/login/",
    ]
    tried = 0
    for url in urls:
        for target in EVIL:
            query = "&".join(f"{name}={quote(target)}" for name in REDIRECT_PARAMS)
            response = client.get(f"{url}?{query}")
            assert_stays_on_site(response, (url, target))
            tried += 1
    assert tried == len(urls) * len(EVIL)


@pytest.mark.parametrize("target", EVIL)
def test_the_gift_form_sends_stripe_only_our_own_return_urls(client, fake_stripe, target):
    campaign = CampaignFactory()
    data = {**form_data(campaign), **dict.fromkeys(REDIRECT_PARAMS, target)}
    response = client.post(f"/donate/?next={quote(target)}", data)

    assert response.status_code == 303
    assert response["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    (call,) = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert call.params["success_url"] == "https://give.example.org/donate/thanks/?session_id={CHECKOUT_SESSION_ID}"
    assert re.fullmatch(r"https://give\.example\.org/donate/cancelled/\?gift=\d+", call.params["cancel_url"])


def test_a_foreign_host_header_is_refused_before_anything_happens(client, fake_stripe):
    campaign = CampaignFactory()
    response = client.post("/donate/", form_data(campaign), HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert fake_stripe.requests == []
    assert Gift.objects.count() == 0


@pytest.mark.parametrize("target", EVIL)
def test_the_inquiry_form_redirects_only_to_its_own_page(client, target):
    response = client.post(f"/destination-care/inquiry/?next={quote(target)}", {"leave_blank": "bot", "next": target})
    assert (response.status_code, response["Location"]) == (303, "/destination-care/thanks/")
    assert CareRequest.objects.count() == 0


@pytest.mark.parametrize(
    "path",
    [
        "//evil.example",
        "//evil.example/x",
        "/\\evil.example",
        "/%5Cevil.example",
        "//evil.example/%2e%2e",
        "/donate//evil",
    ],
)
def test_crafted_paths_are_not_redirected_off_site(client, path):
    response = client.get(path)
    assert response.status_code in (301, 302, 404)
    assert_stays_on_site(response, path)


@pytest.mark.parametrize("target", [*EVIL, "https://give.example.org.evil.example/"])
def test_demo_checkout_returns_only_to_this_site(client, demo_payments, target):
    campaign = CampaignFactory()
    response = client.post("/donate/", form_data(campaign))
    session_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    demo = DemoCheckoutSession.objects.get(session_id=session_id)
    demo.data = {
        **demo.data,
        "success_url": target,
        "cancel_url": target,
    }  # as if the stored session were tampered with
    demo.save()

    for action in ("pay", "decline", "cancel"):
        response = client.post(f"/donate/demo-checkout/{session_id}/", {"action": action})
        assert response.status_code == 302
        assert_stays_on_site(response, (action, target))
        if "%2F" not in target:
            assert response["Location"] == "/", (action, response["Location"])


@pytest.mark.parametrize("target", EVIL)
def test_the_language_switch_never_redirects_off_site(client, target):
    for referer in (None, target, "https://evil.example/page"):
        extra = {"HTTP_REFERER": referer} if referer else {}
        response = client.post(f"/i18n/setlang/?next={quote(target)}", {"language": "es", "next": target}, **extra)
        assert response.status_code in (302, 204), (target, referer, response.status_code)
        assert_stays_on_site(response, (target, referer))
        if "%2F" not in target and response.status_code == 302:
            assert response["Location"] == "/", (target, referer, response["Location"])


def test_the_language_switch_follows_a_same_site_next(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/donate/?amount=50"})
    assert (response.status_code, response["Location"]) == (302, "/donate/?amount=50")
