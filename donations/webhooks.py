"""
Stripe webhooks: verify, store each event once with its effects, dispatch by type.

`webhook_receive` is the whole of it, called by the view and, in demo mode, by the demo
checkout page, so demo payments go through exactly the code real ones do.
"""

import datetime
import json
import logging
from collections.abc import Callable
from typing import Any

from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from . import services, stripe_gateway
from .models import WebhookEvent
from .stripe_types import Charge, CheckoutSession, Dispute, Invoice, Refund, Subscription

log = logging.getLogger(__name__)

# Stripe's events are a few kilobytes; anything this large is not one of them.
WEBHOOK_MAX_BYTES = 256 * 1024


def _session_completed(obj: dict) -> None:
    # Inside webhook_event_handle's transaction, which rolls back whole if this raises.
    services.gift_fulfil_checkout_session(session=CheckoutSession.from_stripe(obj), savepoint=False)


def _session_async_failed(obj: dict) -> None:
    services.gift_fail_checkout_session(session=CheckoutSession.from_stripe(obj), reason="Delayed payment failed")


def _invoice_paid(obj: dict) -> None:
    services.gift_record_invoice_paid(invoice=Invoice.from_stripe(obj))


def _invoice_failed(obj: dict) -> None:
    services.plan_record_invoice_failed(invoice=Invoice.from_stripe(obj))


def _charge_refunded(obj: dict) -> None:
    services.gift_record_charge_refunded(charge=Charge.from_stripe(obj))


def _refund_changed(obj: dict) -> None:
    services.gift_record_refund(refund=Refund.from_stripe(obj))


def _dispute_changed(obj: dict) -> None:
    services.gift_record_dispute(dispute=Dispute.from_stripe(obj))


def _subscription_deleted(obj: dict) -> None:
    services.plan_record_subscription(subscription=Subscription.from_stripe(obj), deleted=True)


def _subscription_updated(obj: dict) -> None:
    services.plan_record_subscription(subscription=Subscription.from_stripe(obj))


HANDLERS: dict[str, Callable[[dict], None]] = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _session_completed,
    "checkout.session.async_payment_failed": _session_async_failed,
    "checkout.session.expired": _session_completed,
    "charge.refunded": _charge_refunded,
    "refund.created": _refund_changed,
    "refund.updated": _refund_changed,
    "refund.failed": _refund_changed,
    "charge.dispute.created": _dispute_changed,
    "charge.dispute.updated": _dispute_changed,
    "charge.dispute.closed": _dispute_changed,
    "charge.dispute.funds_withdrawn": _dispute_changed,
    "charge.dispute.funds_reinstated": _dispute_changed,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_failed,
    "customer.subscription.deleted": _subscription_deleted,
    "customer.subscription.updated": _subscription_updated,
}

# What each handled type's object must look like before a handler sees it.
_EXPECTED_OBJECT = {
    "checkout.session": ("checkout.session.",),
    "charge": ("charge.refunded",),
    "refund": ("refund.",),
    "dispute": ("charge.dispute.",),
    "invoice": ("invoice.",),
    "subscription": ("customer.subscription.",),
}


class EventMalformed(Exception):
    pass


def event_validate(event: Any) -> dict:
    """The envelope every event has; raise EventMalformed for anything else."""
    if not isinstance(event, dict):
        raise EventMalformed("The event is not a JSON object.")
    event_id, event_type = event.get("id"), event.get("type")
    if not isinstance(event_id, str) or not event_id.startswith("evt_") or len(event_id) > 255:
        raise EventMalformed("The event has no valid id.")
    if not isinstance(event_type, str) or not event_type or len(event_type) > 100:
        raise EventMalformed("The event has no type.")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise EventMalformed("The event has no data.object.")
    try:
        # What the database's JSON column cannot store (NaN, lone surrogates, NUL) is no Stripe event.
        text = json.dumps(event, allow_nan=False, ensure_ascii=False)
        text.encode("utf-8")
    except (ValueError, UnicodeEncodeError) as error:
        raise EventMalformed("The event holds values JSON or the database cannot store.") from error
    if "\x00" in text or "\\u0000" in text:
        raise EventMalformed("The event holds a NUL character.")
    if event_type in HANDLERS:
        kind = next(k for k, prefixes in _EXPECTED_OBJECT.items() if event_type.startswith(prefixes))
        if obj.get("object") != kind or not isinstance(obj.get("id"), str) or not obj.get("id"):
            raise EventMalformed(f"A {event_type} event must carry a {kind} object with an id.")
    return event


def _stripe_time(value: Any) -> datetime.datetime | None:
    return datetime.datetime.fromtimestamp(value, tz=datetime.UTC) if isinstance(value, int) else None


def webhook_event_handle(*, event: dict) -> str:
    """
    Apply one (verified, validated) event exactly once. The event's row and its effects commit
    together; a repeated delivery finds the row and changes nothing. Returns the outcome
    ("processed", "ignored", "duplicate"); raises whatever the handler raised (nothing committed).
    """
    event_id, event_type = event["id"], event["type"]
    done = (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED)
    if WebhookEvent.objects.filter(stripe_event_id=event_id, status__in=done).exists():
        return "duplicate"  # the common redelivery, answered without a write
    handler = HANDLERS.get(event_type)
    status = WebhookEvent.Status.PROCESSED if handler else WebhookEvent.Status.IGNORED
    # A first delivery inserts its row straight away (no read first, no savepoint): the unique
    # event id makes a concurrent delivery of the same event wait here, then fail, and go the
    # slower way below. Only an IntegrityError from this insert means "seen before".
    inserted = False
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(
                stripe_event_id=event_id,
                type=event_type,
                status=status,
                payload=event,
                livemode=bool(event.get("livemode")),
                stripe_created_at=_stripe_time(event.get("created")),
                attempts=1,
                processed_at=timezone.now(),
            )
            inserted = True
            if handler:
                handler(event["data"]["object"])
        return status
    except IntegrityError:
        if inserted:
            raise
    with transaction.atomic():
        # Another delivery of this event: wait for it (row lock), and apply it only if the
        # earlier attempt failed.
        row = WebhookEvent.objects.select_for_update().get(stripe_event_id=event_id)
        if row.status in done:
            return "duplicate"
        row.status, row.error, row.processed_at = status, "", timezone.now()
        row.attempts += 1
        row.save(update_fields=["status", "error", "processed_at", "attempts", "updated_at"])
        if handler:
            handler(event["data"]["object"])
    return status


def webhook_event_record_failure(*, event: dict, error: BaseException) -> None:
    """Keep a failed event, with its error, for replay; never overwrite one that has since succeeded."""
    message = f"{type(error).__name__}: {error}"[:5000]
    with transaction.atomic():
        updated = (
            WebhookEvent.objects.filter(stripe_event_id=event["id"], status=WebhookEvent.Status.FAILED)
            .select_for_update()
            .first()
        )
        if updated is not None:
            updated.error = message
            updated.attempts += 1
            updated.save(update_fields=["error", "attempts", "updated_at"])
            return
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(
                    stripe_event_id=event["id"],
                    type=event["type"],
                    status=WebhookEvent.Status.FAILED,
                    payload=event,
                    error=message,
                    attempts=1,
                    livemode=bool(event.get("livemode")),
                    stripe_created_at=_stripe_time(event.get("created")),
                )
        except IntegrityError:
            pass  # a concurrent delivery has since recorded (or processed) it


def webhook_receive(*, payload: bytes, signature_header: str | None) -> tuple[int, dict]:
    """(HTTP status, JSON body) for one delivery. 400: not a genuine event; 500: Stripe should retry."""
    if len(payload) > WEBHOOK_MAX_BYTES:
        return 413, {"error": "Body too large."}
    try:
        event = stripe_gateway.event_construct(payload=payload, signature_header=signature_header)
    except stripe_gateway.WebhookSignatureInvalid as error:
        log.warning("Stripe webhook refused: %s", error)
        return 400, {"error": "Invalid signature or body."}
    try:
        event_validate(event)
    except EventMalformed as error:
        log.warning("Stripe webhook malformed: %s", error)
        return 400, {"error": str(error)}
    try:
        outcome = webhook_event_handle(event=event)
    except services.EventRejected as error:
        log.error("Stripe event %s rejected: %s", event["id"], error)
        webhook_event_record_failure(event=event, error=error)
        return 400, {"error": "Event could not be applied."}
    except (TypeError, AttributeError, KeyError, ValueError, OverflowError, DataError) as error:
        # Signed, but not shaped as Stripe documents it (a list where an object belongs, a
        # string for an amount, a number beyond any column): the same bytes would fail on every
        # retry, so 400, and the event is kept, failed, for replay_webhook_events.
        log.error("Stripe event %s (%s) not applicable as sent: %s", event["id"], event["type"], type(error).__name__)
        webhook_event_record_failure(event=event, error=error)
        return 400, {"error": "Event could not be applied."}
    except services.EventDeferred as error:
        # Out of order: what it refers to is not recorded yet. Stripe retries on a 5xx.
        log.warning("Stripe event %s (%s) deferred: %s", event["id"], event["type"], error)
        webhook_event_record_failure(event=event, error=error)
        return 500, {"error": "Event refers to something not recorded yet; it will be retried."}
    except Exception as error:
        # A real fault: recorded for replay, and Stripe retries on a 5xx.
        log.exception("Stripe event %s (%s) failed", event["id"], event["type"])
        webhook_event_record_failure(event=event, error=error)
        return 500, {"error": "Event not processed; it will be retried."}
    return 200, {"received": True, "outcome": outcome}


def webhook_event_replay(*, row: WebhookEvent) -> str:
    """Reprocess a stored event (manage.py replay_webhook_events)."""
    event = row.payload if isinstance(row.payload, dict) else json.loads(row.payload)
    try:
        return webhook_event_handle(event=event_validate(event))
    except Exception as error:
        webhook_event_record_failure(event=event, error=error)
        raise
