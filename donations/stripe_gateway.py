"""
The one module that talks to Stripe (and the only one that imports `stripe`).

Small typed functions over stripe-python's StripeClient; each returns plain dicts (Stripe's JSON
shape) so that the rest of the site never handles stripe objects, and each maps Stripe's errors
to the small hierarchy below, which views catch at one level.

With demo payments on (settings.DEMO_PAYMENTS: no Stripe key, never in production), the calls a
donor's journey needs are answered locally, in Stripe's shape, and nothing leaves the machine.
"""

from __future__ import annotations

import functools
import secrets
import time
from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# A donor is waiting on the other side of these calls: fail fast, and let stripe-python retry
# network errors and 409/5xx answers (safe, as every POST carries an idempotency key).
CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 20
MAX_NETWORK_RETRIES = 2
# Stripe signs each delivery with its time; older deliveries are refused (replay protection).
WEBHOOK_TOLERANCE_SECONDS = 300

_http_client: stripe.HTTPClient | None = None


class PaymentError(Exception):
    """Anything that went wrong talking to Stripe. `user_message` is safe to show a donor."""

    user_message = _("We could not reach our payment processor. No payment was taken; please try again.")

    def __init__(self, message: str = "", *, code: str = ""):
        super().__init__(message)
        self.code = code


class PaymentDeclined(PaymentError):
    user_message = _("The payment was declined. No payment was taken.")


class PaymentGatewayError(PaymentError):
    """Stripe was unreachable, timed out, rate-limited us or answered with an error."""


class PaymentNotFound(PaymentGatewayError):
    """Stripe does not know the object (for instance a guessed Checkout Session id)."""


class PaymentConfigurationError(PaymentError):
    """Our keys or our request are wrong: an operator must act, retrying will not help."""

    user_message = _("Online giving is unavailable right now. No payment was taken; please try again later.")


class WebhookSignatureInvalid(Exception):
    """The webhook body is not a genuine, recent Stripe event (signature, timestamp or JSON)."""


def use_http_client(http_client: stripe.HTTPClient | None) -> None:
    """Route every Stripe call through `http_client` (tests pass the fake); None restores the default."""
    global _http_client
    _http_client = http_client


@functools.cache
def _default_http_client() -> stripe.HTTPClient:
    # One per process: it keeps a requests session (connection pool) per thread.
    return stripe.RequestsClient(timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS))


def _client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise PaymentConfigurationError("STRIPE_SECRET_KEY is not set (demo payments handle this call locally).")
    http_client = _http_client or _default_http_client()
    base_addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        api_key=settings.STRIPE_SECRET_KEY,
        base_addresses=base_addresses,
        max_network_retries=MAX_NETWORK_RETRIES,
        http_client=http_client,
    )


def _map_error(error: stripe.StripeError) -> PaymentError:
    code = getattr(error, "code", "") or ""
    message = getattr(error, "user_message", None) or str(error)
    if isinstance(error, stripe.CardError):
        return PaymentDeclined(message, code=code)
    if isinstance(error, (stripe.AuthenticationError, stripe.PermissionError)):
        return PaymentConfigurationError(message, code=code)
    if isinstance(error, stripe.InvalidRequestError):
        if code == "resource_missing" or error.http_status == 404:
            return PaymentNotFound(message, code=code)
        return PaymentConfigurationError(message, code=code)
    return PaymentGatewayError(message, code=code)


def _call(method, *args, **kwargs) -> dict[str, Any]:
    try:
        result = method(*args, **kwargs)
    except stripe.StripeError as error:
        raise _map_error(error) from error
    return result.to_dict(for_json=True)


# --- Idempotency keys --------------------------------------------------------------------------


def checkout_idempotency_key(gift_id: int) -> str:
    return f"gift-{gift_id}-checkout"


def refund_idempotency_key(gift_id: int, number: int) -> str:
    return f"gift-{gift_id}-refund-{number}"


# --- Checkout ----------------------------------------------------------------------------------


def checkout_session_create(*, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
    """POST /v1/checkout/sessions. The same key always yields the same session: never two charges."""
    if settings.DEMO_PAYMENTS:
        from . import demo  # its rows are written there, not here

        return demo.demo_checkout_session_create(params)
    client = _client()
    return _call(client.v1.checkout.sessions.create, params, {"idempotency_key": idempotency_key})


def checkout_session_retrieve(session_id: str) -> dict[str, Any]:
    """GET /v1/checkout/sessions/:id"""
    if settings.DEMO_PAYMENTS:
        from . import demo

        return demo.demo_checkout_session_retrieve(session_id)
    return _call(_client().v1.checkout.sessions.retrieve, session_id)


def checkout_session_list(*, created_gte: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """GET /v1/checkout/sessions, every page (for reconciliation)."""
    if settings.DEMO_PAYMENTS:
        return []
    params: dict[str, Any] = {"limit": limit}
    if created_gte is not None:
        params["created"] = {"gte": created_gte}
    return _list_all(_client().v1.checkout.sessions.list, params)


def subscription_retrieve(subscription_id: str) -> dict[str, Any]:
    """GET /v1/subscriptions/:id"""
    if settings.DEMO_PAYMENTS:
        raise PaymentNotFound("Demo payments have no subscriptions at Stripe.")
    return _call(_client().v1.subscriptions.retrieve, subscription_id)


def subscription_list(*, status: str = "all", limit: int = 100) -> list[dict[str, Any]]:
    """GET /v1/subscriptions, every page (for reconciliation)."""
    if settings.DEMO_PAYMENTS:
        return []
    return _list_all(_client().v1.subscriptions.list, {"status": status, "limit": limit})


def invoice_list(*, created_gte: int, status: str = "paid", limit: int = 100) -> list[dict[str, Any]]:
    """GET /v1/invoices, every page (for reconciliation: the months whose invoice.paid was lost)."""
    if settings.DEMO_PAYMENTS:
        return []
    params = {"status": status, "created": {"gte": created_gte}, "limit": limit}
    return _list_all(_client().v1.invoices.list, params)


def _list_all(method, params: dict[str, Any]) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    params = dict(params)
    while True:
        page = _call(method, params)
        objects.extend(page.get("data") or [])
        if not page.get("has_more") or not page.get("data"):
            return objects
        params["starting_after"] = page["data"][-1]["id"]


def billing_portal_session_create(*, customer_id: str, return_url: str) -> dict[str, Any]:
    """POST /v1/billing_portal/sessions: a short-lived link where a donor manages their plan."""
    if settings.DEMO_PAYMENTS:
        raise PaymentConfigurationError("Demo payments have no Customer Portal; the site shows its own page.")
    client = _client()
    return _call(client.v1.billing_portal.sessions.create, {"customer": customer_id, "return_url": return_url})


def refund_create(
    *, payment_intent_id: str, amount_cents: int, reason: str, metadata: dict[str, str], idempotency_key: str
) -> dict[str, Any]:
    """POST /v1/refunds"""
    if settings.DEMO_PAYMENTS:
        return {
            "id": "re_demo_" + secrets.token_hex(12),
            "object": "refund",
            "amount": amount_cents,
            "payment_intent": payment_intent_id,
            "status": "succeeded",
            "metadata": metadata,
        }
    params = {"payment_intent": payment_intent_id, "amount": amount_cents, "metadata": metadata}
    if reason:
        params["reason"] = reason
    return _call(_client().v1.refunds.create, params, {"idempotency_key": idempotency_key})


# --- Webhooks ----------------------------------------------------------------------------------


def event_construct(*, payload: bytes, signature_header: str | None) -> dict[str, Any]:
    """
    Verify a webhook delivery on its raw bytes (signature and timestamp) and only then parse it.
    Raises WebhookSignatureInvalid for anything that is not a genuine, recent, JSON Stripe event.
    """
    if not signature_header:
        raise WebhookSignatureInvalid("No Stripe-Signature header.")
    try:
        event = stripe.Webhook.construct_event(
            payload, signature_header, settings.STRIPE_WEBHOOK_SECRET, tolerance=WEBHOOK_TOLERANCE_SECONDS
        )
    except stripe.SignatureVerificationError as error:
        raise WebhookSignatureInvalid(str(error)) from error
    except (ValueError, UnicodeDecodeError) as error:  # signed, but not JSON (or not UTF-8)
        raise WebhookSignatureInvalid(f"Body is not JSON: {error}") from error
    except RecursionError as error:  # JSON nested deeper than the parser goes ([[[[…]]]])
        raise WebhookSignatureInvalid("Body is nested too deeply to be a Stripe event.") from error
    except (AttributeError, TypeError) as error:  # signed JSON, but not an object ("a string", [])
        raise WebhookSignatureInvalid("Body is not a JSON object.") from error
    data = event.to_dict(for_json=True)
    if not isinstance(data, dict):
        raise WebhookSignatureInvalid("Body is not a JSON object.")
    return data


def event_sign(payload: str, *, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for `payload` under our webhook secret (demo payments only)."""
    return stripe.WebhookSignature.generate_signature_header(
        payload, settings.STRIPE_WEBHOOK_SECRET, timestamp=timestamp or int(time.time())
    )


# --- Demo payments -----------------------------------------------------------------------------


# --- Reading Stripe's objects: their field names and API-version quirks, in this file only ----------


def invoice_subscription(invoice: dict) -> tuple[str, dict]:
    """(subscription id, subscription metadata) from an invoice, in the current and older API shapes."""
    details = ((invoice.get("parent") or {}).get("subscription_details")) or {}
    subscription = details.get("subscription") or invoice.get("subscription") or ""
    if isinstance(subscription, dict):
        subscription = subscription.get("id", "")
    metadata = details.get("metadata") or (invoice.get("subscription_details") or {}).get("metadata") or {}
    return (subscription if isinstance(subscription, str) else ""), metadata


def invoice_payment_intent(invoice: dict) -> str:
    """The payment intent that paid an invoice, in the current and older API shapes ('' if none)."""
    for payment in ((invoice.get("payments") or {}).get("data")) or []:
        intent = (payment.get("payment") or {}).get("payment_intent")
        if isinstance(intent, str) and intent:
            return intent
    intent = invoice.get("payment_intent")
    return intent if isinstance(intent, str) else ""


def object_id(value: Any) -> str:
    """An expandable field's id: Stripe sends either the id or the expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""
