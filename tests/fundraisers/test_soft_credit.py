"""
Gifts through a fundraiser's page: ordinary gifts to the campaign that also credit the page and its
team, by exactly what the campaign counts (the one money rule), refunds included.
"""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from donations.models import Gift
from donations.services import gift_save
from fundraisers.models import Fundraiser, FundraiserTally
from fundraisers.selectors import team_for_page
from tests.factories import CampaignFactory, FundraiserFactory, GiftFactory, TeamFactory
from tests.readings import tally_counts

pytestmark = pytest.mark.django_db


def page_counts(fundraiser) -> tuple[int, int]:
    row = FundraiserTally.objects.filter(fundraiser=fundraiser).first()
    return (row.raised_cents, row.gift_count) if row else (0, 0)


def test_two_gifts_one_anonymous_then_a_refund_move_page_team_and_campaign_exactly(fake_stripe, paid_gift, deliver):
    team = TeamFactory()
    campaign = team.campaign
    parent = FundraiserFactory(campaign=campaign, team=team)
    teammate = FundraiserFactory(campaign=campaign, team=team)
    GiftFactory(campaign=campaign, fundraiser=teammate, amount_cents=5_00)
    GiftFactory(campaign=campaign, amount_cents=7_00)  # straight to the campaign: no soft credit

    first = paid_gift(campaign, fundraiser=parent.slug, amount="50", display_name="Luis", message="Go Ana!")
    second = paid_gift(campaign, fundraiser=parent.slug, amount="25", is_anonymous="on", display_name="")

    assert (first.fundraiser_id, second.fundraiser_id) == (parent.pk, parent.pk)
    assert (first.status, second.status, second.is_anonymous) == ("succeeded", "succeeded", True)
    assert page_counts(parent) == (75_00, 2)
    assert page_counts(teammate) == (5_00, 1)
    assert team_for_page(slug=team.slug).progress.raised_cents == 80_00
    assert tally_counts(campaign)[:2] == (87_00, 4)

    charge = fake_stripe.charges[fake_stripe.payment_intents[first.stripe_payment_intent_id]["latest_charge"]]
    charge["amount_refunded"] = 20_00
    assert deliver("charge.refunded", charge).status_code == 200
    assert page_counts(parent) == (55_00, 2)
    assert team_for_page(slug=team.slug).progress.raised_cents == 60_00
    assert tally_counts(campaign)[:2] == (67_00, 4)

    charge["amount_refunded"] = 50_00
    assert deliver("charge.refunded", charge).status_code == 200
    assert page_counts(parent) == (25_00, 1)
    assert team_for_page(slug=team.slug).progress.raised_cents == 30_00
    assert tally_counts(campaign)[:2] == (37_00, 3)


@pytest.mark.parametrize(
    "case",
    ["pending", "hidden", "closed", "ended", "other campaign", "unknown", "garbage", "too long"],
)
def test_anything_but_an_open_page_of_the_campaign_is_ignored_and_the_gift_is_the_campaigns(start_gift, client, case):
    campaign = CampaignFactory()
    slug = {
        "pending": lambda: FundraiserFactory(campaign=campaign, status=Fundraiser.Status.PENDING).slug,
        "hidden": lambda: FundraiserFactory(campaign=campaign, status=Fundraiser.Status.HIDDEN).slug,
        "closed": lambda: FundraiserFactory(campaign=campaign, status=Fundraiser.Status.CLOSED).slug,
        "ended": lambda: (
            FundraiserFactory(campaign=campaign, ends_on=timezone.localdate() - datetime.timedelta(days=1)).slug
        ),
        "other campaign": lambda: FundraiserFactory().slug,
        "unknown": lambda: "no-such-page",
        "garbage": lambda: "<script>alert(1)</script>' OR 1=1 --",
        "too long": lambda: "a" * 5000,
    }[case]()

    page = client.get("/donate/", {"campaign": campaign.slug, "fundraiser": slug})
    assert page.status_code == 200
    assert "data-gift-fundraiser" not in page.content.decode()
    assert '<input type="hidden" name="fundraiser" id="id_fundraiser">' in page.content.decode()

    gift = start_gift(campaign, fundraiser=slug)
    assert gift.fundraiser_id is None
    assert gift.campaign_id == campaign.pk


def test_the_form_names_the_page_and_carries_it_to_the_gift(client, start_gift):
    fundraiser = FundraiserFactory(display_name="Ana Rivera", title="Ana runs 10K")
    page = client.get(fundraiser.donate_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "Your gift supports Ana Rivera’s page “Ana runs 10K”." in html
    assert f'<input type="hidden" name="fundraiser" value="{fundraiser.slug}"' in html
    assert start_gift(fundraiser.campaign, fundraiser=fundraiser.slug).fundraiser_id == fundraiser.pk


def test_a_page_closed_between_the_form_and_the_post_is_not_credited(client, start_gift):
    fundraiser = FundraiserFactory()
    assert client.get(fundraiser.donate_url()).status_code == 200
    Fundraiser.objects.filter(pk=fundraiser.pk).update(status=Fundraiser.Status.HIDDEN)
    assert start_gift(fundraiser.campaign, fundraiser=fundraiser.slug).fundraiser_id is None


def test_moving_a_gift_to_another_page_moves_the_credit():
    campaign = CampaignFactory()
    old, new = FundraiserFactory(campaign=campaign), FundraiserFactory(campaign=campaign)
    gift = GiftFactory(campaign=campaign, fundraiser=old, amount_cents=40_00)

    gift.fundraiser = new
    gift_save(gift)
    assert (page_counts(old), page_counts(new)) == ((0, 0), (40_00, 1))


def test_recompute_finds_and_repairs_a_page_total_that_drifted():
    fundraiser = FundraiserFactory()
    GiftFactory(campaign=fundraiser.campaign, fundraiser=fundraiser, amount_cents=30_00)
    GiftFactory(campaign=fundraiser.campaign, fundraiser=fundraiser, amount_cents=12_00, status=Gift.Status.FAILED)
    FundraiserTally.objects.filter(fundraiser=fundraiser).update(raised_cents=1, gift_count=9)
    out = io.StringIO()

    with pytest.raises(CommandError, match="Drift found in 1 campaign"):
        call_command("recompute_tallies", "--check", stdout=out)
    assert "1 fundraiser total(s) were wrong" in out.getvalue()
    assert page_counts(fundraiser) == (1, 9)  # --check repairs nothing

    call_command("recompute_tallies", stdout=io.StringIO())
    assert page_counts(fundraiser) == (30_00, 1)
    call_command("recompute_tallies", "--check", stdout=io.StringIO())  # and now nothing drifts
