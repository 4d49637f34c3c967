"""The campaign page in real Chromium: the meter's figures, the phone layout, screenshots."""

import datetime

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import re_path
from django.utils import timezone
from django.views.static import serve

from campaign import demo
from campaign.models import Figure, Milestone
from campaign.selectors import campaign_progress
from campaign.services import campaign_save
from config.urls import urlpatterns as site_urlpatterns
from core import money
from donations.models import Gift
from tests.factories import CampaignFactory, DesignationFactory, GiftFactory, UpdateFactory


def serve_media(request, path):
    # Production serves uploads from storage or the web server; the live server needs a hand.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", serve_media), *site_urlpatterns]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]


@pytest.fixture
def campaign():
    today = timezone.localdate()
    campaign = CampaignFactory.build(
        title=demo.CAMPAIGN["title"],
        slug="infusion",
        tagline=demo.CAMPAIGN["tagline"],
        story=demo.STORY,
        goal_cents=5_000_000_00,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=40),
        is_featured=True,
        hero_image_alt=demo.CAMPAIGN["hero_image_alt"],
        preset_amounts="25, 50, 100, 250, 500, 1000",
    )
    campaign.hero_image.save("hero.jpg", ContentFile(demo.draw_hero()), save=False)
    campaign_save(campaign=campaign)
    for position, (value, label) in enumerate(demo.FIGURES):
        Figure.objects.create(campaign=campaign, value=value, label=label, position=position)
    for position, name in enumerate(demo.DIVISIONS):
        campaign.divisions.create(name=name, position=position)
    for values in demo.DESIGNATIONS:
        DesignationFactory(campaign=campaign, **values)
    for cents, label in demo.MILESTONES:
        Milestone.objects.create(campaign=campaign, amount_cents=cents, label=label)
    GiftFactory(campaign=campaign, amount_cents=1_234_567_00, display_name="The Whitaker Family Foundation")
    GiftFactory(campaign=campaign, amount_cents=250_00, display_name="Maria R.", message="For Lily <3")
    GiftFactory(campaign=campaign, amount_cents=100_00, is_anonymous=True, display_name="Hidden")
    GiftFactory(campaign=campaign, amount_cents=500_000_00, source=Gift.Source.PLEDGE, display_name="Health Partners")
    for days in (2, 9, 20):
        UpdateFactory(
            campaign=campaign,
            title=f"Update from {days} days ago",
            publish_at=timezone.now() - datetime.timedelta(days=days),
        )
    return campaign


def visible_text(page, selector):
    return page.locator(selector).first.inner_text().strip()


def scroll_through(page):
    # Let lazy images below the fold load before a full-page screenshot.
    height = page.evaluate("document.body.scrollHeight")
    for y in range(0, height, 600):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(30)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_load_state("networkidle")


def test_meter_figures_match_the_data_on_desktop(live_server, page, screenshot, campaign):
    progress = campaign_progress(campaign=campaign)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(f"{live_server.url}/campaigns/infusion/")

    meter = page.locator("[data-meter]")
    assert visible_text(meter, "[data-meter-raised]") == money.format_cents(1_734_917_00, whole=True) == "$1,734,917"
    assert visible_text(meter, "[data-meter-goal]") == "$5,000,000"
    assert visible_text(meter, "[data-meter-percent]") == f"{progress.percent}%" == "34%"
    assert visible_text(meter, "[data-meter-donors]") == str(progress.donor_count) == "4"
    assert visible_text(meter, "[data-meter-gifts]") == str(progress.gift_count) == "4"
    assert visible_text(meter, "[data-meter-days]") == "40"
    bar = page.get_by_role("progressbar")
    assert bar.get_attribute("aria-valuenow") == "34"
    assert bar.get_attribute("aria-valuetext") == "$1,734,917 raised of the $5,000,000 goal, 34 percent."
    assert page.locator(".donor-wall-name").all_inner_texts()[:4] == [
        "Health Partners",
        "Anonymous",
        "Maria R.",
        "The Whitaker Family Foundation",
    ]
    assert "For Lily <3" in page.locator(".donor-wall").inner_text()

    # The hero image is served in a web size, and nothing failed to load (CSP included).
    hero = page.locator(".campaign-hero-img")
    assert hero.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "/renditions/" in hero.evaluate("img => img.currentSrc")
    scroll_through(page)
    assert errors == []
    screenshot(page, "campaign-desktop")


def test_phone_layout_has_no_horizontal_scroll_and_big_tap_targets(live_server, phone_page, screenshot, campaign):
    phone_page.goto(f"{live_server.url}/")

    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert visible_text(phone_page, "[data-meter-raised]") == "$1,734,917"
    # The meter comes right after the hero on a phone, before the long story.
    meter_top = phone_page.locator("[data-meter]").bounding_box()["y"]
    story_top = phone_page.locator("#story").bounding_box()["y"]
    assert meter_top < story_top
    small_targets = phone_page.evaluate(
        """() => [...document.querySelectorAll('a.btn, .site-nav a, .give-amount, .designation-link')]
              .filter(el => el.getBoundingClientRect().height > 0 && el.getBoundingClientRect().height < 44)
              .map(el => el.textContent.trim())"""
    )
    assert small_targets == []

    # The skip link is the first thing a keyboard reaches, and it is visible when focused.
    phone_page.keyboard.press("Tab")
    assert phone_page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    assert phone_page.locator(".skip-link").bounding_box()["height"] >= 24
    phone_page.keyboard.press("Shift+Tab")

    scroll_through(phone_page)
    screenshot(phone_page, "campaign-phone")


def test_embed_shows_the_same_figures(live_server, page, campaign):
    page.goto(f"{live_server.url}/campaigns/infusion/embed/")

    assert visible_text(page, "[data-meter-raised]") == "$1,734,917"
    assert visible_text(page, "[data-meter-percent]") == "34%"
