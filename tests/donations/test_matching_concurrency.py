"""
The pot under real concurrency (PostgreSQL only: SQLite serialises writers). 200 gifts are paid
at once, through the Checkout fulfilment the webhook runs, from 25 connections released together
(the server's connection limit is shared, so not 200 connections): the pot is drawn to the cent
and never beyond, and the meter's matched money equals the gifts' matches.
"""

import threading

import pytest
from django.db import connection
from django.db.models import Sum

from campaign.tallies import tally_totals
from donations.models import Gift
from tests.concurrency import session_pay, sessions_pay_at_once
from tests.factories import CampaignFactory, MatchChallengeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

GIFTS, THREADS = 200, 25


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")


def test_two_hundred_gifts_paid_at_once_draw_the_pot_exactly_and_never_beyond():
    campaign = CampaignFactory()
    # $5,025 for 200 gifts of $50 at 1:1: 100 are matched in full, one gets the last $25, 99 get nothing.
    challenge = MatchChallengeFactory(campaign=campaign, pot_cents=5_025_00)
    gifts = [
        Gift.objects.create(
            campaign=campaign,
            amount_cents=50_00,
            status=Gift.Status.PENDING,
            stripe_checkout_session_id=f"cs_concurrent_{n}",
        )
        for n in range(GIFTS)
    ]

    sessions_pay_at_once(gifts, threads=THREADS)

    challenge.refresh_from_db()
    assert (challenge.drawn_cents, challenge.left_cents) == (5_025_00, 0)
    paid = Gift.objects.filter(campaign=campaign, status=Gift.Status.SUCCEEDED)
    assert paid.count() == GIFTS
    assert paid.filter(match_challenge=challenge).count() == GIFTS  # all qualified; the pot decided how much
    assert sorted(paid.values_list("matched_cents", flat=True)) == [0] * 99 + [25_00] + [50_00] * 100
    assert paid.aggregate(total=Sum("matched_cents"))["total"] == 5_025_00
    tally = tally_totals(campaign=campaign, designation=None)
    assert (tally.raised_cents, tally.matched_cents, tally.gift_count, tally.donor_count) == (
        10_000_00,
        5_025_00,
        GIFTS,
        GIFTS,
    )


def test_refunds_and_payments_at_once_keep_the_pot_equal_to_the_gifts_matches():
    campaign = CampaignFactory()
    challenge = MatchChallengeFactory(campaign=campaign, pot_cents=3_000_00)
    paid = [
        Gift.objects.create(
            campaign=campaign, amount_cents=50_00, status=Gift.Status.PENDING, stripe_checkout_session_id=f"cs_p{n}"
        )
        for n in range(60)
    ]
    sessions_pay_at_once(paid[: THREADS * 2], threads=THREADS)  # 50 paid: $2,500 drawn, $500 left

    from django.db import connections, transaction

    from donations.services import gift_save

    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def refund(gift_id: int):
        try:
            barrier.wait()
            with transaction.atomic():
                gift = Gift.objects.select_for_update().get(pk=gift_id)
                gift.refunded_cents, gift.status = 50_00, Gift.Status.REFUNDED
                gift_save(gift)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    def pay(gift: Gift):
        try:
            barrier.wait()
            session_pay(gift)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    jobs = [threading.Thread(target=refund, args=(gift.pk,)) for gift in paid[:15]]
    jobs += [threading.Thread(target=pay, args=(gift,)) for gift in paid[50:60]]
    assert len(jobs) == THREADS
    for job in jobs:
        job.start()
    for job in jobs:
        job.join(timeout=120)
    assert errors == []

    challenge.refresh_from_db()
    matched = Gift.objects.filter(match_challenge=challenge).aggregate(total=Sum("matched_cents"))["total"]
    # 15 refunds gave back $750 whatever the order; the 10 new gifts drew $500 at most: never beyond the pot.
    assert challenge.drawn_cents == matched == 35 * 50_00 + 10 * 50_00
    assert tally_totals(campaign=campaign, designation=None).matched_cents == matched


def test_monthly_gifts_reaching_n_months_at_once_draw_the_pot_exactly_and_each_plan_once():
    """
    "At N months" (N = 2): 20 plans begun in the window reach their second month at once, and for
    5 of them the second and third months arrive together: each plan draws once, for its first two
    months, and the pot ($310 for 20 plans of 2 × $10) is drawn to the cent.
    """
    import datetime

    from django.db import connections, transaction
    from django.utils import timezone

    from donations.models import MatchChallenge, RecurringPlan
    from donations.services import gift_save

    campaign = CampaignFactory()
    challenge = MatchChallengeFactory(
        campaign=campaign,
        pot_cents=310_00,
        recurring_rule=MatchChallenge.RecurringRule.AFTER_PAYMENTS,
        monthly_match_after_payments=2,
    )
    plans = []
    for n in range(20):
        plan = RecurringPlan.objects.create(
            campaign=campaign, amount_cents=10_00, stripe_subscription_id=f"sub_n_{n}", status="active"
        )
        gift_save(
            Gift(
                campaign=campaign,
                plan=plan,
                amount_cents=10_00,
                frequency="monthly",
                status=Gift.Status.SUCCEEDED,
                paid_at=timezone.now() - datetime.timedelta(minutes=5),
                donor_email=f"plan{n}@example.com",
                stripe_checkout_session_id=f"cs_n_{n}",
            )
        )
        plans.append(plan)
    assert RecurringPlan.objects.filter(match_pending_challenge=challenge).count() == 20

    months = [(plan.pk, 2) for plan in plans] + [(plan.pk, 3) for plan in plans[:5]]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def pay(plan_id: int, month: int):
        try:
            barrier.wait()
            with transaction.atomic():  # as gift_record_invoice_paid: the plan is locked first
                plan = RecurringPlan.objects.select_for_update().get(pk=plan_id)
                gift = Gift(
                    campaign=campaign,
                    plan=plan,
                    amount_cents=10_00,
                    frequency="monthly",
                    status=Gift.Status.SUCCEEDED,
                    paid_at=timezone.now(),
                    donor_email=f"plan{plan_id}@example.com",
                    stripe_invoice_id=f"in_{plan_id}_{month}",
                )
                gift_save(gift)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    jobs = [threading.Thread(target=pay, args=job) for job in months]
    assert len(jobs) == THREADS
    for job in jobs:
        job.start()
    for job in jobs:
        job.join(timeout=120)
    assert errors == []

    challenge.refresh_from_db()
    matched = Gift.objects.filter(match_challenge=challenge)
    assert (challenge.drawn_cents, challenge.left_cents) == (310_00, 0)
    assert matched.aggregate(total=Sum("matched_cents"))["total"] == 310_00
    for plan in plans:  # each plan's first two months, once: never its third
        assert matched.filter(plan=plan).count() == 2
    assert tally_totals(campaign=campaign, designation=None).matched_cents == 310_00
    assert not RecurringPlan.objects.filter(match_pending_challenge__isnull=False).exists()
