"""
A giving day with a 1:1 match, in real Chromium at phone and desktop widths: the campaign page
shows the offer, the countdown and the giving day's donors; a donor gives (demo payments) and the
thank-you page states the match. axe finds nothing on any of them.
"""

import datetime
import re
import urllib.request

import pytest
from django.utils import timezone

from tests.browser.audit import AXE_JS, VNU_JAR, run_axe, run_vnu
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import CampaignFactory, GiftFactory, MatchChallengeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_donor_sees_the_match_on_a_phone_and_on_the_receipt(browser, live_server, screenshot, settings, tmp_path):
    settings.DEMO_PAYMENTS, settings.STRIPE_SECRET_KEY = True, ""
    now = timezone.now()
    campaign = CampaignFactory(
        title="Infusion Centers",
        slug="infusion",
        preset_amounts="25, 100, 250",
        is_featured=True,
        goal_cents=200_000_00,
        giving_day_starts_at=now - datetime.timedelta(hours=3),
        giving_day_ends_at=now + datetime.timedelta(hours=21),
        giving_day_goal_donors=42,
        giving_day_unlock="an extra $5,000 from Acme",
    )
    MatchChallengeFactory(
        campaign=campaign, sponsor_name="Acme Health", pot_cents=50_000_00, ends_at=now + datetime.timedelta(hours=21)
    )
    GiftFactory(campaign=campaign, amount_cents=12_000_00)

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/campaigns/infusion/")
    offer = page.locator("section.match-offer")
    assert "Your gift will be matched" in offer.inner_text()
    assert re.search(r"Left to match\s+\$38,000", offer.inner_text())
    # countdown.js has replaced the stated end by the time left.
    assert re.search(r"2[01] h \d+ min", offer.locator("time").inner_text())
    assert re.search(r"41\s*more donors needed this hour|more donors needed this hour\s*41", page.inner_text("body"))
    if AXE_JS.exists():
        assert run_axe(page) == []
    screenshot(page, "matching-campaign-phone")

    page.goto(f"{live_server.url}/donate/?campaign=infusion")
    assert "Your gift will be matched" in page.inner_text("main")
    if AXE_JS.exists():
        assert run_axe(page) == []
    screenshot(page, "matching-gift-form-phone")
    page.get_by_label("$100").check()
    page.get_by_label("Name on the donor wall").fill("The Browser Family")
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_url(re.compile(r"/donate/demo-checkout/"))
    page.get_by_label("Email").fill("browser@example.com")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(re.compile(r"/donate/thanks/\?session_id=cs_test_demo"))
    assert "Acme Health matched your gift with $100.00." in page.inner_text("main")
    thanks_html = page.content()
    assert "it is not part of your gift or of your deduction" in page.locator("section.receipt").inner_text()
    if AXE_JS.exists():
        assert run_axe(page) == []
    screenshot(page, "matching-thanks-phone")
    context.close()

    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/campaigns/infusion/")
    assert re.search(r"Left to match\s+\$37,900", page.locator("section.match-offer").inner_text())
    if AXE_JS.exists():
        assert run_axe(page) == []
    screenshot(page, "matching-campaign-desktop")
    page.goto(f"{live_server.url}/campaigns/infusion/embed/")
    if AXE_JS.exists():
        assert run_axe(page) == []
    screenshot(page, "matching-embed-desktop")
    context.close()

    if VNU_JAR.exists():
        files = {"thanks": tmp_path / "thanks.html"}
        files["thanks"].write_text(
            "<!doctype html>\n" + thanks_html.split(">", 1)[1] if thanks_html.startswith("<!") else thanks_html
        )
        for name, path in (
            ("campaign", "/campaigns/infusion/"),
            ("embed", "/campaigns/infusion/embed/"),
            ("form", "/donate/?campaign=infusion"),
        ):
            files[name] = tmp_path / f"{name}.html"
            files[name].write_bytes(urllib.request.urlopen(live_server.url + path).read())  # noqa: S310 (the live server)
        assert run_vnu(files) == {name: [] for name in files}
