"""Monthly gifts through webhooks: each paid invoice is one gift; plans follow Stripe's subscription."""

import time

import pytest
from django.core import mail

from donations.models import Gift, RecurringPlan, WebhookEvent
from tests.factories import CampaignFactory
from tests.readings import tally_counts as raised

pytestmark = pytest.mark.django_db


# --- Monthly gifts -------------------------------------------------------------------------------


def test_first_invoice_and_completed_session_are_one_gift_in_either_order(fake_stripe, start_gift, deliver):
    campaign = CampaignFactory()
    for order in (["invoice.paid", "checkout.session.completed"], ["checkout.session.completed", "invoice.paid"]):
        gift = start_gift(campaign, frequency="monthly", amount="25")
        session = fake_stripe.complete_session(gift.stripe_checkout_session_id, email=f"{order[0]}@example.com")
        objects = {"invoice.paid": fake_stripe.invoices[session["invoice"]], "checkout.session.completed": session}
        for event_type in order:
            assert deliver(event_type, objects[event_type]).status_code == 200
        gift.refresh_from_db()
        assert gift.status == Gift.Status.SUCCEEDED
        assert gift.stripe_invoice_id == session["invoice"]
        assert gift.plan.stripe_subscription_id == session["subscription"]
        assert gift.plan.status == RecurringPlan.Status.ACTIVE

    assert Gift.objects.count() == 2
    assert RecurringPlan.objects.count() == 2
    assert raised(campaign) == (50_00, 2, 2)
    assert len(mail.outbox) == 2


def test_every_later_invoice_is_a_new_gift_of_the_plan(fake_stripe, start_gift, deliver):
    campaign = CampaignFactory()
    gift = start_gift(campaign, frequency="monthly", amount="25", display_name="The Riveras")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id, email="rivera@example.com")
    deliver("checkout.session.completed", session)
    deliver("invoice.paid", fake_stripe.invoices[session["invoice"]])

    second = fake_stripe.invoice_for(session["subscription"])
    deliver("invoice.paid", second)
    deliver("invoice.paid", second)  # another event id for the same invoice

    gift.refresh_from_db()
    gifts = list(Gift.objects.order_by("pk"))
    assert len(gifts) == 2
    month2 = gifts[1]
    assert (month2.status, month2.amount_cents, month2.plan_id) == (Gift.Status.SUCCEEDED, 25_00, gift.plan_id)
    assert (month2.display_name, month2.donor_email) == ("The Riveras", "rivera@example.com")
    assert month2.stripe_payment_intent_id == second["payments"]["data"][0]["payment"]["payment_intent"]
    assert raised(campaign) == (50_00, 2, 1)  # one donor, two gifts
    assert len(mail.outbox) == 2  # a receipt for each month


def test_invoice_of_an_unknown_subscription_waits_for_retry(fake_stripe, deliver):
    invoice = {
        "object": "invoice",
        "id": "in_lonely",
        "amount_paid": 500,
        "parent": {"subscription_details": {"subscription": "sub_unknown", "metadata": {}}},
    }
    assert deliver("invoice.paid", {**invoice, "created": int(time.time())}).status_code == 500
    assert not Gift.objects.exists()
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.FAILED
    # A subscription made outside the site (Stripe Dashboard), a day on: acknowledged, nothing recorded.
    assert deliver("invoice.paid", {**invoice, "created": int(time.time()) - 2 * 86400}).status_code == 200
    assert not Gift.objects.exists()


def test_failed_invoice_puts_the_plan_past_due_and_updates_and_deletion_follow_stripe(fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory(), frequency="monthly")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    deliver("checkout.session.completed", session)
    plan = RecurringPlan.objects.get()
    subscription = fake_stripe.subscriptions[session["subscription"]]

    failed = fake_stripe.invoice_for(session["subscription"], paid=False)
    deliver("invoice.payment_failed", failed)
    plan.refresh_from_db()
    assert plan.status == RecurringPlan.Status.PAST_DUE
    assert Gift.objects.count() == 1

    items = {"data": [{"price": {"unit_amount": 40_00}, "quantity": 1}]}  # raised in the Customer Portal
    deliver("customer.subscription.updated", {**subscription, "status": "active", "items": items})
    plan.refresh_from_db()
    assert (plan.status, plan.amount_cents, plan.fee_cents) == (RecurringPlan.Status.ACTIVE, 40_00, 0)

    deliver("customer.subscription.deleted", {**subscription, "status": "canceled", "canceled_at": 1_700_000_000})
    plan.refresh_from_db()
    assert plan.status == RecurringPlan.Status.CANCELED
    assert plan.canceled_at.timestamp() == 1_700_000_000

    deliver("customer.subscription.updated", {**subscription, "status": "active"})  # late, older news
    plan.refresh_from_db()
    assert plan.status == RecurringPlan.Status.CANCELED
    assert Gift.objects.get().status == Gift.Status.SUCCEEDED  # the paid month stays paid
