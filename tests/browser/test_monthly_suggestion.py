"""In Chromium at phone width: "Or give $X a month" follows the amount, and its button fills the form in place."""

import pytest

from tests.factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_suggestion_follows_the_amount_and_makes_the_gift_monthly(phone_page, live_server, screenshot):
    campaign = CampaignFactory(preset_amounts="25, 50, 100, 250")
    page = phone_page
    page.goto(f"{live_server.url}/donate/?campaign={campaign.slug}&amount=100")
    link = page.locator("[data-monthly-suggestion-link]")
    assert link.inner_text() == "Or give $25 a month"

    page.check("#id_amount_250")
    assert link.inner_text() == "Or give $62 a month"
    page.fill("#id_other_amount", "1,000")
    assert link.inner_text() == "Or give $250 a month"
    page.check("#id_amount_100")
    page.check("#id_employer_match")
    page.fill("#id_employer_name", "Acme Corporation")
    screenshot(page, "gift-form-monthly-suggestion-phone")

    link.focus()
    page.keyboard.press("Enter")
    assert page.locator("input[name=frequency][value=monthly]").is_checked()
    assert page.locator("#id_amount_25").is_checked()
    assert page.locator("[data-monthly-suggestion]").is_hidden()  # no nudge for a gift already monthly
    assert "/donate/?" in page.url and "frequency=monthly" not in page.url  # filled in place, no reload
