"""A fundraiser's total under real concurrency (PostgreSQL only: SQLite serialises writers)."""

import pytest
from django.db import connection, transaction

from donations.models import Gift
from donations.services import gift_save
from fundraisers.models import FundraiserTally
from tests.donations.test_concurrency import concurrently
from tests.factories import FundraiserFactory, GiftFactory, TeamFactory
from tests.readings import tally_counts

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")


def _settle(gift_id: int, **changes):
    def job():
        with transaction.atomic():
            gift = Gift.objects.select_for_update().get(pk=gift_id)
            previous = Gift.objects.get(pk=gift_id)
            for name, value in changes.items():
                setattr(gift, name, value)
            gift_save(gift, locked_previous=previous)

    return job


def test_eight_gifts_paid_then_refunded_at_once_move_the_page_by_exactly_their_sum():
    team = TeamFactory()
    page = FundraiserFactory(campaign=team.campaign, team=team)
    amounts = [10_00 + index * 1_01 for index in range(8)]
    gifts = [
        GiftFactory(campaign=page.campaign, fundraiser=page, amount_cents=amount, status=Gift.Status.PENDING)
        for amount in amounts
    ]

    concurrently(*(_settle(gift.pk, status=Gift.Status.SUCCEEDED) for gift in gifts))
    tally = FundraiserTally.objects.get(fundraiser=page)
    assert (tally.raised_cents, tally.gift_count) == (sum(amounts), 8)
    assert tally_counts(page.campaign)[:2] == (sum(amounts), 8)

    # Half refunded in part, half in full, all at once.
    jobs = [
        _settle(gift.pk, refunded_cents=1_00, status=Gift.Status.PARTIALLY_REFUNDED)
        if index % 2
        else _settle(gift.pk, refunded_cents=gift.amount_cents, status=Gift.Status.REFUNDED)
        for index, gift in enumerate(gifts)
    ]
    concurrently(*jobs)
    left = sum(amount - 1_00 for index, amount in enumerate(amounts) if index % 2)
    tally = FundraiserTally.objects.get(fundraiser=page)
    assert (tally.raised_cents, tally.gift_count) == (left, 4)
    assert tally_counts(page.campaign)[:2] == (left, 4)
