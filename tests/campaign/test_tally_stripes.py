"""
The meter's totals split over stripe rows (settings.TALLY_STRIPES): a payment moves one stripe,
every reader sums them in a constant number of queries, and the rebuild still finds and repairs
drift in any stripe. The PostgreSQL test pays gifts from many threads at once.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from campaign.models import Tally
from campaign.selectors import campaign_progress, progress_as_json
from campaign.tallies import tallies_summed, tally_totals
from donations import reports
from donations.models import Gift
from tests.concurrency import sessions_pay_at_once
from tests.factories import CampaignFactory, DesignationFactory, GiftFactory


@pytest.mark.django_db
@pytest.mark.parametrize("stripes", [1, 8, 32])
@pytest.mark.parametrize("gifts", [1, 40])
def test_reading_the_meter_costs_the_same_queries_whatever_the_stripes_and_gifts(
    settings, django_assert_num_queries, stripes, gifts
):
    settings.TALLY_STRIPES = stripes
    campaign = CampaignFactory(goal_cents=1_000_000_00, ends_on=None)
    designation = DesignationFactory(campaign=campaign)
    for n in range(gifts):
        GiftFactory(campaign=campaign, designation=designation if n % 2 else None, amount_cents=(n + 1) * 100)
    expected = sum((n + 1) * 100 for n in range(gifts))
    assert Tally.objects.filter(campaign=campaign, designation=None).count() == stripes
    campaign = type(campaign).objects.prefetch_related("milestones").get(pk=campaign.pk)

    with django_assert_num_queries(1):
        whole = tally_totals(campaign=campaign)
    with django_assert_num_queries(3):  # the summed stripes, the outstanding pledges, the open challenge
        progress = campaign_progress(campaign=campaign)
    with django_assert_num_queries(1):
        designations = {row.designation_id: row for row in tallies_summed(campaign=campaign, designation__isnull=False)}

    assert (whole.raised_cents, whole.gift_count, whole.donor_count) == (expected, gifts, gifts)
    assert (progress.raised_cents, progress.gift_count) == (expected, gifts)
    assert progress_as_json(progress)["raised_cents"] == expected
    designated = sum((n + 1) * 100 for n in range(gifts) if n % 2)
    assert (designations[designation.pk].raised_cents if designated else 0) == designated


@pytest.mark.django_db
def test_the_dashboard_sums_the_stripes_in_the_same_queries(settings, django_assert_num_queries):
    settings.TALLY_STRIPES = 4
    campaign = CampaignFactory()
    designation = DesignationFactory(campaign=campaign)
    for amount in (10_00, 20_00, 30_00):
        GiftFactory(campaign=campaign, designation=designation, amount_cents=amount)
    GiftFactory(campaign=campaign, amount_cents=5_00)

    with django_assert_num_queries(2):  # the summed tallies, the campaigns
        totals = {row.campaign.pk: row for row in reports.campaign_totals()}
    lines = reports.designation_totals(campaign=campaign)

    assert (totals[campaign.pk].raised_cents, totals[campaign.pk].gift_count) == (65_00, 4)
    assert [(line.label, line.raised_cents, line.gift_count) for line in lines] == [
        (designation.name, 60_00, 3),
        ("No designation", 5_00, 1),
    ]


@pytest.mark.django_db
def test_payments_spread_over_the_stripes_and_the_sum_stays_exact(settings):
    settings.TALLY_STRIPES = 8
    campaign = CampaignFactory()
    for n in range(60):
        GiftFactory(campaign=campaign, amount_cents=10_00 + n)

    used = Tally.objects.filter(campaign=campaign, designation=None, gift_count__gt=0).count()
    assert used > 1  # a random stripe each time: 60 payments never all land on one of 8
    assert tally_totals(campaign=campaign).raised_cents == sum(10_00 + n for n in range(60))


@pytest.mark.django_db
def test_recompute_finds_drift_in_one_stripe_and_repairs_the_sum(settings):
    settings.TALLY_STRIPES = 8
    campaign = CampaignFactory(slug="striped")
    for _ in range(20):
        GiftFactory(campaign=campaign, amount_cents=10_00)
    stripe = Tally.objects.filter(campaign=campaign, designation=None).order_by("-raised_cents").first()
    Tally.objects.filter(pk=stripe.pk).update(raised_cents=stripe.raised_cents + 1)

    out = io.StringIO()
    with pytest.raises(Exception):  # noqa: B017 (CommandError: --check fails on drift)
        call_command("recompute_tallies", "--check", stdout=out)
    assert "raised_cents: $200.01 → $200.00" in out.getvalue()

    call_command("recompute_tallies", stdout=io.StringIO())

    assert tally_totals(campaign=campaign).raised_cents == 200_00
    assert tally_totals(campaign=campaign).gift_count == 20
    out = io.StringIO()
    call_command("recompute_tallies", "--check", stdout=out)
    assert "All tallies match the gifts." in out.getvalue()
    GiftFactory(campaign=campaign, amount_cents=1_00)  # and later payments add on top of the rebuilt stripes
    assert tally_totals(campaign=campaign).raised_cents == 201_00


# --- PostgreSQL: real threads, each its own connection ------------------------------------------------------------

GIFTS, THREADS = 200, 25


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_hundred_payments_at_once_leave_the_striped_totals_exact(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")

    settings.TALLY_STRIPES = 8
    campaign = CampaignFactory()
    designation = DesignationFactory(campaign=campaign)
    gifts = [
        Gift.objects.create(
            campaign=campaign,
            designation=designation if n % 3 == 0 else None,
            amount_cents=10_00 + n,
            status=Gift.Status.PENDING,
            stripe_checkout_session_id=f"cs_striped_{n}",
        )
        for n in range(GIFTS)
    ]
    # 37 donors give again and again: the donor count moves only on each one's first gift.
    sessions_pay_at_once(gifts, threads=THREADS, donor_email=lambda gift: f"donor{gift.pk % 37}@example.com")

    paid = Gift.objects.filter(campaign=campaign, status=Gift.Status.SUCCEEDED)
    whole = tally_totals(campaign=campaign)
    assert paid.count() == GIFTS
    assert (
        whole.raised_cents == paid.aggregate(total=Sum("amount_cents"))["total"] == sum(10_00 + n for n in range(GIFTS))
    )
    assert whole.gift_count == GIFTS
    assert whole.donor_count == 37
    assert tally_totals(campaign=campaign, designation=designation).raised_cents == sum(
        10_00 + n for n in range(GIFTS) if n % 3 == 0
    )
    assert Tally.objects.filter(campaign=campaign, designation=None, gift_count__gt=0).count() > 1
    out = io.StringIO()
    call_command("recompute_tallies", "--check", stdout=out)
    assert "All tallies match the gifts." in out.getvalue()
