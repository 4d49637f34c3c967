"""
The site's own small types for what Stripe sends, each built in one place from Stripe's JSON
(a webhook event's object or an API response), so that Stripe's field names and API-version
quirks live here and in stripe_gateway.py only. The rest of the site reads these attributes and
never indexes a Stripe dict (tests/donations/test_stripe_types.py checks donations/services/).

The readers are as forgiving as the code that read the dicts before them: an absent or null
field becomes "" / None / {}, and a string where an id belongs is kept. A field of the wrong JSON
type that the site cannot read around (metadata that is a list, an email that is a number) raises
StripeObjectMalformed, a ValueError: the webhook answers 400 and keeps the event for replay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class StripeObjectMalformed(ValueError):
    """A signed Stripe object with a field of a type Stripe never sends there."""


def object_id(value: Any) -> str:
    """An expandable field's id: Stripe sends either the id or the expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def _str(value: Any) -> str:
    """A string field, "" when absent or not a string (an enum compared for equality, an id)."""
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    """An integer field (amounts in cents, Unix times); None when absent or not a JSON integer."""
    return value if type(value) is int else None


def _text(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if not value:
        return ""
    if not isinstance(value, str):
        raise StripeObjectMalformed(f"{obj.get('object')} field {key} is {type(value).__name__}, not a string")
    return value


def _dict(obj: dict[str, Any], key: str) -> dict[str, Any]:
    value = obj.get(key)
    if not value:
        return {}
    if not isinstance(value, dict):
        raise StripeObjectMalformed(f"{obj.get('object')} field {key} is {type(value).__name__}, not an object")
    return value


def _metadata(obj: dict[str, Any]) -> dict[str, str]:
    return _dict(obj, "metadata")


@dataclass(frozen=True)
class Payer:
    """Who paid, as Checkout or an invoice names them (Checkout's customer_details, else the top level)."""

    email: str = ""
    name: str = ""
    customer_id: str = ""
    address: str = ""  # the billing address Checkout collected, as the lines of an envelope

    @classmethod
    def from_stripe(cls, obj: dict[str, Any]) -> Payer:
        details = _dict(obj, "customer_details")
        return cls(
            email=(_text(details, "email") or _text(obj, "customer_email")).strip(),
            name=(_text(details, "name") or _text(obj, "customer_name")).strip(),
            customer_id=_str(obj.get("customer")),
            address=mailing_address(details.get("address")),
        )


def mailing_address(address: Any) -> str:
    """
    Checkout's billing address (customer_details.address) as the lines of an envelope:
    "12 Elm St / Apt 3 / Hartford, CT 06106 / US". Anything that is not text is ignored.
    """
    if not isinstance(address, dict):
        return ""

    def part(key: str) -> str:
        value = address.get(key)
        return " ".join(value.split())[:120] if isinstance(value, str) else ""

    city_line = " ".join(filter(None, [", ".join(filter(None, [part("city"), part("state")])), part("postal_code")]))
    lines = [part("line1"), part("line2"), city_line, part("country")]
    return "\n".join(line for line in lines if line)[:500]


@dataclass(frozen=True)
class CheckoutSession:
    """A Stripe Checkout Session (object "checkout.session")."""

    id: str
    status: str = ""  # "open", "complete", "expired"
    mode: str = ""  # "payment", "subscription"
    payment_status: str = ""  # "paid", "unpaid", "no_payment_required"
    amount_total: int | None = None
    client_reference_id: str = ""  # our gift id, as we sent it
    metadata: dict[str, str] = field(default_factory=dict)
    payer: Payer = field(default_factory=Payer)
    url: str = ""
    payment_intent_id: str = ""  # mode "payment"
    subscription_id: str = ""  # mode "subscription"
    invoice_id: str = ""  # mode "subscription": the first month's invoice
    created: int | None = None
    expires_at: int | None = None  # when Checkout expires the session unpaid (Unix time)
    # Expired with after_expiration.recovery asked for: the link that starts a copy of this session.
    recovery_url: str = ""
    recovered_from: str = ""  # a session the donor started from another's recovery link: that one's id

    @classmethod
    def from_stripe(cls, obj: dict[str, Any]) -> CheckoutSession:
        return cls(
            id=_str(obj.get("id")),
            status=_str(obj.get("status")),
            mode=_str(obj.get("mode")),
            payment_status=_str(obj.get("payment_status")),
            amount_total=_int(obj.get("amount_total")),
            client_reference_id=str(obj.get("client_reference_id") or ""),
            metadata=_metadata(obj),
            payer=Payer.from_stripe(obj),
            url=_str(obj.get("url")),
            payment_intent_id=_str(obj.get("payment_intent")),
            subscription_id=_str(obj.get("subscription")),
            invoice_id=_str(obj.get("invoice")),
            created=_int(obj.get("created")),
            expires_at=_int(obj.get("expires_at")),
            recovery_url=_recovery_url(obj),
            recovered_from=_str(obj.get("recovered_from")) if _str(obj.get("recovered_from")).startswith("cs_") else "",
        )


def _recovery_url(session: dict[str, Any]) -> str:
    url = _dict(_dict(session, "after_expiration"), "recovery").get("url")
    return url if isinstance(url, str) and url.startswith("https://") and len(url) <= 2000 else ""


def _invoice_subscription(invoice: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """(subscription id, subscription metadata), in the current and older API shapes."""
    # Since 2025-03-31.basil under parent.subscription_details; before, at the top level.
    details = _dict(_dict(invoice, "parent"), "subscription_details")
    subscription = details.get("subscription") or invoice.get("subscription") or ""
    if isinstance(subscription, dict):
        subscription = subscription.get("id", "")
    metadata = _metadata(details) or _metadata(_dict(invoice, "subscription_details"))
    return (subscription if isinstance(subscription, str) else ""), metadata


@dataclass(frozen=True)
class Invoice:
    """A Stripe invoice (object "invoice"): one month of a monthly gift."""

    id: str
    subscription_id: str = ""
    subscription_metadata: dict[str, str] = field(default_factory=dict)
    amount_paid: int | None = None
    currency: str = ""
    payer: Payer = field(default_factory=Payer)
    paid_at: int | None = None  # status_transitions.paid_at
    created: int | None = None

    @classmethod
    def from_stripe(cls, obj: dict[str, Any]) -> Invoice:
        subscription_id, metadata = _invoice_subscription(obj)
        transitions = obj.get("status_transitions")
        return cls(
            id=_str(obj.get("id")),
            subscription_id=subscription_id,
            subscription_metadata=metadata,
            amount_paid=_int(obj.get("amount_paid")),
            currency=_str(obj.get("currency")),
            payer=Payer.from_stripe(obj),
            paid_at=_int(transitions.get("paid_at")) if isinstance(transitions, dict) else None,
            created=_int(obj.get("created")),
        )


@dataclass(frozen=True)
class InvoicePayment:
    """A Stripe invoice payment (object "invoice_payment"): which payment paid which invoice."""

    id: str
    invoice_id: str = ""
    status: str = ""  # "paid", "open", "canceled"
    payment_intent_id: str = ""  # payment.payment_intent, when payment.type is "payment_intent"

    @classmethod
    def from_stripe(cls, obj: dict[str, Any]) -> InvoicePayment:
        return cls(
            id=_str(obj.get("id")),
            invoice_id=_str(obj.get("invoice")),
            status=_str(obj.get("status")),
            payment_intent_id=_str(_dict(obj, "payment").get("payment_intent")),
        )


@dataclass(frozen=True)
class _OfAPayment:
    """What a charge and a dispute both say: which payment they are of, its metadata, and when."""

    id: str
    payment_intent_id: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    created: int | None = None

    @staticmethod
    def _read(obj: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": object_id(obj.get("id")),
            "payment_intent_id": object_id(obj.get("payment_intent")),
            "metadata": _metadata(obj),
            "created": _int(obj.get("created")),
        }


@dataclass(frozen=True)
class Charge(_OfAPayment):
    """A Stripe charge (object "charge"): what has been refunded of a payment, in all."""

    amount_refunded: int | None = None

    @classmethod
    def from_stripe(cls, obj: dict[str, Any]) -> Charge:
        return cls(**cls._read(obj), amount_refunded=_int(obj.get("amount_refunded")))


@dataclass(frozen=True)
class Dispute(_OfAPayment):
    """A Stripe dispute (object "dispute"): a chargeback or an inquiry about a charge."""

    status: str = ""  # see services.refunds.DISPUTE_STATUS_COUNTS
    charge_id: str = ""

    @classmethod
    def from_stripe(cls, obj: dict[str, Any]) -> Dispute:
        return cls(**cls._read(obj), status=_str(obj.get("status")), charge_id=object_id(obj.get("charge")))


@dataclass(frozen=True)
class Refund:
    """A Stripe refund (object "refund"): the site reads only which charge it is of."""

    id: str
    charge_id: str = ""

    @classmethod
    def from_stripe(cls, obj: dict[str, Any]) -> Refund:
        return cls(id=_str(obj.get("id")), charge_id=object_id(obj.get("charge")))


@dataclass(frozen=True)
class SubscriptionItem:
    """One line of a subscription: its price's unit amount and quantity (None: not an integer)."""

    unit_amount: int | None
    quantity: int | None
    id: str = ""
    product_id: str = ""  # the price's product (an id; "" if expanded or missing)
    current_period_end: int | None = None


@dataclass(frozen=True)
class Subscription:
    """A Stripe subscription (object "subscription"): a monthly plan."""

    id: str
    status: str = ""
    items: tuple[SubscriptionItem, ...] = ()
    ended_at: int | None = None  # canceled_at, else ended_at
    paused: bool = False  # pause_collection is set: no invoice is collected until resumes_at
    resumes_at: int | None = None

    @classmethod
    def from_stripe(cls, obj: dict[str, Any]) -> Subscription:
        items = []
        for item in _dict(obj, "items").get("data") or []:
            if not isinstance(item, dict):
                raise StripeObjectMalformed("subscription items.data holds something that is not an item")
            price = _dict(item, "price")
            unit_amount = price.get("unit_amount")
            quantity = item.get("quantity") or 1
            items.append(
                SubscriptionItem(
                    unit_amount=unit_amount if isinstance(unit_amount, int) else None,
                    quantity=quantity if isinstance(quantity, int) else None,
                    id=_str(item.get("id")),
                    product_id=_str(price.get("product")),
                    current_period_end=_int(item.get("current_period_end")),
                )
            )
        ended = obj.get("canceled_at") or obj.get("ended_at")
        pause = obj.get("pause_collection")
        return cls(
            id=_str(obj.get("id")),
            status=_str(obj.get("status")),
            items=tuple(items),
            ended_at=ended if isinstance(ended, int) else None,
            paused=isinstance(pause, dict),
            resumes_at=_int(pause.get("resumes_at")) if isinstance(pause, dict) else None,
        )


@dataclass(frozen=True)
class PortalSession:
    """A Stripe Customer Portal session (object "billing_portal.session"): a short-lived link."""

    id: str
    url: str

    @classmethod
    def from_stripe(cls, obj: dict[str, Any]) -> PortalSession:
        return cls(id=_str(obj.get("id")), url=_str(obj.get("url")))


@dataclass(frozen=True)
class SchedulePhaseItem:
    """One price of a subscription schedule's phase (items[].price is an id, or the expanded price)."""

    price_id: str
    quantity: int


@dataclass(frozen=True)
class SubscriptionSchedule:
    """A Stripe subscription schedule (object "subscription_schedule"): how a pledge's plan ends."""

    id: str
    end_behavior: str = ""  # "release", "cancel"
    first_phase_start: int | None = None
    first_phase_items: tuple[SchedulePhaseItem, ...] = ()

    @classmethod
    def from_stripe(cls, obj: dict[str, Any]) -> SubscriptionSchedule:
        phases = obj.get("phases") or []
        if not isinstance(phases, list) or not all(isinstance(phase, dict) for phase in phases):
            raise StripeObjectMalformed("subscription_schedule phases is not a list of phases")
        first = phases[0] if phases else {}
        items = []
        for item in first.get("items") or []:
            if not isinstance(item, dict):
                raise StripeObjectMalformed("subscription_schedule phase items holds something that is not an item")
            items.append(
                SchedulePhaseItem(price_id=object_id(item.get("price")), quantity=_int(item.get("quantity")) or 1)
            )
        return cls(
            id=_str(obj.get("id")),
            end_behavior=_str(obj.get("end_behavior")),
            first_phase_start=_int(first.get("start_date")),
            first_phase_items=tuple(items),
        )
