"""The campaign page's leaderboard of fundraisers' pages and teams: exact, cached, private until approved."""

import pytest

from donations.models import Gift
from donations.services import gift_save
from fundraisers.models import Fundraiser
from fundraisers.selectors import campaign_leaderboard
from fundraisers.services import fundraiser_set_status
from tests.factories import CampaignFactory, FundraiserFactory, GiftFactory, TeamFactory

pytestmark = pytest.mark.django_db


def give(fundraiser, cents, **kwargs):
    return GiftFactory(campaign=fundraiser.campaign, fundraiser=fundraiser, amount_cents=cents, **kwargs)


def test_top_pages_and_teams_by_money_raised_only_approved_ones_named(settings):
    settings.FUNDRAISER_LEADERBOARD_SIZE = 2
    team = TeamFactory(name="Night nurses")
    campaign = team.campaign
    hidden_team = TeamFactory(campaign=campaign, name="Unreviewed name")
    ana = FundraiserFactory(campaign=campaign, team=team, title="Ana runs")
    ben = FundraiserFactory(campaign=campaign, team=team, title="Ben bikes")
    cy = FundraiserFactory(campaign=campaign, title="Cy swims")
    pending = FundraiserFactory(campaign=campaign, team=hidden_team, status=Fundraiser.Status.PENDING, title="Pending")
    FundraiserFactory(campaign=campaign, title="No gifts yet")
    give(ana, 40_00)
    give(ben, 70_00)
    give(cy, 50_00)
    give(pending, 900_00)
    give(ana, 30_00, status=Gift.Status.FAILED)  # counts nothing
    give(FundraiserFactory(), 999_00)  # another campaign

    board = campaign_leaderboard(campaign_id=campaign.pk, limit=2)
    assert [(row.name, row.raised_cents) for row in board.fundraisers] == [("Ben bikes", 70_00), ("Cy swims", 50_00)]
    assert [(row.name, row.raised_cents, row.pages) for row in board.teams] == [("Night nurses", 110_00, 2)]


def test_a_campaign_with_no_money_through_pages_shows_no_leaderboard(client):
    campaign = CampaignFactory(slug="infusion")
    FundraiserFactory(campaign=campaign)
    html = client.get("/campaigns/infusion/").content.decode()
    assert "leaderboard" not in html


def test_the_cached_page_follows_gifts_refunds_and_approvals(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory(slug="infusion")
    team = TeamFactory(campaign=campaign, name="Night nurses")
    ana = FundraiserFactory(campaign=campaign, team=team, title="Ana runs", display_name="Ana Rivera")
    with django_capture_on_commit_callbacks(execute=True):
        gift = give(ana, 40_00)

    html = client.get("/campaigns/infusion/").content.decode()
    assert 'href="/fundraisers/' in html and "Ana runs" in html and "$40" in html
    assert "Night nurses" in html and "1 page" in html
    with django_assert_num_queries(0):
        assert client.get("/campaigns/infusion/").status_code == 200  # warm

    with django_capture_on_commit_callbacks(execute=True):
        gift.refunded_cents = 15_00
        gift.status = Gift.Status.PARTIALLY_REFUNDED
        gift_save(gift)
    assert "$25" in client.get("/campaigns/infusion/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        fundraiser_set_status(fundraiser=ana, status=Fundraiser.Status.HIDDEN)
    html = client.get("/campaigns/infusion/").content.decode()
    assert "Ana runs" not in html and "Night nurses" not in html
