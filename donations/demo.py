"""
Demo payments (settings.DEMO_PAYMENTS: no Stripe keys, development only). The demo checkout page
does what Stripe would: it completes the session, then builds the Stripe-shaped events, signs
them with the webhook secret and hands them to the real webhook code.
"""

import json
import secrets
import time
from typing import Any

from django.db import transaction
from django.urls import reverse

from . import stripe_gateway, webhooks
from .models import DemoCheckoutSession, RecurringPlan
from .stripe_fixtures import fixture

# --- The demo's Checkout Sessions (stripe_gateway hands these calls here when demo payments are on) --


def demo_checkout_session_create(params: Any) -> dict[str, Any]:
    session_id = "cs_test_demo" + secrets.token_hex(16)
    line = params["line_items"][0]
    price = line["price_data"]
    amount = int(price["unit_amount"]) * int(line.get("quantity", 1))
    now = int(time.time())
    session = fixture("checkout.session")
    session.update(
        id=session_id,
        mode=params["mode"],
        submit_type=params.get("submit_type"),
        status="open",
        payment_status="unpaid",
        amount_total=amount,
        amount_subtotal=amount,
        currency=price["currency"],
        client_reference_id=params.get("client_reference_id"),
        metadata=params.get("metadata") or {},
        customer=None,
        customer_creation=params.get("customer_creation"),
        customer_email=params.get("customer_email"),
        customer_details=None,
        payment_intent=None,
        subscription=None,
        invoice=None,
        livemode=False,
        created=now,
        expires_at=int(params.get("expires_at") or now + 24 * 3600),
        success_url=params["success_url"],
        cancel_url=params["cancel_url"],
        # Relative: the demo page is on this site, whatever host the donor reached it by.
        url=reverse("donations:demo_checkout", kwargs={"session_id": session_id}),
    )
    DemoCheckoutSession.objects.create(session_id=session_id, data=session)
    return session


def demo_checkout_session_retrieve(session_id: str) -> dict[str, Any]:
    demo = DemoCheckoutSession.objects.filter(session_id=session_id).first()
    if demo is None:
        raise stripe_gateway.PaymentNotFound(f"No such checkout.session: {session_id}", code="resource_missing")
    return dict(demo.data)


def demo_payment_intent_for_invoice(invoice_id: str) -> str:
    """The demo's payment intent of a demo invoice: derived from its id, so nothing need be stored."""
    return "pi_demo_" + invoice_id.removeprefix("in_demo_")


def demo_invoice_payment_list(invoice_id: str) -> list[dict[str, Any]]:
    """The demo's answer to the Invoice Payments API: the payment intent that paid a demo invoice."""
    if not invoice_id.startswith("in_demo_"):
        return []
    payment = fixture("invoice_payment")
    payment.update(
        id="inpay_demo_" + invoice_id.removeprefix("in_demo_"),
        invoice=invoice_id,
        currency="usd",
        livemode=False,
        is_default=True,
        status="paid",
        payment={"type": "payment_intent", "payment_intent": demo_payment_intent_for_invoice(invoice_id)},
    )
    return [payment]


def demo_refund(*, payment_intent_id: str, amount_cents: int, metadata: dict[str, str]) -> dict[str, Any]:
    refund = fixture("refund")
    refund.update(
        id="re_demo_" + secrets.token_hex(12),
        amount=amount_cents,
        charge=None,
        payment_intent=payment_intent_id,
        status="succeeded",
        metadata=metadata,
        created=int(time.time()),
    )
    return refund


def _event(event_type: str, obj: dict) -> dict:
    event = fixture("event")
    event.update(
        id="evt_demo_" + secrets.token_hex(12),
        api_version=stripe_gateway.STRIPE_API_VERSION,
        created=int(time.time()),
        livemode=False,
        pending_webhooks=1,
        request={"id": None, "idempotency_key": None},
        type=event_type,
        data={"object": obj},
    )
    return event


def _deliver(event: dict) -> tuple[int, dict]:
    payload = json.dumps(event)
    return webhooks.webhook_receive(payload=payload.encode(), signature_header=stripe_gateway.event_sign(payload))


def _invoice(session: dict, *, subscription_id: str, customer_id: str) -> dict:
    """
    The first invoice of the demo subscription, as Stripe's webhook carries it: no payment named
    (the gateway's demo Invoice Payments API answers with the payment intent derived from its id).
    """
    now = int(time.time())
    details = session.get("customer_details") or {}
    invoice = fixture("invoice")
    invoice.update(
        id="in_demo_" + secrets.token_hex(12),
        billing_reason="subscription_create",
        status="paid",
        currency=session["currency"],
        amount_due=session["amount_total"],
        amount_paid=session["amount_total"],
        amount_remaining=0,
        customer=customer_id,
        customer_email=details.get("email"),
        customer_name=details.get("name"),
        livemode=False,
        metadata={},
        parent={
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {"subscription": subscription_id, "metadata": session.get("metadata") or {}},
        },
        created=now,
    )
    invoice["status_transitions"].update(finalized_at=now, paid_at=now)
    return invoice


def demo_checkout_pay(*, session_id: str, email: str, name: str) -> list[tuple[int, dict]]:
    """Complete the demo session as paid and deliver its events; returns each delivery's outcome."""
    with transaction.atomic():
        demo = DemoCheckoutSession.objects.select_for_update().get(session_id=session_id)
        session = dict(demo.data)
        if session["status"] != "open":
            return []
        customer_id = "cus_demo_" + secrets.token_hex(8)
        details = fixture("checkout.session")["customer_details"]
        details.update(email=email, name=name)
        session.update(status="complete", payment_status="paid", customer=customer_id, customer_details=details)
        invoice = None
        if session["mode"] == "subscription":
            subscription_id = "sub_demo_" + secrets.token_hex(12)
            invoice = _invoice(session, subscription_id=subscription_id, customer_id=customer_id)
            session.update(subscription=subscription_id, invoice=invoice["id"])
        else:
            session["payment_intent"] = "pi_demo_" + secrets.token_hex(12)
        demo.data = session
        demo.save()
    results = [_deliver(_event("checkout.session.completed", session))]
    if invoice is not None:
        results.append(_deliver(_event("invoice.paid", invoice)))
    return results


def demo_checkout_session_expire(session_id: str) -> dict[str, Any]:
    """What Stripe's expire call does: an open session is expired (no event is delivered for it here)."""
    with transaction.atomic():
        demo = DemoCheckoutSession.objects.select_for_update().filter(session_id=session_id).first()
        if demo is None:
            raise stripe_gateway.PaymentNotFound(f"No such checkout.session: {session_id}", code="resource_missing")
        session = dict(demo.data)
        if session["status"] == "open":
            session.update(status="expired")
            demo.data = session
            demo.save()
    return session


def demo_checkout_decline(*, session_id: str) -> list[tuple[int, dict]]:
    """The card is declined: in Checkout the donor could try again; the demo ends the session as failed."""
    with transaction.atomic():
        demo = DemoCheckoutSession.objects.select_for_update().get(session_id=session_id)
        session = dict(demo.data)
        if session["status"] != "open":
            return []
        session.update(status="complete", payment_status="unpaid")
        demo.data = session
        demo.save()
    return [_deliver(_event("checkout.session.async_payment_failed", session))]


def demo_plan_cancel(*, plan: RecurringPlan) -> tuple[int, dict]:
    """What the Customer Portal would do: cancel the subscription, which Stripe reports by webhook."""
    subscription = fixture("subscription")
    subscription.update(
        id=plan.stripe_subscription_id,
        status="canceled",
        customer=plan.stripe_customer_id,
        canceled_at=int(time.time()),
        ended_at=int(time.time()),
        livemode=False,
        metadata={},
    )
    # The demo keeps no prices: the subscription's item (the example's) says nothing of the plan.
    subscription["items"]["data"] = []
    return _deliver(_event("customer.subscription.deleted", subscription))
