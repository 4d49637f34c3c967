"""
The gift form's script shows the total the server will charge, for every amount a donor can type:
the same parsing (commas, "$", spaces, two decimals at most), the same limits and the same fee
rounding. Each amount is typed in real Chromium and the shown total compared with GiftForm's.
"""

import random

import pytest
from django.conf import settings

from campaign.models import Campaign
from donations.forms import GiftForm
from tests.factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDGES = [
    "5",
    "4.99",
    "5.00",
    "5.001",
    "25000",
    "25000.00",
    "25000.01",
    "1,000",
    "1,000.5",
    "10,00",
    "1,0000",
    "$50",
    "$ 50",
    "$$50",
    " 50 ",
    "50.",
    ".50",
    "0050",
    "1e3",
    "-5",
    "+5",
    "5,5",
    "50.5.5",
    "",
    " ",
    "\u00a050\u00a0",
    "\u300050",
    "٥٠",
    "５０",
    "50\u200b",
    "$\u00a075",
    "9.41",
    "19.41",
    "38.26",
    "$2,500",
    "12345678901234567890",
    "123456789012345678901",
    "0",
    "0.00",
    "99,999.99",
    "24,999.99",
    "1\t000",
    "100\n",
    "\t100",
    "\u2028100",
    "100\u0085",
    "\ufeff100",
    "1,234,567",
    "12,345",
    "123,45",
]


def server_total(campaign: Campaign, typed: str, cover: bool) -> int | None:
    data = {
        "campaign": campaign.slug,
        "frequency": "one_time",
        "amount": "other",
        "other_amount": typed,
        "display_name": "Ada",
        "dedication": "",
    }
    if cover:
        data["cover_fee"] = "on"
    form = GiftForm(data, campaign=campaign)
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    if "amount_cents" not in cleaned or form.has_error("other_amount"):
        return None
    return cleaned["amount_cents"] + cleaned["fee_cents"]


def shown_total(page) -> int | None:
    value = page.get_attribute("#gift-total", "data-cents")
    return int(value) if value else None


def test_the_total_shown_is_the_total_the_server_charges(page, live_server):
    campaign = CampaignFactory(preset_amounts="25, 50, 100", is_featured=True)
    rng = random.Random(17)
    # Every amount whose fee sits on a whole-cent boundary (amount + 30 a multiple of 971), and random ones.
    boundaries = [f"{(971 * k - 30) / 100:.2f}" for k in range(1, 400, 7)]
    randoms = [f"{rng.randint(500, settings.GIFT_MAX_CENTS + 500) / 100:.2f}" for _ in range(60)]
    randoms += [f"{rng.randint(5, 30000):,}" for _ in range(30)]
    amounts = EDGES + boundaries + randoms
    page.goto(f"{live_server.url}/donate/?campaign={campaign.slug}")
    page.check("#id_amount_other")
    mismatches = []
    for cover in (False, True):
        page.set_checked("#id_cover_fee", cover)
        for index, typed in enumerate(amounts):
            if index % 10 == 0:  # real keystrokes for some; the rest set the value and fire input
                page.fill("#id_other_amount", "")
                page.type("#id_other_amount", typed)
            else:
                page.eval_on_selector(
                    "#id_other_amount",
                    "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
                    typed,
                )
            expected, shown = server_total(campaign, typed, cover), shown_total(page)
            if expected != shown:
                mismatches.append((typed, cover, expected, shown))
    assert mismatches == []
    assert len(amounts) * 2 > 300
