"""
The printable thank-you page after a refund, in real Chromium: it lists what was refunded and the
net deductible amount, at phone and desktop widths and in print.
"""

import re

import pytest

from donations import services
from donations.models import Gift
from tests.browser.audit import AXE_JS, run_axe
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_printable_receipt_lists_a_refund_and_the_deductible_amount(browser, live_server, screenshot, settings):
    settings.DEMO_PAYMENTS, settings.STRIPE_SECRET_KEY = True, ""
    # bypass_csp: the site's CSP (rightly) forbids the injected axe script, not the page's own.
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    campaign = CampaignFactory(title="Infusion Centers", preset_amounts="25, 100, 250", is_featured=True)
    page.goto(f"{live_server.url}/donate/?campaign={campaign.slug}")
    page.get_by_label("$100").check()
    page.get_by_label("Add the processing fee so 100% of my gift goes to the campaign").check()
    page.get_by_label("Name on the donor wall").fill("The Browser Family")
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_url(re.compile(r"/donate/demo-checkout/"))
    page.get_by_label("Email").fill("browser@example.com")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(re.compile(r"/donate/thanks/\?session_id=cs_test_demo"))

    services.gift_refund(gift=Gift.objects.get(), amount_cents=40_00, reason="requested_by_customer")
    page.reload()

    receipt = page.locator("section.receipt")
    text = receipt.inner_text()
    assert re.search(r"Total charged\s+\$103\.30", text)
    assert re.search(r"Refunded\s+\$40\.00", text)
    assert re.search(r"Deductible amount\s+\$63\.30", text)
    if AXE_JS.exists():
        assert run_axe(page) == []
    screenshot(page, "refund-receipt-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "refund-receipt-phone")
    page.emulate_media(media="print")
    screenshot(page, "refund-receipt-print")
    page.set_viewport_size(DESKTOP)
    context.close()
