"""Monthly by default (a campaign setting), and "Or give $X a month": the same on the server and in donate.js."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from donations.forms import MONTHLY_SUGGESTION_DIVISOR, GiftForm, monthly_suggestion_cents
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

DONATE_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "donate.js"


def checked_frequency(html: str) -> str:
    return re.search(r'name="frequency" value="([a-z_]+)"[^>]*checked', html).group(1)


def test_the_form_opens_on_one_time_unless_the_campaign_says_monthly(client):
    plain = CampaignFactory()
    monthly = CampaignFactory(monthly_by_default=True)
    assert checked_frequency(client.get(f"/donate/?campaign={plain.slug}").content.decode()) == "one_time"
    assert checked_frequency(client.get(f"/donate/?campaign={monthly.slug}").content.decode()) == "monthly"
    # The link's own frequency still wins over the campaign's default.
    page = client.get(f"/donate/?campaign={monthly.slug}&frequency=one_time").content.decode()
    assert checked_frequency(page) == "one_time"


def test_the_campaign_admin_has_the_setting(admin_client):
    campaign = CampaignFactory()
    assert (
        'name="monthly_by_default"'
        in admin_client.get(f"/admin/campaign/campaign/{campaign.pk}/change/").content.decode()
    )


@pytest.mark.parametrize(
    ("one_time", "monthly"),
    [(100_00, 25_00), (250_00, 62_00), (50_00, 12_00), (25_00, 6_00), (20_00, 5_00), (19_99, None), (10_00, None)],
)
def test_the_suggestion_is_a_quarter_in_whole_dollars(one_time, monthly):
    assert monthly_suggestion_cents(one_time) == monthly


def test_the_form_suggests_a_monthly_gift_with_a_link_that_works_without_script(client):
    campaign = CampaignFactory(preset_amounts="25, 50, 100")
    html = client.get(f"/donate/?campaign={campaign.slug}&amount=100").content.decode()
    assert "Or give $25 a month" in html
    link = re.search(r'href="([^"]*)"[^>]*data-monthly-suggestion-link', html).group(1).replace("&amp;", "&")
    assert link == f"/donate/?campaign={campaign.slug}&amount=25&frequency=monthly"

    followed = client.get(link).content.decode()
    assert checked_frequency(followed) == "monthly"
    assert 'id="id_amount_25" value="25"\n                 data-cents="2500" checked' in followed
    assert "data-monthly-suggestion-link" in followed and "data-monthly-suggestion data-divisor" in followed
    assert re.search(r"data-monthly-suggestion [^>]*hidden", followed)  # no suggestion for a monthly gift


@pytest.mark.parametrize(
    "query",
    ["&amount=abc", "&amount=" + "9" * 40, "&amount=-5", "&frequency=<script>", "&amount=1e9", "&amount=%00"],
)
def test_hostile_query_strings_still_give_the_form(client, query):
    campaign = CampaignFactory()
    response = client.get(f"/donate/?campaign={campaign.slug}{query}")
    if "%00" in query:  # a NUL byte is refused site-wide, precisely
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</header>", 1)[-1].split("<script", 1)[0]


def test_no_suggestion_for_a_recurring_or_too_small_gift():
    campaign = CampaignFactory(preset_amounts="10, 15")
    assert GiftForm(initial={"amount": "15"}, campaign=campaign).monthly_suggestion() is None
    big = CampaignFactory(preset_amounts="100")
    assert GiftForm(initial={"frequency": "monthly", "amount": "100"}, campaign=big).monthly_suggestion() is None
    assert GiftForm(initial={"amount": "100"}, campaign=big).monthly_suggestion()["cents"] == 25_00


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_donate_js_computes_the_same_amount_as_the_server():
    """The same rule, run by node from donate.js's own source, for a range of amounts."""
    source = DONATE_JS.read_text()
    body = re.search(r"function monthlySuggestion\(amount\) \{(.*?)\n  \}", source, re.S).group(1)
    amounts = [500, 1999, 2000, 2099, 2500, 10_000, 12_345, 25_000, 99_999, 1_000_000]
    script = (
        f"var suggestion = {{dataset: {{divisor: '{MONTHLY_SUGGESTION_DIVISOR}', minCents: '500'}}}};"
        f"function monthlySuggestion(amount) {{{body}}}"
        f"console.log(JSON.stringify({amounts}.map(monthlySuggestion)));"
    )
    node = shutil.which("node")
    output = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout  # noqa: S603
    assert output.strip() == str([monthly_suggestion_cents(a) for a in amounts]).replace("None", "null").replace(
        " ", ""
    )
