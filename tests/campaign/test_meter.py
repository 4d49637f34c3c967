"""The meter: the embeddable widget, progress.json, and what it says at zero, over the goal and after the end."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from campaign.models import Campaign, Tally
from campaign.tallies import tally_totals
from tests.factories import GiftFactory
from tests.readings import page_text

pytestmark = pytest.mark.django_db


# --- The meter: embed and progress.json -----------------------------------------------------


def test_embed_can_be_framed_anywhere_and_renders_the_same_meter(client, campaign):
    Tally.objects.create(campaign=campaign, raised_cents=123_456_00, gift_count=2, donor_count=2)

    response = client.get("/campaigns/infusion/embed/")
    page = client.get("/campaigns/infusion/")

    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    meter = re.search(r'<section class="meter".*?</section>', page_text(response)).group(0)
    assert meter == re.search(r'<section class="meter".*?</section>', page_text(page)).group(0)
    assert "$123,456" in meter
    assert "site-header" not in page_text(response)


def test_other_pages_still_refuse_framing(client, campaign):
    response = client.get("/campaigns/infusion/")

    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_progress_json_shape_values_cors_and_caching(client, campaign):
    GiftFactory(campaign=campaign, amount_cents=1_500_000_00, donor_email="a@example.com")
    GiftFactory(campaign=campaign, amount_cents=10_00, donor_email="a@example.com")
    tally = tally_totals(campaign=campaign, designation=None)

    response = client.get("/campaigns/infusion/progress.json")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, max-age=15, stale-while-revalidate=60"
    assert response.json() == {
        "raised_cents": 1_500_010_00,
        "goal_cents": 1_000_000_00,
        "donor_count": 1,
        "gift_count": 2,
        "percent": 150,
        "currency": "usd",
        "updated_at": tally.updated_at.isoformat(),
        "paid_cents": 1_500_010_00,
        "pledged_cents": 0,
        "matched_cents": 0,
        "giving_day": None,
        "match": None,
    }


def test_progress_json_with_no_gifts_is_zero(client, campaign):
    assert client.get("/campaigns/infusion/progress.json").json() == {
        "raised_cents": 0,
        "goal_cents": 1_000_000_00,
        "donor_count": 0,
        "gift_count": 0,
        "percent": 0,
        "currency": "usd",
        "updated_at": None,
        "paid_cents": 0,
        "pledged_cents": 0,
        "matched_cents": 0,
        "giving_day": None,
        "match": None,
    }


def test_progress_json_unknown_slug_is_a_json_404(client):
    response = client.get("/campaigns/nope/progress.json")

    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "No published campaign has this slug."}


def test_progress_json_refuses_writes(client, campaign):
    assert Client(enforce_csrf_checks=False).post("/campaigns/infusion/progress.json").status_code == 405


def test_meter_at_zero_percent(client, campaign):
    text = page_text(client.get("/campaigns/infusion/embed/"))

    assert '<span class="meter-raised-amount" data-meter-raised>$0</span>' in text
    assert 'aria-valuenow="0"' in text
    assert 'width="0" height="12" data-meter-fill' in text
    assert "<dd data-meter-percent>0%</dd>" in text


def test_meter_over_the_goal_caps_the_bar_and_says_so(client, campaign):
    Tally.objects.create(campaign=campaign, raised_cents=1_250_000_00, gift_count=9, donor_count=7)

    text = page_text(client.get("/campaigns/infusion/embed/"))

    assert 'aria-valuenow="100"' in text
    assert 'aria-valuetext="$1,250,000 raised of the $1,000,000 goal, 125 percent."' in text
    assert 'width="100" height="12" data-meter-fill' in text
    assert "<dd data-meter-percent>125%</dd>" in text
    assert "Goal reached: 125% of the goal raised." in text


def test_meter_without_an_end_date_shows_no_countdown(client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(ends_on=None)

    text = page_text(client.get("/campaigns/infusion/embed/"))

    assert "data-meter-days" not in text
    assert "days left" not in text


def test_meter_after_the_end_says_ended(client, campaign):
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(
        starts_on=today - datetime.timedelta(days=60), ends_on=today - datetime.timedelta(days=1)
    )

    text = page_text(client.get("/campaigns/infusion/embed/"))

    assert "<dd data-meter-days>Ended</dd>" in text
    assert "days left" not in text


def test_meter_counts_down_days(client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(ends_on=timezone.localdate() + datetime.timedelta(days=12))

    text = page_text(client.get("/campaigns/infusion/embed/"))

    assert "<dt>days left</dt> <dd data-meter-days>12</dd>" in text
