import datetime

import pytest
from django.utils import timezone

from campaign.models import Milestone, Tally
from campaign.selectors import campaign_progress, campaign_recent_gifts, progress_as_json
from donations.models import Gift
from donations.services import gift_save
from tests.factories import CampaignFactory, GiftFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def test_progress_with_no_tally_row_is_all_zeros(django_assert_num_queries):
    campaign = CampaignFactory(goal_cents=1_000_00, ends_on=None)

    with django_assert_num_queries(4):  # the tally row, the milestones, the outstanding pledges, the open challenge
        progress = campaign_progress(campaign=campaign, today=TODAY)

    assert (progress.raised_cents, progress.goal_cents, progress.percent, progress.bar_percent) == (0, 1_000_00, 0, 0)
    assert (progress.donor_count, progress.gift_count, progress.pledged_cents, progress.offline_cents) == (0, 0, 0, 0)
    assert (progress.outstanding_pledged_cents, progress.committed_cents, progress.committed_bar_percent) == (0, 0, 0)
    assert progress.updated_at is None
    assert progress.days_left is None
    assert progress.has_ended is False


def test_progress_reads_only_the_campaign_wide_tally_row(django_assert_num_queries):
    campaign = CampaignFactory(goal_cents=1_000_00)
    Tally.objects.create(campaign=campaign, raised_cents=250_00, gift_count=3, donor_count=2, pledged_cents=100_00)
    designation_tally = Tally.objects.create(
        campaign=campaign, designation=campaign.designations.create(name="X", slug="x"), raised_cents=999_00
    )

    campaign = type(campaign).objects.prefetch_related("milestones").get(pk=campaign.pk)
    with django_assert_num_queries(3):  # and the outstanding pledges (one aggregate), the open matching challenge
        progress = campaign_progress(campaign=campaign, today=TODAY)

    assert designation_tally.raised_cents != progress.raised_cents
    assert (progress.raised_cents, progress.percent, progress.gift_count, progress.donor_count) == (250_00, 25, 3, 2)
    assert progress.pledged_cents == 100_00


def test_progress_never_aggregates_gifts():
    campaign = CampaignFactory(goal_cents=1_000_00)
    GiftFactory(campaign=campaign, amount_cents=100_00)
    # Make the stored total disagree with the gifts: the meter must show the stored total.
    stripes = Tally.objects.filter(campaign=campaign, designation=None)
    stripes.update(raised_cents=0)
    stripes.filter(pk=stripes.order_by("pk").first().pk).update(raised_cents=7_00)

    assert campaign_progress(campaign=campaign).raised_cents == 7_00


def test_percent_is_floored_so_the_goal_is_never_shown_met_early():
    campaign = CampaignFactory(goal_cents=1_000_00)
    Tally.objects.create(campaign=campaign, raised_cents=999_99)

    progress = campaign_progress(campaign=campaign)

    assert (progress.percent, progress.bar_percent) == (99, 99)


def test_over_the_goal_percent_exceeds_100_but_the_bar_is_capped():
    campaign = CampaignFactory(goal_cents=1_000_00)
    Tally.objects.create(campaign=campaign, raised_cents=1_240_00)

    progress = campaign_progress(campaign=campaign)

    assert (progress.percent, progress.bar_percent) == (124, 100)


def test_days_left_counts_down_and_is_zero_on_and_after_the_last_day():
    campaign = CampaignFactory(
        starts_on=TODAY - datetime.timedelta(days=30), ends_on=TODAY + datetime.timedelta(days=10)
    )

    before = campaign_progress(campaign=campaign, today=TODAY)
    last_day = campaign_progress(campaign=campaign, today=TODAY + datetime.timedelta(days=10))
    after = campaign_progress(campaign=campaign, today=TODAY + datetime.timedelta(days=11))

    assert (before.days_left, before.has_ended, before.is_last_day) == (10, False, False)
    assert (last_day.days_left, last_day.has_ended, last_day.is_last_day) == (0, False, True)
    assert (after.days_left, after.has_ended, after.is_last_day) == (0, True, False)


def test_milestones_are_passed_when_the_total_reaches_them():
    campaign = CampaignFactory(goal_cents=1_000_00)
    Milestone.objects.create(campaign=campaign, amount_cents=500_00, label="Half")
    Milestone.objects.create(campaign=campaign, amount_cents=250_00, label="Quarter")
    Milestone.objects.create(campaign=campaign, amount_cents=2_000_00, label="Stretch")
    Tally.objects.create(campaign=campaign, raised_cents=500_00)

    progress = campaign_progress(campaign=campaign)

    assert [(m.label, m.passed, m.position) for m in progress.milestones] == [
        ("Quarter", True, 25),
        ("Half", True, 50),
        ("Stretch", False, 100),
    ]
    assert progress.milestones_passed == 2


def test_progress_json_has_exactly_the_public_keys():
    campaign = CampaignFactory(goal_cents=2_000_00)
    updated = timezone.now()
    Tally.objects.create(campaign=campaign, raised_cents=500_00, gift_count=4, donor_count=3, updated_at=updated)

    assert progress_as_json(campaign_progress(campaign=campaign)) == {
        "raised_cents": 500_00,
        "goal_cents": 2_000_00,
        "donor_count": 3,
        "gift_count": 4,
        "percent": 25,
        "currency": "usd",
        "updated_at": updated.isoformat(),
        "paid_cents": 500_00,
        "pledged_cents": 0,
        "matched_cents": 0,
        "giving_day": None,
        "match": None,
    }


def test_recent_gifts_newest_first_counted_only_with_public_fields_only():
    campaign = CampaignFactory()
    now = timezone.now()
    old = GiftFactory(campaign=campaign, display_name="Old", paid_at=now - datetime.timedelta(days=3))
    GiftFactory(campaign=campaign, display_name="Pending", status=Gift.Status.PENDING, paid_at=now)
    GiftFactory(campaign=campaign, display_name="Refunded", status=Gift.Status.REFUNDED, refunded_cents=50_00)
    hidden = GiftFactory(
        campaign=campaign, display_name="Secret Name", is_anonymous=True, paid_at=now - datetime.timedelta(days=1)
    )
    pledge = GiftFactory(
        campaign=campaign,
        source=Gift.Source.PLEDGE,
        display_name="Big Pledge Co",
        amount_cents=10_000_00,
        paid_at=now - datetime.timedelta(hours=1),
        message="  For the kids  ",
    )
    partly = GiftFactory(
        campaign=campaign, display_name="Partly", amount_cents=100_00, paid_at=now - datetime.timedelta(days=2)
    )
    partly.refunded_cents, partly.status = 40_00, Gift.Status.PARTIALLY_REFUNDED
    gift_save(partly)
    GiftFactory(campaign=CampaignFactory(), display_name="Other campaign", paid_at=now)

    wall = campaign_recent_gifts(campaign=campaign, limit=8)

    assert [(g.name, g.amount_cents, g.is_pledge) for g in wall] == [
        ("Big Pledge Co", 10_000_00, True),
        ("", hidden.amount_cents, False),
        ("Partly", 60_00, False),
        ("Old", old.amount_cents, False),
    ]
    assert wall[0].message == "For the kids"
    assert pledge.donor_email not in repr(wall)
    assert "Secret Name" not in repr(wall)


def test_recent_gifts_respects_the_limit(django_assert_num_queries):
    campaign = CampaignFactory()
    for _ in range(5):
        GiftFactory(campaign=campaign)

    with django_assert_num_queries(2):  # the gifts; their donors' cumulative giving (recognition levels)
        wall = campaign_recent_gifts(campaign=campaign, limit=3)

    assert len(wall) == 3
