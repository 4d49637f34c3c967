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

# --- The demo's Checkout Sessions (stripe_gateway hands these calls here when demo payments are on) --


def demo_checkout_session_create(params: dict[str, Any]) -> dict[str, Any]:
    session_id = "cs_test_demo" + secrets.token_hex(16)
    line = params["line_items"][0]
    amount = int(line["price_data"]["unit_amount"]) * int(line.get("quantity", 1))
    session = {
        "id": session_id,
        "object": "checkout.session",
        "mode": params["mode"],
        "submit_type": params.get("submit_type"),
        "status": "open",
        "payment_status": "unpaid",
        "amount_total": amount,
        "amount_subtotal": amount,
        "currency": line["price_data"]["currency"],
        "client_reference_id": params.get("client_reference_id"),
        "metadata": params.get("metadata") or {},
        "customer": None,
        "customer_email": params.get("customer_email"),
        "customer_details": None,
        "payment_intent": None,
        "subscription": None,
        "invoice": None,
        "livemode": False,
        "created": int(time.time()),
        "expires_at": int(time.time()) + 24 * 3600,
        "success_url": params["success_url"],
        "cancel_url": params["cancel_url"],
        "subscription_data": params.get("subscription_data") or {},
        # Relative: the demo page is on this site, whatever host the donor reached it by.
        "url": reverse("donations:demo_checkout", kwargs={"session_id": session_id}),
    }
    DemoCheckoutSession.objects.create(session_id=session_id, data=session)
    return session


def demo_checkout_session_retrieve(session_id: str) -> dict[str, Any]:
    demo = DemoCheckoutSession.objects.filter(session_id=session_id).first()
    if demo is None:
        raise stripe_gateway.PaymentNotFound(f"No such checkout.session: {session_id}", code="resource_missing")
    return dict(demo.data)


def _event(event_type: str, obj: dict) -> dict:
    return {
        "id": "evt_demo_" + secrets.token_hex(12),
        "object": "event",
        "api_version": "2025-09-30.clover",
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
        "data": {"object": obj},
    }


def _deliver(event: dict) -> tuple[int, dict]:
    payload = json.dumps(event)
    return webhooks.webhook_receive(payload=payload.encode(), signature_header=stripe_gateway.event_sign(payload))


def _invoice(session: dict, *, subscription_id: str, customer_id: str) -> dict:
    return {
        "id": "in_demo_" + secrets.token_hex(12),
        "object": "invoice",
        "billing_reason": "subscription_create",
        "status": "paid",
        "currency": session["currency"],
        "amount_due": session["amount_total"],
        "amount_paid": session["amount_total"],
        "customer": customer_id,
        "customer_email": (session.get("customer_details") or {}).get("email"),
        "customer_name": (session.get("customer_details") or {}).get("name"),
        "parent": {
            "type": "subscription_details",
            "subscription_details": {
                "subscription": subscription_id,
                "metadata": (session.get("subscription_data") or {}).get("metadata") or session.get("metadata") or {},
            },
        },
        "payments": {
            "object": "list",
            "data": [{"payment": {"type": "payment_intent", "payment_intent": "pi_demo_" + secrets.token_hex(12)}}],
        },
        "created": int(time.time()),
    }


def demo_checkout_pay(*, session_id: str, email: str, name: str) -> list[tuple[int, dict]]:
    """Complete the demo session as paid and deliver its events; returns each delivery's outcome."""
    with transaction.atomic():
        demo = DemoCheckoutSession.objects.select_for_update().get(session_id=session_id)
        session = dict(demo.data)
        if session["status"] != "open":
            return []
        customer_id = "cus_demo_" + secrets.token_hex(8)
        session.update(
            status="complete",
            payment_status="paid",
            customer=customer_id,
            customer_details={"email": email, "name": name},
        )
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
    subscription = {
        "id": plan.stripe_subscription_id,
        "object": "subscription",
        "status": "canceled",
        "customer": plan.stripe_customer_id,
        "canceled_at": int(time.time()),
        "ended_at": int(time.time()),
    }
    return _deliver(_event("customer.subscription.deleted", subscription))
