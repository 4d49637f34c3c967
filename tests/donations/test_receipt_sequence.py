"""
Receipt numbers on PostgreSQL come from a SEQUENCE per year (no row lock shared by every payment):
unique under concurrency, continuing after the numbers a year already has, and with a gap where a
payment was rolled back (documented in donations.services.tallies and the README). SQLite keeps
the unbroken row (tests/donations/test_stripe_contract.py).
"""

import pytest
from django.db import connection, transaction
from django.utils import timezone

from donations.models import Gift, ReceiptSequence
from tests.concurrency import session_pay, sessions_pay_at_once
from tests.factories import CampaignFactory, GiftFactory

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")


def _pending(campaign, n: int) -> Gift:
    return Gift.objects.create(
        campaign=campaign, amount_cents=10_00, status=Gift.Status.PENDING, stripe_checkout_session_id=f"cs_rcpt_{n}"
    )


def _pay(gift: Gift) -> Gift:
    session_pay(gift)
    gift.refresh_from_db()
    return gift


@pytest.mark.django_db
def test_a_new_year_sequence_continues_after_the_numbers_already_given():
    year = timezone.localdate().year
    ReceiptSequence.objects.create(year=year, last=30)
    GiftFactory(receipt_year=year, receipt_serial=41)  # numbered before the sequence existed
    campaign = CampaignFactory()

    first, second = _pay(_pending(campaign, 1)), _pay(_pending(campaign, 2))

    assert (first.receipt_number, second.receipt_number) == (f"R{year}-0000042", f"R{year}-0000043")
    assert ReceiptSequence.objects.get(year=year).last == 30  # the row is no longer taken (no lock)


@pytest.mark.django_db
def test_a_rolled_back_payment_leaves_a_gap_never_a_duplicate():
    year = timezone.localdate().year
    campaign = CampaignFactory()
    first = _pay(_pending(campaign, 1))
    lost = _pending(campaign, 2)
    with pytest.raises(RuntimeError), transaction.atomic():
        _pay(lost)
        raise RuntimeError("the delivery failed after the number was taken")
    again = _pay(lost)  # Stripe's redelivery

    assert first.receipt_number == f"R{year}-0000001"
    assert again.receipt_number == f"R{year}-0000003"  # 2 was taken by the rolled-back attempt


GIFTS, THREADS = 120, 20


@pytest.mark.django_db(transaction=True)
def test_payments_at_once_to_many_campaigns_get_unique_numbers():

    campaigns = [CampaignFactory() for _ in range(3)]
    gifts = [_pending(campaigns[n % 3], n) for n in range(GIFTS)]
    sessions_pay_at_once(gifts, threads=THREADS)
    serials = list(Gift.objects.filter(status=Gift.Status.SUCCEEDED).values_list("receipt_serial", flat=True))
    assert len(serials) == GIFTS
    assert sorted(serials) == list(range(1, GIFTS + 1))  # unique; no payment failed here, so no gap either
