"""Stripe's refund and dispute events move the meter by absolute amounts, in any order."""

import time

import pytest
from django.core import mail
from django.core.management import call_command

from donations.models import Gift, WebhookEvent
from tests.factories import CampaignFactory
from tests.readings import tally_counts as raised

pytestmark = pytest.mark.django_db


# --- Refunds and disputes ------------------------------------------------------------------------


def test_partial_then_full_refund_lower_the_meter_by_absolute_amounts(fake_stripe, paid_gift, deliver):
    gift = paid_gift(CampaignFactory(), amount="100")
    charge = fake_stripe.charges[fake_stripe.payment_intents[gift.stripe_payment_intent_id]["latest_charge"]]

    charge["amount_refunded"] = 30_00
    deliver("charge.refunded", charge)
    deliver("charge.refunded", charge)  # the same amount under another event id: not added twice
    gift.refresh_from_db()
    assert (gift.status, gift.refunded_cents, gift.stripe_charge_id) == ("partially_refunded", 30_00, charge["id"])
    assert raised(gift.campaign) == (70_00, 1, 1)

    # An older event arriving after a newer one never lowers the refunded total.
    charge["amount_refunded"] = 100_00
    deliver("charge.refunded", charge)
    charge["amount_refunded"] = 30_00
    deliver("charge.refunded", charge)
    gift.refresh_from_db()
    assert (gift.status, gift.refunded_cents) == ("refunded", 100_00)
    assert raised(gift.campaign) == (0, 0, 0)


def test_refund_before_the_session_is_completed_waits_then_applies(client, fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory(), amount="80")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    charge = dict(fake_stripe.charges[fake_stripe.payment_intents[session["payment_intent"]]["latest_charge"]])
    charge.update(amount_refunded=20_00, metadata={})  # nothing in the charge names the gift

    early = deliver("charge.refunded", charge)

    assert early.status_code == 500  # Stripe retries
    failed = WebhookEvent.objects.get(stripe_event_id=early.event["id"])
    assert failed.status == WebhookEvent.Status.FAILED
    assert "not recorded yet" in failed.error
    assert Gift.objects.get(pk=gift.pk).refunded_cents == 0

    deliver("checkout.session.completed", session)
    call_command("replay_webhook_events", "--failed")

    gift.refresh_from_db()
    assert (gift.status, gift.refunded_cents) == (Gift.Status.PARTIALLY_REFUNDED, 20_00)
    assert WebhookEvent.objects.get(stripe_event_id=early.event["id"]).status == WebhookEvent.Status.PROCESSED
    assert raised(gift.campaign) == (60_00, 1, 1)
    # Stripe's own retry now finds it done.
    assert fake_stripe.post(client, early.event).json()["outcome"] == "duplicate"


def test_refund_before_completion_is_found_by_the_charge_metadata(fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory(), amount="80")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    charge = fake_stripe.charges[fake_stripe.payment_intents[session["payment_intent"]]["latest_charge"]]
    charge["amount_refunded"] = 80_00

    assert deliver("charge.refunded", charge).status_code == 200
    gift.refresh_from_db()
    assert (gift.status, gift.refunded_cents) == (Gift.Status.PENDING, 80_00)

    deliver("checkout.session.completed", session)
    gift.refresh_from_db()
    assert gift.status == Gift.Status.REFUNDED
    assert raised(gift.campaign) == (0, 0, 0)
    assert gift.receipt_sent_at is None  # refunded in full before any receipt: none is sent
    assert mail.outbox == []


def test_refund_of_an_old_charge_the_site_never_knew_is_acknowledged(fake_stripe, paid_gift, deliver):
    gift = paid_gift(CampaignFactory())
    foreign = {"object": "charge", "id": "ch_dashboard", "payment_intent": "pi_dashboard", "amount_refunded": 10_00}

    recent = deliver("charge.refunded", {**foreign, "created": int(time.time()) - 3600})
    old = deliver("charge.refunded", {**foreign, "created": int(time.time()) - 25 * 3600})

    assert (recent.status_code, old.status_code) == (500, 200)  # retried while it may still be out of order
    assert Gift.objects.get(pk=gift.pk).refunded_cents == 0
    assert raised(gift.campaign) == (50_00, 1, 1)


def test_dispute_takes_the_gift_off_the_meter_and_a_won_dispute_restores_it(fake_stripe, paid_gift, deliver):
    campaign = CampaignFactory()
    gift = paid_gift(campaign)
    dispute = {"id": "dp_1", "object": "dispute", "charge": "ch_x", "payment_intent": gift.stripe_payment_intent_id}
    assert gift.stripe_payment_intent_id

    deliver("charge.dispute.created", {**dispute, "status": "needs_response"})
    gift.refresh_from_db()
    assert gift.status == Gift.Status.DISPUTED
    assert raised(campaign) == (0, 0, 0)

    deliver("charge.dispute.closed", {**dispute, "status": "won"})
    gift.refresh_from_db()
    assert gift.status == Gift.Status.SUCCEEDED
    assert raised(campaign) == (50_00, 1, 1)


def test_lost_dispute_stays_off_the_meter(fake_stripe, paid_gift, deliver):
    campaign = CampaignFactory()
    gift = paid_gift(campaign)
    dispute = {"id": "dp_2", "object": "dispute", "charge": "ch_y", "payment_intent": gift.stripe_payment_intent_id}
    deliver("charge.dispute.created", {**dispute, "status": "needs_response"})
    deliver("charge.dispute.closed", {**dispute, "status": "lost"})
    gift.refresh_from_db()
    assert gift.status == Gift.Status.DISPUTED
    assert raised(campaign) == (0, 0, 0)
