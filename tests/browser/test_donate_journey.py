"""
A donor's whole journey in real Chromium, on demo payments: campaign page → gift form → demo
checkout → Pay → thank-you, and the meter has moved by exactly the gift.
"""

import json
import re

import pytest

from campaign.models import Tally
from donations.models import Gift
from tests.factories import CampaignFactory, DesignationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _raised(page, live_server, campaign) -> int:
    """What the public meter says, read the way an embedding partner site would."""
    response = page.request.get(f"{live_server.url}/campaigns/{campaign.slug}/progress.json")
    assert response.ok
    return json.loads(response.text())["raised_cents"]


def test_a_donor_gives_and_the_meter_moves_by_exactly_the_gift(page, live_server, screenshot, settings):
    settings.DEMO_PAYMENTS, settings.STRIPE_SECRET_KEY = True, ""
    campaign = CampaignFactory(title="Infusion Centers", preset_amounts="25, 100, 250", is_featured=True)
    DesignationFactory(campaign=campaign, name="Infusion Center", slug="infusion")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    before = _raised(page, live_server, campaign)

    page.goto(live_server.url + campaign.get_absolute_url())
    page.get_by_role("link", name=re.compile(r"donate|give", re.I)).first.click()
    page.wait_for_url(re.compile(r"/donate/"))

    page.get_by_label("$100").check()
    page.get_by_label("Add the processing fee so 100% of my gift goes to the campaign").check()
    total = page.locator("#gift-total")
    assert total.inner_text() == "Total: $103.30 ($3.30 covers the fee)"  # donate.js, same formula as the server
    page.get_by_label("Direct my gift to").select_option("infusion")
    page.get_by_label("Name on the donor wall").fill("The Browser Family")
    page.get_by_label("Message (optional)").fill("<b>Go team</b>")
    screenshot(page, "donate-form")
    page.get_by_role("button", name="Continue to secure payment").click()

    page.wait_for_url(re.compile(r"/donate/demo-checkout/"))
    assert "$103.30" in page.inner_text("main")
    page.get_by_label("Email").fill("browser@example.com")
    page.get_by_role("button", name="Pay").click()

    page.wait_for_url(re.compile(r"/donate/thanks/\?session_id=cs_test_demo"))
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Thank you! Your gift has been received."
    assert "Your gift of $100.00 to Infusion Centers has been received." in page.inner_text("main")
    screenshot(page, "donate-thanks")

    gift = Gift.objects.get()
    assert (gift.status, gift.amount_cents, gift.donor_email) == (Gift.Status.SUCCEEDED, 100_00, "browser@example.com")
    assert (gift.display_name, gift.message, gift.designation.slug) == (
        "The Browser Family",
        "<b>Go team</b>",
        "infusion",
    )
    assert _raised(page, live_server, campaign) - before == 100_00  # the gift, not the covered fee
    assert errors == []


def test_the_form_works_without_javascript(browser, live_server, settings):
    settings.DEMO_PAYMENTS, settings.STRIPE_SECRET_KEY = True, ""
    campaign = CampaignFactory(preset_amounts="25, 50")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/donate/?campaign={campaign.slug}&amount=40")
        assert page.get_by_label("Other amount", exact=True).is_checked()
        assert page.get_by_label("Other amount (US dollars)").input_value() == "40"
        page.get_by_label("Give anonymously (your gift is shown without a name)").check()
        page.get_by_role("button", name="Continue to secure payment").click()
        page.wait_for_url(re.compile(r"/donate/demo-checkout/"))
        page.get_by_role("button", name="Cancel").click()
        page.wait_for_url(re.compile(r"/donate/cancelled/\?gift=\d+"))
        # Back to the form, holding what they entered (issue 15): nothing to type again.
        assert "nothing was charged" in page.locator(".alert[role=status]").inner_text()
        assert page.get_by_label("Other amount", exact=True).is_checked()
        assert page.get_by_label("Other amount (US dollars)").input_value() == "40.00"
        assert page.get_by_label("Give anonymously (your gift is shown without a name)").is_checked()
    finally:
        context.close()
    assert Gift.objects.get().status == Gift.Status.PENDING
    assert not Tally.objects.filter(campaign=campaign, raised_cents__gt=0).exists()
