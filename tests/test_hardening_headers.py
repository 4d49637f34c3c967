"""
Production cookies, and the frame rule across every public page: no page may be framed except
the embed, which any site may frame. Every HTML page's CSP has no 'unsafe-inline' and its
markup has no inline script without the nonce and no style attribute.
"""

import json
import re

import pytest

from campaign.models import Campaign
from tests.factories import CampaignFactory, GiftFactory, UpdateFactory
from tests.test_settings import PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.django_db

COOKIE_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SAMESITE",
)


def production_settings() -> dict:
    names = ",".join(repr(name) for name in COOKIE_SETTINGS)
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in ({names},)}}))"
    )
    result = run_manage("shell", "-c", code, env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_httponly_and_samesite():
    assert production_settings() == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "LANGUAGE_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_HTTPONLY": True,
        "LANGUAGE_COOKIE_SAMESITE": "Lax",
    }


def test_cookies_set_by_the_gift_journey_carry_the_flags(client, settings):
    from tests.donations.conftest import form_data

    # The production values (the test run itself serves plain http, so they are off there).
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.STRIPE_SECRET_KEY = ""
    settings.DEMO_PAYMENTS = True
    campaign = CampaignFactory()
    client.get(f"/donate/?campaign={campaign.slug}", secure=True)
    response = client.post("/donate/", form_data(campaign), secure=True)
    assert response.status_code == 303

    settings.LANGUAGE_COOKIE_SECURE = True
    assert client.post("/i18n/setlang/", {"language": "es", "next": "/donate/"}, secure=True).status_code == 302

    for name in ("csrftoken", "sessionid", "django_language"):
        morsel = client.cookies[name]
        assert (morsel["secure"], morsel["httponly"], morsel["samesite"]) == (True, True, "Lax"), name


def public_urls(campaign: Campaign, update_slug: str) -> list[str]:
    return [
        "/",
        f"/campaigns/{campaign.slug}/",
        f"/campaigns/{campaign.slug}/progress.json",
        f"/donate/?campaign={campaign.slug}",
        "/donate/thanks/?session_id=cs_test_unknown12345",
        "/donate/cancelled/",
        "/donate/manage/",
        "/donate/manage/not-a-token/",
        "/updates/",
        f"/updates/{update_slug}/",
        "/updates/feed/",
        "/updates/rss/",
        "/destination-care/",
        "/destination-care/thanks/",
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
        "/admin/login/",
        "/no-such-page/",
    ]


@pytest.fixture
def site(db):
    campaign = CampaignFactory(is_featured=True) if hasattr(Campaign, "is_featured") else CampaignFactory()
    GiftFactory(campaign=campaign)
    update = UpdateFactory(campaign=campaign)
    return campaign, update.slug


def test_no_public_page_may_be_framed(client, site):
    campaign, update_slug = site
    for url in public_urls(campaign, update_slug):
        response = client.get(url, secure=True)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        assert response.headers.get("X-Frame-Options") == "DENY", url
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert "camera=()" in response.headers["Permissions-Policy"], url
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000"), url


def test_the_embed_alone_may_be_framed_by_any_site(client, site):
    campaign, _ = site
    response = client.get(f"/campaigns/{campaign.slug}/embed/", secure=True)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp
    assert "unsafe-inline" not in csp
    # Everything else about the policy is the site's own.
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "default-src 'self'" in csp


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.I)


def test_html_pages_have_no_inline_script_without_nonce_and_no_style_attribute(client, site):
    campaign, update_slug = site
    for url in [*public_urls(campaign, update_slug), f"/campaigns/{campaign.slug}/embed/"]:
        response = client.get(url, secure=True)
        if not response.headers.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        assert not INLINE_SCRIPT.findall(html), url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url  # no inline event handlers (onclick=…)
