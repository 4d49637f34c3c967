"""
The one module that talks to Stripe (and the only one that imports `stripe`).

Small typed functions over stripe-python's StripeClient; each returns the site's own small types
(donations/stripe_types.py: CheckoutSession, Invoice, Charge, …), built from Stripe's JSON in one
place, so that the rest of the site never handles a Stripe object or dict; and each maps Stripe's
errors to the small hierarchy below, which views catch at one level. The webhook's objects are
read with the same types (stripe_types.*.from_stripe).

Every request names one API version (STRIPE_API_VERSION), the one whose shapes the code reads;
the webhook endpoint must be created with the same version (README, "Stripe set-up"). Every
request's parameters are typed with stripe-python's generated `*Params` TypedDicts, and mypy
checks this module in `make test` (tests/test_typecheck.py): a misspelt or removed parameter
fails the build.

With demo payments on (settings.DEMO_PAYMENTS: no Stripe key, never in production), the calls a
donor's journey needs are answered locally, in Stripe's shape, and nothing leaves the machine.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .stripe_types import (
    Charge,
    CheckoutSession,
    Invoice,
    InvoicePayment,
    PortalSession,
    Refund,
    Subscription,
    SubscriptionSchedule,
)

if TYPE_CHECKING:
    from stripe._base_address import BaseAddresses
    from stripe.params import (
        ChargeRetrieveParams,
        InvoiceListParams,
        InvoicePaymentListParams,
        RefundCreateParams,
        SubscriptionListParams,
        SubscriptionScheduleCreateParams,
        SubscriptionScheduleUpdateParams,
    )
    from stripe.params.billing_portal import SessionCreateParams as PortalSessionCreateParams
    from stripe.params.checkout import (
        SessionCreateParams,
        SessionCreateParamsLineItemPriceData,
        SessionCreateParamsLineItemPriceDataProductData,
        SessionListParams,
    )

# The API version every request names (stripe-python 16.1.0's own, set explicitly so that an
# upgrade of the library cannot change the shapes the site reads without a change here).
STRIPE_API_VERSION = "2026-10-28.endive"

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
    base_addresses: BaseAddresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else {}
    return stripe.StripeClient(
        api_key=settings.STRIPE_SECRET_KEY,
        base_addresses=base_addresses,
        max_network_retries=MAX_NETWORK_RETRIES,
        http_client=http_client,
        stripe_version=STRIPE_API_VERSION,
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


def _call(method: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
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


def pledge_schedule_idempotency_key(pledge_id: int, step: str) -> str:
    return f"pledge-{pledge_id}-schedule-{step}"


# --- Checkout ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckoutRequest:
    """
    What the site asks Stripe Checkout for: one line, always the server's amount, in cents.
    `recurring`: a subscription billed every `interval_count` `interval`s (month ×1, month ×3, year ×1).
    """

    recurring: bool
    amount_cents: int
    currency: str
    name: str
    description: str
    client_reference_id: str
    metadata: dict[str, str]
    locale: Literal["en", "es", "auto"]
    success_url: str
    cancel_url: str
    customer_email: str = ""
    interval: Literal["month", "year"] = "month"
    interval_count: int = 1
    # Ask Checkout for a recovery link when the session expires unpaid (after_expiration.recovery.url).
    recovery: bool = False
    # When the session expires unpaid (Unix time, 30 minutes to 24 hours ahead); None: Stripe's 24 hours.
    expires_at: int | None = None


def checkout_session_params(request: CheckoutRequest) -> SessionCreateParams:
    product_data: SessionCreateParamsLineItemPriceDataProductData = {"name": request.name}
    if request.description:
        product_data["description"] = request.description
    price_data: SessionCreateParamsLineItemPriceData = {
        "currency": request.currency,
        "unit_amount": request.amount_cents,
        "product_data": product_data,
    }
    params: SessionCreateParams = {
        "mode": "payment",
        "submit_type": "donate",
        "line_items": [{"quantity": 1, "price_data": price_data}],
        "client_reference_id": request.client_reference_id,
        "metadata": request.metadata,
        "locale": request.locale,
        "success_url": request.success_url,
        "cancel_url": request.cancel_url,
        # The mailing address a thank-you letter and a year-end statement need (Checkout asks for it).
        "billing_address_collection": "required",
    }
    if request.recurring:
        params["mode"] = "subscription"
        price_data["recurring"] = {"interval": request.interval}
        if request.interval_count != 1:
            price_data["recurring"]["interval_count"] = request.interval_count
        # Every invoice of the subscription carries these, so each month finds its plan and gift.
        params["subscription_data"] = {"metadata": request.metadata}
    else:
        params["customer_creation"] = "always"
        params["payment_intent_data"] = {"metadata": request.metadata}
    if request.customer_email:
        params["customer_email"] = request.customer_email
    if request.recovery:
        params["after_expiration"] = {"recovery": {"enabled": True}}
    if request.expires_at is not None:
        params["expires_at"] = request.expires_at
    return params


def checkout_session_create(*, request: CheckoutRequest, idempotency_key: str) -> CheckoutSession:
    """POST /v1/checkout/sessions. The same key always yields the same session: never two charges."""
    params = checkout_session_params(request)
    if settings.DEMO_PAYMENTS:
        from . import demo  # its rows are written there, not here

        return CheckoutSession.from_stripe(demo.demo_checkout_session_create(params))
    return CheckoutSession.from_stripe(
        _call(_client().v1.checkout.sessions.create, params, {"idempotency_key": idempotency_key})
    )


def checkout_session_retrieve(session_id: str) -> CheckoutSession:
    """GET /v1/checkout/sessions/:id"""
    if settings.DEMO_PAYMENTS:
        from . import demo

        return CheckoutSession.from_stripe(demo.demo_checkout_session_retrieve(session_id))
    return CheckoutSession.from_stripe(_call(_client().v1.checkout.sessions.retrieve, session_id))


def checkout_session_expire(session_id: str) -> CheckoutSession:
    """POST /v1/checkout/sessions/:id/expire: an open session can no longer be paid (the donor left it)."""
    if settings.DEMO_PAYMENTS:
        from . import demo

        return CheckoutSession.from_stripe(demo.demo_checkout_session_expire(session_id))
    return CheckoutSession.from_stripe(_call(_client().v1.checkout.sessions.expire, session_id))


def checkout_session_list(*, created_gte: int | None = None, limit: int = 100) -> list[CheckoutSession]:
    """GET /v1/checkout/sessions, every page (for reconciliation)."""
    if settings.DEMO_PAYMENTS:
        return []
    client = _client()

    def page(after: str | None) -> Any:
        params: SessionListParams = {"limit": limit}
        if created_gte is not None:
            params["created"] = {"gte": created_gte}
        if after:
            params["starting_after"] = after
        return client.v1.checkout.sessions.list(params)

    return [CheckoutSession.from_stripe(obj) for obj in _list_all(page)]


def subscription_retrieve(subscription_id: str) -> Subscription:
    """GET /v1/subscriptions/:id"""
    if settings.DEMO_PAYMENTS:
        raise PaymentNotFound("Demo payments have no subscriptions at Stripe.")
    return Subscription.from_stripe(_call(_client().v1.subscriptions.retrieve, subscription_id))


def subscription_end_after(
    *, subscription_id: str, interval: Literal["month", "year"], interval_count: int, pledge_id: int
) -> str:
    """
    Make a Checkout-created subscription end by itself after its last instalment; returns the
    subscription schedule's id. Checkout's `subscription_data` takes no end date, so, as Stripe's
    "Subscription schedules" guide and its installment-plan use case describe
    (https://docs.stripe.com/billing/subscriptions/subscription-schedules, "Add a schedule to an
    existing subscription" and `end_behavior`): POST /v1/subscription_schedules with
    `from_subscription` (one phase, the current period), then POST /v1/subscription_schedules/:id
    with that phase lasting the whole pledge (`duration`, counted from the phase's start: the
    first instalment) and `end_behavior=cancel`. Stripe then bills exactly the pledge's periods
    and cancels the subscription itself (customer.subscription.deleted). Both calls carry keys
    derived from the pledge, so a retried task cannot make a second schedule.
    """
    if settings.DEMO_PAYMENTS:
        return ""  # demo payments bill no later instalments: nothing to end
    create: SubscriptionScheduleCreateParams = {"from_subscription": subscription_id}
    client = _client()
    schedule = SubscriptionSchedule.from_stripe(
        _call(
            client.v1.subscription_schedules.create,
            create,
            {"idempotency_key": pledge_schedule_idempotency_key(pledge_id, "create")},
        )
    )
    if schedule.first_phase_start is None or not schedule.first_phase_items:
        raise PaymentGatewayError(f"Subscription schedule {schedule.id} came back without its first phase.")
    update: SubscriptionScheduleUpdateParams = {
        "end_behavior": "cancel",
        "proration_behavior": "none",
        "phases": [
            {
                "items": [{"price": item.price_id, "quantity": item.quantity} for item in schedule.first_phase_items],
                "start_date": schedule.first_phase_start,
                "duration": {"interval": interval, "interval_count": interval_count},
            }
        ],
    }
    _call(
        client.v1.subscription_schedules.update,
        schedule.id,
        update,
        {"idempotency_key": pledge_schedule_idempotency_key(pledge_id, "end")},
    )
    return schedule.id


def _subscription_update(subscription_id: str, params: dict[str, Any]) -> Subscription:
    return Subscription.from_stripe(_call(_client().v1.subscriptions.update, subscription_id, params))


def subscription_change_price(
    *,
    subscription_id: str,
    unit_amount: int,
    currency: str,
    interval: Literal["month", "year"],
    interval_count: int,
    new_interval: bool,
) -> Subscription:
    """
    Charge `unit_amount` every `interval_count` `interval`s from the next invoice on: POST
    /v1/subscriptions/:id with the one item's new `price_data` (its product kept) and
    `proration_behavior=none` (https://docs.stripe.com/api/subscriptions/update): nothing is
    charged or credited for the period already paid. A new interval would reset the billing date
    and charge at once, so then `trial_end` is the end of the period already paid: the first
    charge at the new frequency comes when the old one would have.
    """
    if settings.DEMO_PAYMENTS:
        return Subscription(id=subscription_id)  # demo payments: the change is the site's alone
    current = subscription_retrieve(subscription_id)
    if len(current.items) != 1 or not current.items[0].id or not current.items[0].product_id:
        raise PaymentGatewayError(f"Subscription {subscription_id} has not exactly one priced item.")
    [item] = current.items
    params: dict[str, Any] = {
        "items": [
            {
                "id": item.id,
                "price_data": {
                    "currency": currency,
                    "product": item.product_id,
                    "unit_amount": unit_amount,
                    "recurring": {"interval": interval, "interval_count": interval_count},
                },
            }
        ],
        "proration_behavior": "none",
    }
    if new_interval and item.current_period_end and item.current_period_end > int(time.time()):
        params["trial_end"] = item.current_period_end
    return _subscription_update(subscription_id, params)


def subscription_pause(*, subscription_id: str, resumes_at: int) -> Subscription:
    """Collect nothing until `resumes_at`: `pause_collection` with `behavior=void` (invoices meanwhile are voided)."""
    if settings.DEMO_PAYMENTS:
        return Subscription(id=subscription_id)  # demo payments: the change is the site's alone
    return _subscription_update(subscription_id, {"pause_collection": {"behavior": "void", "resumes_at": resumes_at}})


def subscription_resume(*, subscription_id: str) -> Subscription:
    """Collect again from the next invoice: `pause_collection` set to "" (unset)."""
    if settings.DEMO_PAYMENTS:
        return Subscription(id=subscription_id)  # demo payments: the change is the site's alone
    return _subscription_update(subscription_id, {"pause_collection": ""})


def subscription_cancel(*, subscription_id: str) -> Subscription:
    """DELETE /v1/subscriptions/:id: cancelled at once, nothing more is charged."""
    if settings.DEMO_PAYMENTS:
        return Subscription(id=subscription_id)  # demo payments: the change is the site's alone
    return Subscription.from_stripe(_call(_client().v1.subscriptions.cancel, subscription_id))


SubscriptionStatusFilter = Literal[
    "active", "all", "canceled", "ended", "incomplete", "incomplete_expired", "past_due", "paused", "trialing", "unpaid"
]


def subscription_list(*, status: SubscriptionStatusFilter = "all", limit: int = 100) -> list[Subscription]:
    """GET /v1/subscriptions, every page (for reconciliation)."""
    if settings.DEMO_PAYMENTS:
        return []
    client = _client()

    def page(after: str | None) -> Any:
        params: SubscriptionListParams = {"status": status, "limit": limit}
        if after:
            params["starting_after"] = after
        return client.v1.subscriptions.list(params)

    return [Subscription.from_stripe(obj) for obj in _list_all(page)]


def invoice_list(
    *, created_gte: int, status: Literal["draft", "open", "paid", "uncollectible", "void"] = "paid", limit: int = 100
) -> list[Invoice]:
    """GET /v1/invoices, every page (for reconciliation: the months whose invoice.paid was lost)."""
    if settings.DEMO_PAYMENTS:
        return []
    client = _client()

    def page(after: str | None) -> Any:
        params: InvoiceListParams = {"status": status, "created": {"gte": created_gte}, "limit": limit}
        if after:
            params["starting_after"] = after
        return client.v1.invoices.list(params)

    return [Invoice.from_stripe(obj) for obj in _list_all(page)]


def invoice_payment_list(*, invoice_id: str, limit: int = 100) -> list[InvoicePayment]:
    """
    GET /v1/invoice_payments?invoice=…, every page: how an invoice was paid. Since 2025-03-31 an
    invoice names no payment intent or charge, and webhooks never expand `payments`: this is the
    only link from a month of a plan to the payment that refunds and disputes name.
    """
    if settings.DEMO_PAYMENTS:
        from . import demo

        return [InvoicePayment.from_stripe(obj) for obj in demo.demo_invoice_payment_list(invoice_id)]
    client = _client()

    def page(after: str | None) -> Any:
        params: InvoicePaymentListParams = {"invoice": invoice_id, "limit": limit}
        if after:
            params["starting_after"] = after
        return client.v1.invoice_payments.list(params)

    return [InvoicePayment.from_stripe(obj) for obj in _list_all(page)]


def invoice_payment_intent(*, invoice_id: str) -> str:
    """The payment intent that paid the invoice ("" if none did: a $0 invoice, or not paid)."""
    for payment in invoice_payment_list(invoice_id=invoice_id):
        if payment.status == "paid" and payment.payment_intent_id:
            return payment.payment_intent_id
    return ""


def invoice_for_payment_intent(*, payment_intent_id: str) -> str:
    """
    GET /v1/invoice_payments?payment[type]=payment_intent&payment[payment_intent]=…: the invoice
    a payment paid ("" if it paid none). A charge, refund or dispute names no invoice.
    """
    if settings.DEMO_PAYMENTS:
        return ""
    params: InvoicePaymentListParams = {
        "payment": {"type": "payment_intent", "payment_intent": payment_intent_id},
        "limit": 1,
    }
    page = _call(_client().v1.invoice_payments.list, params)
    for payment in page.get("data") or []:
        invoice_id = InvoicePayment.from_stripe(payment).invoice_id
        if invoice_id:
            return invoice_id
    return ""


def charge_retrieve(charge_id: str) -> Charge:
    """GET /v1/charges/:id: a charge as it is now (what has been refunded of it, in all)."""
    if settings.DEMO_PAYMENTS:
        raise PaymentNotFound("Demo payments have no charges at Stripe.")
    params: ChargeRetrieveParams = {}
    return Charge.from_stripe(_call(_client().v1.charges.retrieve, charge_id, params))


def _list_all(page: Callable[[str | None], Any]) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        result = _call(page, after)
        objects.extend(result.get("data") or [])
        if not result.get("has_more") or not result.get("data"):
            return objects
        after = result["data"][-1]["id"]


def billing_portal_session_create(*, customer_id: str, return_url: str) -> PortalSession:
    """POST /v1/billing_portal/sessions: a short-lived link where a donor manages their plan."""
    if settings.DEMO_PAYMENTS:
        raise PaymentConfigurationError("Demo payments have no Customer Portal; the site shows its own page.")
    params: PortalSessionCreateParams = {"customer": customer_id, "return_url": return_url}
    return PortalSession.from_stripe(_call(_client().v1.billing_portal.sessions.create, params))


RefundReason = Literal["duplicate", "fraudulent", "requested_by_customer"]
REFUND_REASONS: tuple[RefundReason, ...] = ("duplicate", "fraudulent", "requested_by_customer")


def refund_create(
    *,
    payment_intent_id: str,
    amount_cents: int,
    reason: RefundReason | None,
    metadata: dict[str, str],
    idempotency_key: str,
) -> Refund:
    """POST /v1/refunds"""
    if settings.DEMO_PAYMENTS:
        from . import demo

        return Refund.from_stripe(
            demo.demo_refund(payment_intent_id=payment_intent_id, amount_cents=amount_cents, metadata=metadata)
        )
    params: RefundCreateParams = {"payment_intent": payment_intent_id, "amount": amount_cents, "metadata": metadata}
    if reason:
        params["reason"] = reason
    return Refund.from_stripe(_call(_client().v1.refunds.create, params, {"idempotency_key": idempotency_key}))


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
