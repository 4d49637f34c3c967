"""The meter's given · pledged split in real Chromium: both widths, axe-clean, screenshots."""

import pytest
from django.utils import timezone

from donations.models import Pledge
from donations.services import pledge_create_offline
from tests.browser import audit
from tests.factories import CampaignFactory, GiftFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_split_reads_in_words_and_the_bar_has_two_parts(live_server, browser, screenshot):
    campaign = CampaignFactory(slug="infusion", goal_cents=1_000_000_00, is_featured=True)
    GiftFactory(campaign=campaign, amount_cents=250_000_00)
    pledge = Pledge(
        campaign=campaign,
        frequency="annual",
        installment_cents=50_000_00,
        installments=5,
        first_due_on=timezone.localdate(),
        donor_name="The Okafor Foundation",
    )
    pledge_create_offline(pledge=pledge)

    for name, viewport in (("phone", {"width": 375, "height": 812}), ("desktop", {"width": 1280, "height": 900})):
        context = browser.new_context(
            viewport=viewport, locale="es-ES", extra_http_headers={"Accept-Language": "es"}, bypass_csp=True
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/campaigns/infusion/embed/")
        split = page.locator(".meter-split")
        assert (
            " ".join(split.inner_text().split())
            == "$250,000 donados · $250,000 prometidos $500,000 comprometidos en total"
        )
        pledged = page.locator("[data-meter-pledged-bar]")
        assert (pledged.get_attribute("x"), pledged.get_attribute("width")) == ("0", "50")
        assert audit.run_axe(page) == []
        screenshot(page, f"meter-split-{name}")
        context.close()
