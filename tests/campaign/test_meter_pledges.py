"""
The meter's committed figure: what was given (paid) and what active pledges still promise
(outstanding), exact through a pledge's life, on the page, the embed and progress.json.
"""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaign.models import Tally
from campaign.selectors import campaign_progress
from campaign.tallies import tally_totals
from donations.models import Gift, Pledge
from donations.services import gift_save, pledge_close, pledge_create_offline, pledge_record_payment
from tests.factories import CampaignFactory, GiftFactory
from tests.readings import page_text

pytestmark = pytest.mark.django_db

SEVEN_KEYS = {"raised_cents", "goal_cents", "donor_count", "gift_count", "percent", "currency", "updated_at"}


def _pledge(campaign, *, installment_cents=250_00, installments=12, status=Pledge.Status.ACTIVE, **fields):
    fields = {"donor_name": "Ana Rivera", "donor_email": "ana@example.com"} | fields
    pledge = Pledge(
        campaign=campaign,
        frequency="monthly",
        installment_cents=installment_cents,
        installments=installments,
        first_due_on=timezone.localdate(),
        **fields,
    )
    if status == Pledge.Status.ACTIVE and fields.get("source") != Pledge.Source.ONLINE:
        return pledge_create_offline(pledge=pledge)
    pledge.status = status
    pledge.save()
    return pledge


def _pay(pledge, cents=250_00):
    return pledge_record_payment(pledge=pledge, amount_cents=cents, source="check", received_on=timezone.localdate())


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _figures(client):
    data = client.get("/campaigns/infusion/progress.json").json()
    return data["paid_cents"], data["pledged_cents"]


def test_progress_json_keeps_its_seven_keys_and_adds_paid_and_outstanding_pledged(client, campaign):
    GiftFactory(campaign=campaign, amount_cents=100_00)
    _pledge(campaign)

    data = client.get("/campaigns/infusion/progress.json").json()

    assert set(data) >= SEVEN_KEYS
    assert {"paid_cents", "pledged_cents"} <= set(data)
    assert (data["raised_cents"], data["percent"], data["gift_count"]) == (100_00, 0, 1)
    assert (data["paid_cents"], data["pledged_cents"]) == (100_00, 3_000_00)


def test_the_figures_through_a_pledge_s_life(client, campaign, django_capture_on_commit_callbacks):
    GiftFactory(campaign=campaign, amount_cents=100_00)
    assert _figures(client) == (100_00, 0)

    with django_capture_on_commit_callbacks(execute=True):
        pledge = _pledge(campaign)  # $3,000: $250 a month for 12 months
    assert _figures(client) == (100_00, 3_000_00)

    # Each instalment paid moves paid up and outstanding down by the same amount.
    with django_capture_on_commit_callbacks(execute=True):
        gift = _pay(pledge)
    assert _figures(client) == (350_00, 2_750_00)
    with django_capture_on_commit_callbacks(execute=True):
        _pay(pledge)
    assert _figures(client) == (600_00, 2_500_00)

    # A refunded instalment is no longer paid, so it is outstanding again.
    with django_capture_on_commit_callbacks(execute=True):
        gift.refunded_cents, gift.status = 250_00, Gift.Status.REFUNDED
        gift_save(gift)
    assert _figures(client) == (350_00, 2_750_00)

    # Cancelled: the outstanding part goes, what was paid stays.
    with django_capture_on_commit_callbacks(execute=True):
        pledge_close(pledge=pledge, status=Pledge.Status.CANCELED)
    assert _figures(client) == (350_00, 0)
    assert tally_totals(campaign=campaign, designation=None).raised_cents == 350_00


def test_a_written_off_pledge_takes_off_only_its_outstanding_part(client, campaign, django_capture_on_commit_callbacks):
    kept = _pledge(campaign, installment_cents=100_00, installments=6)
    written_off = _pledge(campaign, installment_cents=500_00, installments=2, donor_email="b@example.com")
    _pay(written_off, 500_00)
    assert _figures(client) == (500_00, 600_00 + 500_00)

    with django_capture_on_commit_callbacks(execute=True):
        pledge_close(pledge=written_off, status=Pledge.Status.WRITTEN_OFF)

    assert _figures(client) == (500_00, 600_00)
    assert kept.status == Pledge.Status.ACTIVE


def test_pending_completed_and_other_campaigns_pledges_are_not_outstanding(campaign):
    _pledge(campaign, status=Pledge.Status.PENDING, source=Pledge.Source.ONLINE)
    _pledge(CampaignFactory())
    completed = _pledge(campaign, installment_cents=100_00, installments=2)
    _pay(completed, 100_00)
    _pay(completed, 100_00)
    completed.refresh_from_db()
    # Overpaid: an active pledge never counts less than nothing outstanding.
    overpaid = _pledge(campaign, installment_cents=100_00, installments=3)
    _pay(overpaid, 400_00)

    progress = campaign_progress(campaign=campaign)

    assert completed.status == Pledge.Status.COMPLETED
    assert (progress.raised_cents, progress.outstanding_pledged_cents) == (600_00, 0)


def test_the_meter_shows_the_split_in_words_and_in_two_labelled_parts(client, campaign):
    GiftFactory(campaign=campaign, amount_cents=100_000_00)
    _pledge(campaign, installment_cents=25_000_00, installments=12)  # $300,000 outstanding of a $1,000,000 goal

    for path in ("/campaigns/infusion/", "/campaigns/infusion/embed/"):
        text = page_text(client.get(path))
        meter = re.search(r'<section class="meter".*?</section>', text, re.S).group(0)
        assert "$100,000 given · $300,000 pledged $400,000 committed in all" in _words(meter)
        assert 'class="meter-fill' in meter and 'width="10"' in meter
        assert 'class="meter-pledged"' in meter and 'x="0"' in meter and 'width="40"' in meter

    spanish = _words(page_text(client.get("/campaigns/infusion/", HTTP_ACCEPT_LANGUAGE="es")))
    assert "donados · " in spanish and " prometidos " in spanish and " comprometidos en total" in spanish


def test_without_pledges_the_meter_says_nothing_of_them(client, campaign):
    GiftFactory(campaign=campaign, amount_cents=100_00)

    text = page_text(client.get("/campaigns/infusion/"))

    assert "pledged" not in text.split('<section class="meter"', 1)[1].split("</section>", 1)[0]
    assert 'class="meter-pledged"' not in text


@pytest.mark.parametrize(
    "path", ["/campaigns/infusion/", "/campaigns/infusion/embed/", "/campaigns/infusion/progress.json"]
)
def test_warm_pages_with_pledges_cost_no_query(client, campaign, path, django_assert_num_queries):
    _pay(_pledge(campaign))
    assert client.get(path).status_code == 200

    with django_assert_num_queries(0):
        assert client.get(path)["X-Page-Cache"] == "hit"


def test_recompute_tallies_reports_the_outstanding_pledged_figure(campaign, capsys):
    _pay(_pledge(campaign))

    call_command("recompute_tallies", "--check", "--campaign", "infusion")

    out = capsys.readouterr().out
    assert "outstanding pledges: $2,750.00" in out
    assert "no drift" in out


def test_sponsors_matched_money_is_committed_too_and_keeps_its_own_key(client, campaign):
    Tally.objects.create(campaign=campaign, raised_cents=100_000_00, matched_cents=50_000_00, gift_count=1)
    _pledge(campaign, installment_cents=25_000_00, installments=4)

    data = client.get("/campaigns/infusion/progress.json").json()
    progress = campaign_progress(campaign=campaign)

    assert (data["paid_cents"], data["matched_cents"], data["pledged_cents"]) == (100_000_00, 50_000_00, 100_000_00)
    assert (progress.committed_cents, progress.committed_bar_percent) == (250_000_00, 25)
    assert "$250,000 committed in all" in _words(page_text(client.get("/campaigns/infusion/")))
