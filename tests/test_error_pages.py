"""The error pages people may meet, the icons and the social image."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client
from django.views.defaults import permission_denied
from PIL import Image

from donations.models import Gift
from tests.factories import CampaignFactory

IMG = Path(__file__).resolve().parents[1] / "static" / "img"


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_token_gets_the_sites_page_and_records_nothing(settings):
    settings.DEMO_PAYMENTS, settings.STRIPE_SECRET_KEY = True, ""
    campaign = CampaignFactory()
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        "/donate/", {"campaign": campaign.slug, "frequency": "one_time", "amount": "50", "display_name": "A"}
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>This form has expired</h1>" in html
    assert "Nothing was sent and nothing was charged." in html
    assert 'class="site-header"' in html and 'href="/donate/">Start a gift again</a>' in html
    assert not Gift.objects.exists()


def test_the_403_page_is_the_sites(rf, settings):
    settings.ORG_NAME = "Kids Foundation"
    response = permission_denied(rf.get("/admin/destination/"), PermissionDenied())  # Django's own handler
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>You can’t open this page</h1>" in html
    assert "<span>Kids Foundation</span>" in html  # the site's layout, with its context


@pytest.mark.parametrize(
    ("template", "heading"),
    [("400.html", "We couldn’t understand that request"), ("500.html", "Sorry, something went wrong on our side")],
)
def test_standalone_error_pages_render_without_any_context(template, heading):
    html = render_to_string(template)  # as Django's handlers do: no request, no context processors
    assert f"<h1>{heading}</h1>" in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert '<a class="btn btn-donate" href="/">Back to the campaign</a>' in html


@pytest.mark.parametrize(
    ("name", "size"),
    [("favicon-32.png", (32, 32)), ("apple-touch-icon.png", (180, 180)), ("social.png", (1200, 630))],
)
def test_icons_and_social_image_have_their_sizes(name, size):
    with Image.open(IMG / name) as image:
        assert image.size == size
    with Image.open(IMG / "favicon.ico") as icon:
        assert {(16, 16), (32, 32), (48, 48)} <= set(icon.info["sizes"])


@pytest.mark.django_db
def test_every_page_links_the_icons_and_a_social_image(client):
    html = client.get("/donate/manage/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.ico" sizes="48x48">' in html
    assert '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">' in html
    assert '<meta property="og:image" content="http://127.0.0.1:8000/static/img/social.png">' in html
