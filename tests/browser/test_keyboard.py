"""
The whole gift with the keyboard alone (Tab, Shift+Tab, the arrow keys, Space, Enter; never a
click), and what a screen reader hears on the way: the meter as a sentence, the amounts as a
labelled radio group, the new total announced, the errors announced, linked to their fields and
given the focus.
"""

import re

import pytest

from donations.models import Gift
from tests.factories import CampaignFactory, DesignationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
    const e = document.activeElement;
    return {tag: e.tagName.toLowerCase(), type: e.type || '', name: e.getAttribute('name') || '', id: e.id,
            text: (e.innerText || '').trim(), value: e.value || '', checked: !!e.checked};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, match, *, key: str = "Tab", limit: int = 80) -> dict:
    """Press Tab (or Shift+Tab) until the focused element matches; fail if it never does."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        if match(now):
            return now
        seen.append(now["id"] or now["text"][:30] or now["tag"])
    raise AssertionError(f"{key} never reached the element; focus went through {seen}")


def test_a_donor_gives_monthly_with_the_keyboard_alone(page, live_server, settings):
    settings.DEMO_PAYMENTS, settings.STRIPE_SECRET_KEY = True, ""
    campaign = CampaignFactory(
        title="Infusion Centers", preset_amounts="25, 100, 250", goal_cents=1_000_000_00, is_featured=True
    )
    DesignationFactory(campaign=campaign, name="Infusion Center", slug="infusion")

    # The campaign page: the meter is a progressbar whose value is read as a sentence.
    page.goto(live_server.url + campaign.get_absolute_url())
    meter = page.get_by_role("progressbar", name="Our progress")
    assert meter.get_attribute("aria-valuetext") == "$0 raised of the $1,000,000 goal, 0 percent."

    first = tab_to(page, lambda f: f["tag"] == "a")
    assert first["text"] == "Skip to main content"  # the first stop, so keyboard users can jump the header
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Make a gift")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/donate/\?"))

    # The gift form: the frequency and the amounts are radio groups named by their legends.
    amounts = page.get_by_role("group", name="Amount")
    assert [radio.get_attribute("value") for radio in amounts.get_by_role("radio").all()] == [
        "25",
        "100",
        "250",
        "other",
    ]
    total = page.locator("#gift-total")
    assert (total.get_attribute("role"), total.get_attribute("aria-live")) == ("status", "polite")

    now = tab_to(page, lambda f: f["name"] == "frequency")
    assert (now["value"], now["checked"]) == ("one_time", True)
    page.keyboard.press("ArrowRight")
    assert focused(page)["value"] == "monthly"
    assert page.get_by_role("radio", name="Monthly").is_checked()

    now = tab_to(page, lambda f: f["name"] == "amount")
    assert now["value"] == "25"  # Tab enters the group once; the arrows move within it
    page.keyboard.press("ArrowRight")
    assert focused(page)["value"] == "100"
    assert page.get_by_role("radio", name="$100").is_checked()
    assert total.inner_text() == "Total: $100.00 per month"  # announced by the live region

    now = tab_to(page, lambda f: f["name"] == "cover_fee")
    page.keyboard.press("Space")
    assert page.get_by_role("checkbox", name=re.compile("Add the processing fee")).is_checked()
    assert total.inner_text() == "Total: $103.30 per month ($3.30 covers the fee)"

    tab_to(page, lambda f: f["name"] == "designation")
    for _ in range(3):
        if focused(page)["value"] == "infusion":
            break
        page.keyboard.press("ArrowDown")
    assert focused(page)["value"] == "infusion"

    # Submitted without a name for the donor wall: the errors are announced and take the focus.
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Continue to secure payment")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    summary = page.get_by_role("alert")
    assert "Name on the donor wall: Enter a name for the donor wall, or choose to give anonymously." in (
        summary.inner_text()
    )
    assert focused(page)["id"] == "form-errors"
    name_field = page.get_by_role("textbox", name="Name on the donor wall")
    assert name_field.get_attribute("aria-invalid") == "true"
    described = name_field.get_attribute("aria-describedby").split()
    error_texts = [page.locator(f"#{id_}").inner_text() for id_ in described]
    assert any("Enter a name for the donor wall" in text for text in error_texts)
    # What was chosen is kept.
    assert page.get_by_role("radio", name="$100").is_checked()
    assert page.get_by_role("radio", name="Monthly").is_checked()

    # From the summary, its link takes the keyboard to the field.
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Name on the donor wall")
    page.keyboard.press("Enter")
    assert focused(page)["name"] == "display_name"
    page.keyboard.type("The Keyboard Family")
    # Shift+Tab back and forth: the field keeps what was typed.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert (focused(page)["name"], focused(page)["value"]) == ("display_name", "The Keyboard Family")
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Continue to secure payment")
    page.keyboard.press("Enter")

    # The demo checkout, then the thank-you page.
    page.wait_for_url(re.compile(r"/donate/demo-checkout/"))
    assert "$103.30 per month" in page.inner_text("main")
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Pay")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/donate/thanks/\?session_id="))
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you! Your gift has been received."
    assert "Your monthly gift of $100.00 to Infusion Centers has begun." in page.inner_text("main")

    gift = Gift.objects.get()
    assert (gift.status, gift.frequency, gift.amount_cents, gift.fee_cents) == (
        Gift.Status.SUCCEEDED,
        "monthly",
        100_00,
        3_30,
    )
    assert (gift.display_name, gift.designation.slug) == ("The Keyboard Family", "infusion")
