import pytest

from campaign.models import Tally
from campaign.tallies import tally_totals
from donations.models import Gift
from donations.services import gift_save
from tests.factories import CampaignFactory, DesignationFactory, GiftFactory

pytestmark = pytest.mark.django_db


def tally(campaign, designation=None):
    return tally_totals(campaign=campaign, designation=designation)


def test_succeeded_gift_counts_once_in_campaign_and_designation():
    designation = DesignationFactory()
    GiftFactory(campaign=designation.campaign, designation=designation, amount_cents=100_00, fee_cents=3_40)

    whole = tally(designation.campaign)
    assert (whole.raised_cents, whole.online_cents, whole.gift_count, whole.donor_count) == (100_00, 100_00, 1, 1)
    assert tally(designation.campaign, designation).raised_cents == 100_00


def test_pending_gift_counts_nothing_until_it_succeeds():
    campaign = CampaignFactory()
    gift = GiftFactory(campaign=campaign, status=Gift.Status.PENDING)
    assert not Tally.objects.filter(campaign=campaign).exists()

    gift.status = Gift.Status.SUCCEEDED
    gift_save(gift)
    gift_save(gift)  # saving again with nothing changed moves nothing

    assert (tally(campaign).raised_cents, tally(campaign).gift_count) == (50_00, 1)


def test_refunds_come_out_of_the_gift_and_the_covered_fee_never_counts():
    campaign = CampaignFactory()
    gift = GiftFactory(campaign=campaign, amount_cents=100_00, fee_cents=3_40)

    gift.refunded_cents, gift.status = 10_00, Gift.Status.PARTIALLY_REFUNDED
    gift_save(gift)
    assert tally(campaign).raised_cents == 90_00

    gift.refunded_cents, gift.status = 103_40, Gift.Status.REFUNDED
    gift_save(gift)
    whole = tally(campaign)
    assert (whole.raised_cents, whole.gift_count, whole.donor_count) == (0, 0, 0)


def test_donor_count_counts_people_not_gifts():
    campaign = CampaignFactory()
    first = GiftFactory(campaign=campaign, donor_email="Ana@Example.com")
    GiftFactory(campaign=campaign, donor_email="ana@example.com")
    GiftFactory(campaign=campaign, donor_email="ben@example.com")
    assert (tally(campaign).gift_count, tally(campaign).donor_count) == (3, 2)

    first.status = Gift.Status.DISPUTED
    gift_save(first)
    assert (tally(campaign).gift_count, tally(campaign).donor_count) == (2, 2)


def test_moving_a_gift_between_designations_moves_its_amount():
    campaign = CampaignFactory()
    infusion = DesignationFactory(campaign=campaign)
    dialysis = DesignationFactory(campaign=campaign)
    gift = GiftFactory(campaign=campaign, designation=infusion, amount_cents=70_00)

    gift.designation = dialysis
    gift_save(gift)

    assert tally(campaign, infusion).raised_cents == 0
    assert tally(campaign, dialysis).raised_cents == 70_00
    assert (tally(campaign).raised_cents, tally(campaign).donor_count) == (70_00, 1)


def test_pledges_and_offline_gifts_are_counted_in_their_own_columns():
    campaign = CampaignFactory()
    GiftFactory(campaign=campaign, source=Gift.Source.CHECK, amount_cents=500_00, donor_email="")
    GiftFactory(campaign=campaign, source=Gift.Source.PLEDGE, amount_cents=10_000_00, donor_email="")

    whole = tally(campaign)
    assert (whole.raised_cents, whole.offline_cents, whole.pledged_cents, whole.online_cents) == (
        10_500_00,
        500_00,
        10_000_00,
        0,
    )


def test_a_new_gift_is_written_once_with_one_history_row():
    campaign = CampaignFactory()
    gift = GiftFactory(campaign=campaign, status=Gift.Status.PENDING)

    assert gift.history.count() == 1


def test_a_nameless_offline_gift_counts_as_its_own_donor():
    campaign = CampaignFactory()
    for _ in range(2):
        GiftFactory(campaign=campaign, source=Gift.Source.CASH, donor_email="", donor_name="", display_name="")

    assert (tally(campaign).gift_count, tally(campaign).donor_count) == (2, 2)
