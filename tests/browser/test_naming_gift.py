"""Naming a space with a gift in real Chromium: from the plan's table to the gift form, both widths, axe-clean."""

import pytest
from playwright.sync_api import expect

from recognition.models import NamingClaim, NamingStatus
from tests.browser import audit
from tests.factories import CampaignFactory, DesignationFactory
from tests.recognition.conftest import make_space

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_donor_names_a_bay_from_the_plan_at_375_and_1280(live_server, browser, screenshot, settings):
    settings.DEMO_PAYMENTS = True
    campaign = CampaignFactory(slug="centers", title="New Centers", is_featured=True)
    designation = DesignationFactory(campaign=campaign, slug="infusion-center", name="Infusion Center")
    bay = make_space(campaign, "Bay 3", price_cents=25_000_00, designation=designation, description="A private bay.")
    make_space(campaign, "Family lounge", price_cents=500_000_00, xywh=(10, 3, 8, 6))

    for name, viewport in (("phone", {"width": 375, "height": 812}), ("desktop", {"width": 1280, "height": 900})):
        context = browser.new_context(viewport=viewport, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{live_server.url}/campaigns/centers/naming/")
        expect(page.get_by_role("link", name="Ask about naming this space: Family lounge")).to_be_visible()
        page.get_by_role("link", name="Name this space with a gift: Bay 3").click()
        page.wait_for_load_state("load")
        expect(page.get_by_role("heading", name="You are naming: Bay 3")).to_be_visible()
        expect(page.locator("#gift-total")).to_have_text("Total: $25,000.00")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert audit.run_axe(page) == []
        screenshot(page, f"naming-gift-{name}")
        # Keyboard only: the name field is reachable and the form submits; an empty name is told.
        page.get_by_label("Name on the space").focus()
        page.keyboard.type("   ")
        page.get_by_label("Name on the donor wall").fill("Rivera family")
        page.get_by_role("button", name="Continue to secure payment").press("Enter")
        page.wait_for_load_state("load")
        expect(page.locator("#form-errors")).to_contain_text("Enter the name you would like on the space.")
        assert audit.run_axe(page) == []
        screenshot(page, f"naming-gift-errors-{name}")
        context.close()

    context = browser.new_context(viewport={"width": 375, "height": 812}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/donate/?campaign=centers&naming={bay.pk}")
    page.get_by_label("Name on the space").fill("The Rivera family")
    page.get_by_label("Name on the donor wall").fill("Rivera family")
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_load_state("load")
    assert "/donate/demo-checkout/" in page.url or "checkout" in page.url
    claim = NamingClaim.objects.get(opportunity=bay)
    assert (claim.status, claim.requested_name) == (NamingStatus.HELD, "The Rivera family")
    # A second donor now meets the space taken.
    page.goto(f"{live_server.url}/donate/?campaign=centers&naming={bay.pk}")
    expect(page.get_by_role("alert").first).to_contain_text("Someone is naming this space right now")
    assert audit.run_axe(page) == []
    screenshot(page, "naming-gift-taken-phone")
    context.close()
