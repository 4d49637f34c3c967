import pytest
from django.core import mail

from campaign.tallies import tally_totals
from donations import stripe_gateway
from donations.models import Gift
from donations.services import RefundError, gift_refund
from tests.factories import CampaignFactory, GiftFactory

pytestmark = pytest.mark.django_db


def raised(campaign):
    return tally_totals(campaign=campaign, designation=None).raised_cents


def test_partial_then_full_refund_through_stripe(fake_stripe, paid_gift, deliver):
    campaign = CampaignFactory()
    gift = paid_gift(campaign, amount="100", cover_fee="on")
    fee = gift.fee_cents

    gift = gift_refund(gift=gift, amount_cents=40_00, reason="requested_by_customer")

    [call] = fake_stripe.calls("POST", "/v1/refunds")
    assert call.idempotency_key == f"gift-{gift.pk}-refund-1"
    assert call.params == {
        "payment_intent": gift.stripe_payment_intent_id,
        "amount": "4000",
        "metadata": {"gift_id": str(gift.pk), "actor": ""},
        "reason": "requested_by_customer",
    }
    assert (gift.status, gift.refunded_cents) == (Gift.Status.PARTIALLY_REFUNDED, 40_00)
    assert raised(campaign) == 60_00  # out of the gift; the covered fee ({fee}) never counted
    assert fee == 3_30

    # Stripe's charge.refunded for that refund arrives: absolute, so not counted again.
    charge = fake_stripe.charges[fake_stripe.payment_intents[gift.stripe_payment_intent_id]["latest_charge"]]
    deliver("charge.refunded", charge)
    gift.refresh_from_db()
    assert gift.refunded_cents == 40_00

    gift = gift_refund(gift=gift, amount_cents=gift.remaining_cents, reason="")
    assert fake_stripe.calls("POST", "/v1/refunds")[-1].idempotency_key == f"gift-{gift.pk}-refund-2"
    assert "reason" not in fake_stripe.calls("POST", "/v1/refunds")[-1].params
    assert (gift.status, gift.refunded_cents) == (Gift.Status.REFUNDED, 100_00 + fee)
    assert raised(campaign) == 0


def test_refund_recorded_by_webhook_first_is_not_doubled(fake_stripe, paid_gift, deliver, monkeypatch):
    campaign = CampaignFactory()
    gift = paid_gift(campaign, amount="100")
    real_refund_create = stripe_gateway.refund_create

    def refund_then_webhook(**kwargs):
        refund = real_refund_create(**kwargs)
        charge = fake_stripe.charges[refund.charge_id]
        # The webhook would wait on the row lock; here it lands just before our save.
        Gift.objects.filter(pk=gift.pk).update(refunded_cents=charge["amount_refunded"])
        return refund

    monkeypatch.setattr(stripe_gateway, "refund_create", refund_then_webhook)
    gift = gift_refund(gift=gift, amount_cents=25_00)
    assert gift.refunded_cents == 25_00


@pytest.mark.parametrize("amount", [0, -1, 50_01, 10**9])
def test_refund_outside_what_remains_is_refused(fake_stripe, paid_gift, amount):
    gift = paid_gift(CampaignFactory())
    with pytest.raises(RefundError, match="between"):
        gift_refund(gift=gift, amount_cents=amount)
    assert fake_stripe.calls("POST", "/v1/refunds") == []
    assert Gift.objects.get(pk=gift.pk).refunded_cents == 0


def test_offline_and_unpaid_gifts_cannot_be_refunded_online(fake_stripe, start_gift):
    offline = GiftFactory(source=Gift.Source.CHECK)
    pending = start_gift(CampaignFactory())
    with pytest.raises(RefundError, match="Only online gifts"):
        gift_refund(gift=offline, amount_cents=1_00)
    with pytest.raises(RefundError, match="Only online gifts"):
        gift_refund(gift=pending, amount_cents=1_00)
    assert fake_stripe.calls("POST", "/v1/refunds") == []


def test_a_stripe_error_leaves_the_gift_unchanged_and_the_retry_reuses_the_key(fake_stripe, paid_gift):
    gift = paid_gift(CampaignFactory())
    fake_stripe.fail_next(status=400, type="invalid_request_error", code="charge_disputed", message="Disputed")
    with pytest.raises(stripe_gateway.PaymentError):
        gift_refund(gift=gift, amount_cents=10_00)
    gift.refresh_from_db()
    assert (gift.refunded_cents, gift.refund_requests, gift.status) == (0, 0, Gift.Status.SUCCEEDED)

    gift_refund(gift=gift, amount_cents=10_00)
    keys = [c.idempotency_key for c in fake_stripe.calls("POST", "/v1/refunds")]
    assert keys == [f"gift-{gift.pk}-refund-1", f"gift-{gift.pk}-refund-1"]
    assert len(mail.outbox) == 1  # the receipt only; refunds send nothing by themselves
