"""Writes to gifts. Every change to a gift that can move the meter goes through gift_save()."""

import copy
import datetime
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.cache import pages_invalidate_on_commit
from campaign.localization import localized
from campaign.models import Campaign, Designation, Tally

from . import money, selectors, stripe_gateway
from .models import Frequency, Gift, RecurringPlan

COUNTED_STATUSES = frozenset({Gift.Status.SUCCEEDED, Gift.Status.PARTIALLY_REFUNDED})


def gift_counted_cents(gift: Gift) -> int:
    """
    What a gift contributes to its campaign's total: the gift net of refunds, without the fee
    the donor covered (a refund is taken from the covered fee first). Pending, failed, expired,
    fully refunded and disputed gifts count nothing.
    """
    if gift.status not in COUNTED_STATUSES:
        return 0
    refunded_beyond_fee = max(0, gift.refunded_cents - gift.fee_cents)
    return max(0, gift.amount_cents - refunded_beyond_fee)


def gift_donor_key(gift: Gift) -> str:
    """A stable, non-reversible key for "the same donor" within a campaign."""
    if gift.donor_email:
        basis = "email:" + gift.donor_email.strip().lower()
    elif gift.donor_name:
        basis = "name:" + " ".join(gift.donor_name.lower().split())
    else:
        basis = f"gift:{gift.pk}"
    return hashlib.sha256(basis.encode()).hexdigest()


def _tally_add(*, campaign_id: int, designation_id: int | None, deltas: dict[str, int]) -> None:
    if not any(deltas.values()):
        return
    updates = {name: F(name) + value for name, value in deltas.items() if value}
    updates["updated_at"] = timezone.now()
    rows = Tally.objects.filter(campaign_id=campaign_id, designation_id=designation_id)
    if rows.update(**updates):
        return
    try:
        with transaction.atomic():
            Tally.objects.create(campaign_id=campaign_id, designation_id=designation_id)
    except IntegrityError:
        pass  # another transaction created it first; the update below waits for its lock
    rows.update(**updates)


# One statement each way (an upsert, a guarded decrement), each taking the row lock itself:
# this runs for every payment, and a round trip saved here is one saved per gift.
# (PostgreSQL and SQLite alike; the table is CampaignDonor's.)
_DONOR_ADD_SQL = (
    "INSERT INTO campaign_campaigndonor (campaign_id, donor_key, gift_count) VALUES (%s, %s, 1) "
    "ON CONFLICT (campaign_id, donor_key) DO UPDATE SET gift_count = campaign_campaigndonor.gift_count + 1 "
    "RETURNING gift_count"
)
_DONOR_REMOVE_SQL = (
    "UPDATE campaign_campaigndonor SET gift_count = gift_count - 1 "
    "WHERE campaign_id = %s AND donor_key = %s AND gift_count > 0 RETURNING gift_count"
)


def _donor_delta(*, campaign_id: int, donor_key: str, change: int) -> int:
    """Count the donor's gifts in the campaign up or down; return how donor_count moves (-1, 0, +1)."""
    with connection.cursor() as cursor:
        cursor.execute(_DONOR_ADD_SQL if change > 0 else _DONOR_REMOVE_SQL, [campaign_id, donor_key])
        row = cursor.fetchone()
    if change > 0:
        return 1 if row[0] == 1 else 0
    return -1 if row is not None and row[0] == 0 else 0


def _contribution(gift: Gift, counted: int) -> dict[str, int]:
    return {
        "raised_cents": counted,
        "online_cents": counted if gift.source == Gift.Source.ONLINE else 0,
        "offline_cents": counted if gift.source not in (Gift.Source.ONLINE, Gift.Source.PLEDGE) else 0,
        "pledged_cents": counted if gift.source == Gift.Source.PLEDGE else 0,
        "gift_count": 1 if counted > 0 else 0,
    }


def _public_view(gift: Gift, *, counted: int, donor_key: str) -> tuple | None:
    """What the public pages show of a gift (meter, donor count, donor wall); None if it counts nothing."""
    if counted <= 0:
        return None
    return (
        *(gift.campaign_id, gift.designation_id, counted, donor_key, gift.source, gift.frequency),
        *(gift.display_name, gift.is_anonymous, gift.message, gift.message_status, gift.paid_at, gift.created_at),
    )


def _tally_targets(gift: Gift) -> list[tuple[int, int | None]]:
    """The tallies a gift counts in: its campaign's, and its designation's if it has one."""
    targets = [(gift.campaign_id, None)]
    if gift.designation_id:
        targets.append((gift.campaign_id, gift.designation_id))
    return targets


# No savepoint: nothing catches an error from here and carries on in the same transaction, and
# this runs for every payment (a savepoint is two more round trips to the database).
@transaction.atomic(savepoint=False)
def gift_save(gift: Gift, *, locked_previous: Gift | None = None) -> Gift:
    """
    Save a gift and move its campaign's tallies by exactly the change in what it counts.

    The previous state is read under a row lock, so two concurrent changes to one gift (a webhook
    and the thank-you page, say) are applied one after the other and never both counted. A caller
    that has itself just read the row with select_for_update, in the transaction still open, may
    pass an unchanged copy of it as `locked_previous` instead of having it read again.
    """
    previous = locked_previous
    if gift.pk and previous is None:
        previous = Gift.objects.select_for_update().filter(pk=gift.pk).first()
    counted = gift_counted_cents(gift)
    if gift.pk is None and counted > 0 and not (gift.donor_email or gift.donor_name):
        gift.save()  # a pk first: a nameless gift's donor key is derived from it
    donor_key = gift_donor_key(gift) if counted > 0 else ""

    deltas: dict[tuple[int, int | None], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    donor_moves: list[tuple[int, str, int]] = []
    if previous is not None and previous.counted_cents > 0:
        for target in _tally_targets(previous):
            for name, value in _contribution(previous, previous.counted_cents).items():
                deltas[target][name] -= value
        donor_moves.append((previous.campaign_id, previous.counted_donor_key, -1))
    if counted > 0:
        for target in _tally_targets(gift):
            for name, value in _contribution(gift, counted).items():
                deltas[target][name] += value
        donor_moves.append((gift.campaign_id, donor_key, +1))

    before = None
    if previous is not None:
        before = _public_view(previous, counted=previous.counted_cents, donor_key=previous.counted_donor_key)
    if before != _public_view(gift, counted=counted, donor_key=donor_key):
        pages_invalidate_on_commit(figures=True)

    # The gift first, then its donor, then the campaign-wide tally: the tally row is the one every
    # payment to the campaign locks, so it is locked last and held for the shortest time.
    gift.counted_cents = counted
    gift.counted_donor_key = donor_key
    gift.save()

    # A gift whose donor and campaign stay the same keeps its place in the donor count.
    if len(donor_moves) == 2 and donor_moves[0][:2] == donor_moves[1][:2]:
        donor_moves = []
    for campaign_id, key, change in donor_moves:
        deltas[(campaign_id, None)]["donor_count"] += _donor_delta(
            campaign_id=campaign_id, donor_key=key, change=change
        )

    for (campaign_id, designation_id), values in sorted(deltas.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        _tally_add(campaign_id=campaign_id, designation_id=designation_id, deltas=dict(values))
    return gift


# --- Online gifts: from the form to Stripe Checkout --------------------------------------------

log = logging.getLogger(__name__)

SETTLED_STATUSES = frozenset(
    {Gift.Status.SUCCEEDED, Gift.Status.PARTIALLY_REFUNDED, Gift.Status.REFUNDED, Gift.Status.DISPUTED}
)
MAX_RECEIPT_ATTEMPTS = 5


class EventDeferred(Exception):
    """The event refers to something not recorded yet (out of order): fail it so Stripe retries."""


class EventRejected(Exception):
    """The event is signed but cannot be applied as sent (malformed, or amounts that do not match)."""


def gift_create_pending(
    *,
    campaign: Campaign,
    designation: Designation | None,
    amount_cents: int,
    fee_cents: int,
    frequency: str,
    display_name: str,
    is_anonymous: bool,
    dedication: str,
    honoree_name: str,
    honoree_email: str,
    message: str,
    language: str,
) -> Gift:
    """Record the donor's intent before sending them to Checkout: a pending gift that counts nothing."""
    gift = Gift(
        campaign=campaign,
        designation=designation,
        amount_cents=amount_cents,
        fee_cents=fee_cents,
        currency=settings.GIFT_CURRENCY,
        frequency=frequency,
        source=Gift.Source.ONLINE,
        status=Gift.Status.PENDING,
        display_name="" if is_anonymous else display_name,
        is_anonymous=is_anonymous,
        dedication=dedication,
        honoree_name=honoree_name if dedication else "",
        honoree_email=honoree_email if dedication else "",
        message=message,
        message_status=_new_message_status(message),
        language=language,
    )
    return gift_save(gift)


def _new_message_status(message: str) -> str:
    if not message:
        return Gift.MessageStatus.NONE
    return Gift.MessageStatus.PENDING if settings.DONOR_WALL_PREMODERATION else Gift.MessageStatus.APPROVED


def gift_message_review(*, gift: Gift, approve: bool, actor) -> bool:
    """Approve a donor's message for the donor wall, or hide it; False if the gift has no message."""
    with transaction.atomic():
        gift = Gift.objects.select_for_update().get(pk=gift.pk)
        if not gift.message:
            return False
        gift.message_status = Gift.MessageStatus.APPROVED if approve else Gift.MessageStatus.HIDDEN
        gift.message_reviewed_at = timezone.now()
        gift._history_user = actor
        gift_save(gift)
    return True


def checkout_session_params(*, gift: Gift) -> dict[str, Any]:
    """What the site asks Stripe Checkout for: always the server's amount, in cents."""
    from django.urls import reverse

    # Checkout shows the donor this line in the language they gave in (its own locale follows it too).
    campaign_title = localized(gift.campaign, "title", language=gift.language)
    name = _("Gift to %(campaign)s") % {"campaign": campaign_title}
    if gift.designation_id:
        name = _("Gift to %(campaign)s: %(designation)s") % {
            "campaign": campaign_title,
            "designation": localized(gift.designation, "name", language=gift.language),
        }
    product_data: dict[str, Any] = {"name": str(name)[:250]}
    if gift.fee_cents:
        product_data["description"] = str(
            _("Includes %(fee)s to cover processing fees") % {"fee": money.format_cents(gift.fee_cents)}
        )
    metadata = {
        "gift_id": str(gift.pk),
        "campaign": gift.campaign.slug,
        "designation": gift.designation.slug if gift.designation_id else "",
    }
    price_data: dict[str, Any] = {
        "currency": gift.currency,
        "unit_amount": gift.total_cents,
        "product_data": product_data,
    }
    params: dict[str, Any] = {
        "mode": "payment",
        "submit_type": "donate",
        "line_items": [{"quantity": 1, "price_data": price_data}],
        "client_reference_id": str(gift.pk),
        "metadata": metadata,
        "locale": gift.language if gift.language in ("en", "es") else "auto",
        "success_url": settings.SITE_URL + reverse("donations:thanks") + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": settings.SITE_URL + reverse("donations:cancelled"),
    }
    if gift.frequency == Frequency.MONTHLY:
        params["mode"] = "subscription"
        price_data["recurring"] = {"interval": "month"}
        # Every invoice of the subscription carries these, so each month finds its plan and gift.
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["customer_creation"] = "always"
        params["payment_intent_data"] = {"metadata": metadata}
    if gift.donor_email:
        params["customer_email"] = gift.donor_email
    return params


def gift_checkout_start(*, gift: Gift) -> str:
    """
    Create the gift's Checkout Session and return its URL. On a Stripe error the gift is marked
    failed and the PaymentError is raised for the view; the idempotency key, derived from the gift,
    means a repeated call can only ever return the same session, never start a second charge.
    """
    try:
        session = stripe_gateway.checkout_session_create(
            params=checkout_session_params(gift=gift),
            idempotency_key=stripe_gateway.checkout_idempotency_key(gift.pk),
        )
    except stripe_gateway.PaymentError as error:
        gift.status = Gift.Status.FAILED
        gift.failure_reason = f"Checkout Session not created: {error}"[:300]
        gift_save(gift)
        raise
    gift.stripe_checkout_session_id = session["id"]
    gift_save(gift)
    return session["url"]


# --- Fulfilment: one idempotent function for the webhook and the thank-you page -----------------


def _settled_status(gift: Gift) -> str:
    if gift.refunded_cents <= 0:
        return Gift.Status.SUCCEEDED
    if gift.refunded_cents >= gift.total_cents:
        return Gift.Status.REFUNDED
    return Gift.Status.PARTIALLY_REFUNDED


def _gift_mark_paid(gift: Gift) -> bool:
    """Pending (or failed/expired, if Stripe now says paid) → paid; returns whether it changed."""
    if gift.status in SETTLED_STATUSES:
        return False
    gift.status = _settled_status(gift)
    gift.paid_at = gift.paid_at or timezone.now()
    gift.failure_reason = ""
    gift_id = gift.pk
    _enqueue_after_commit(lambda: gift_receipt_enqueue(gift_id=gift_id))
    return True


def _enqueue_after_commit(enqueue: Callable[[], None]) -> None:
    """
    Have background work run only once the current transaction has committed. With the database
    task backend (production) the task row is written in this very transaction: it commits with
    the gift or not at all, is invisible to the worker until then, and costs no second commit per
    payment. Other backends (the immediate one in development and tests) are called after commit.
    """
    from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        enqueue()
    else:
        transaction.on_commit(enqueue, robust=True)


def _gift_id_from(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 18 else None


def _apply_customer_details(gift: Gift, obj: dict) -> None:
    details = obj.get("customer_details") or {}
    email = (details.get("email") or obj.get("customer_email") or "").strip()
    name = (details.get("name") or obj.get("customer_name") or "").strip()
    if email and not gift.donor_email:
        gift.donor_email = email[:254]
    if name and not gift.donor_name:
        gift.donor_name = name[:200]
    customer = obj.get("customer")
    if isinstance(customer, str) and customer and not gift.stripe_customer_id:
        gift.stripe_customer_id = customer


def _plan_for(gift: Gift, *, subscription_id: str) -> RecurringPlan:
    """The gift's monthly plan, created once per subscription (unique), from the gift that began it."""
    plan, _created = RecurringPlan.objects.select_for_update().get_or_create(
        stripe_subscription_id=subscription_id,
        defaults={
            "campaign": gift.campaign,
            "designation": gift.designation,
            "amount_cents": gift.amount_cents,
            "fee_cents": gift.fee_cents,
            "currency": gift.currency,
            "donor_name": gift.donor_name,
            "donor_email": gift.donor_email,
            "language": gift.language,
            "stripe_customer_id": gift.stripe_customer_id,
            "status": RecurringPlan.Status.INCOMPLETE,
        },
    )
    changed = False
    for field in ("donor_name", "donor_email", "stripe_customer_id"):
        if not getattr(plan, field) and getattr(gift, field):
            setattr(plan, field, getattr(gift, field))
            changed = True
    if changed:
        plan.save()
    return plan


def _plan_activate(plan: RecurringPlan) -> None:
    if plan.status in (RecurringPlan.Status.INCOMPLETE, RecurringPlan.Status.PAST_DUE):
        plan.status = RecurringPlan.Status.ACTIVE
        plan.started_at = plan.started_at or timezone.now()
        plan.save()


def gift_fulfil_checkout_session(*, session: dict, savepoint: bool = True) -> Gift | None:
    """
    Apply what a Checkout Session says to its gift, idempotently: paid → succeeded (once), still
    processing → pending, expired → expired. Returns None when the session is not one of ours
    (no gift with that id, or a gift bound to another session), so nothing is shown or changed.

    savepoint=False is for a caller whose own transaction fails as a whole if this raises (the
    webhook): two round trips fewer per payment.
    """
    with transaction.atomic(savepoint=savepoint):
        return _gift_fulfil_checkout_session(session)


def _gift_fulfil_checkout_session(session: dict) -> Gift | None:
    gift_id = _gift_id_from(session.get("client_reference_id"))
    metadata = session.get("metadata") or {}
    if gift_id is None or (metadata.get("gift_id") and _gift_id_from(metadata.get("gift_id")) != gift_id):
        return None
    gift = Gift.objects.select_for_update().filter(pk=gift_id, source=Gift.Source.ONLINE).first()
    if gift is None:
        return None
    locked = copy.copy(gift)  # the row as it is under our lock: gift_save need not read it again
    if gift.stripe_checkout_session_id != session.get("id"):
        # A gift whose session id was never saved (a crash right after Stripe answered) is still
        # ours if the metadata and the amount agree; any other session id is someone else's.
        if gift.stripe_checkout_session_id or session.get("amount_total") != gift.total_cents:
            return None
        gift.stripe_checkout_session_id = session["id"]

    status = session.get("status")
    if status == "complete":
        amount_total = session.get("amount_total")
        # type(): Stripe's amounts are integers; 5000.0 or True is not an amount, even if it compares equal.
        if type(amount_total) is not int or amount_total != gift.total_cents:
            raise EventRejected(
                f"Session {session.get('id')} charged {amount_total!r}, gift {gift.pk} is {gift.total_cents}"
            )
        _apply_customer_details(gift, session)
        if session.get("mode") == "subscription":
            subscription_id = session.get("subscription") or ""
            if not isinstance(subscription_id, str) or not subscription_id:
                raise EventRejected(f"Session {session.get('id')} in subscription mode has no subscription")
            gift.stripe_subscription_id = subscription_id
            invoice_id = session.get("invoice")
            if isinstance(invoice_id, str) and invoice_id and not gift.stripe_invoice_id:
                gift.stripe_invoice_id = invoice_id
            gift.plan = _plan_for(gift, subscription_id=subscription_id)
        else:
            intent = session.get("payment_intent")
            if isinstance(intent, str) and intent and not gift.stripe_payment_intent_id:
                gift.stripe_payment_intent_id = intent
        if session.get("payment_status") in ("paid", "no_payment_required"):
            _gift_mark_paid(gift)
            if gift.plan_id:
                _plan_activate(gift.plan)
    elif status == "expired" and gift.status == Gift.Status.PENDING:
        gift.status = Gift.Status.EXPIRED
        gift.failure_reason = "Checkout Session expired"
    if _row_values(gift) == _row_values(locked):
        return gift  # nothing new (a repeated or later event about a recorded session): no write
    return gift_save(gift, locked_previous=locked)


def _row_values(gift: Gift) -> list:
    return [getattr(gift, field.attname) for field in Gift._meta.concrete_fields]


@transaction.atomic
def gift_fail_checkout_session(*, session: dict, reason: str) -> Gift | None:
    """A delayed payment (bank debit) failed after Checkout: the pending gift is failed."""
    gift_id = _gift_id_from(session.get("client_reference_id"))
    if gift_id is None:
        return None
    gift = (
        Gift.objects.select_for_update().filter(pk=gift_id, stripe_checkout_session_id=session.get("id") or "-").first()
    )
    if gift is None or gift.status != Gift.Status.PENDING:
        return gift
    _apply_customer_details(gift, session)
    gift.status = Gift.Status.FAILED
    gift.failure_reason = reason[:300]
    return gift_save(gift)


# --- Subscriptions: each paid invoice is one gift ------------------------------------------------


def _invoice_subscription(invoice: dict) -> tuple[str, dict]:
    """(subscription id, subscription metadata) from an invoice, in the current and older API shapes."""
    details = ((invoice.get("parent") or {}).get("subscription_details")) or {}
    subscription = details.get("subscription") or invoice.get("subscription") or ""
    if isinstance(subscription, dict):
        subscription = subscription.get("id", "")
    metadata = details.get("metadata") or (invoice.get("subscription_details") or {}).get("metadata") or {}
    return (subscription if isinstance(subscription, str) else ""), metadata


def _invoice_payment_intent(invoice: dict) -> str:
    for payment in ((invoice.get("payments") or {}).get("data")) or []:
        intent = (payment.get("payment") or {}).get("payment_intent")
        if isinstance(intent, str) and intent:
            return intent
    intent = invoice.get("payment_intent")
    return intent if isinstance(intent, str) else ""


@transaction.atomic
def gift_record_invoice_paid(*, invoice: dict) -> Gift | None:
    """
    A paid month of a plan. The first invoice is the gift the donor made on the form (found by
    the gift id in the subscription's metadata, whether or not checkout.session.completed has
    arrived yet); every later invoice is a new gift. The invoice id is unique on gifts.
    """
    invoice_id = invoice.get("id") or ""
    subscription_id, metadata = _invoice_subscription(invoice)
    if not invoice_id or not subscription_id:
        return None  # not a subscription invoice: nothing of ours
    amount_paid = invoice.get("amount_paid")
    if not isinstance(amount_paid, int) or amount_paid <= 0:
        raise EventRejected(f"Invoice {invoice_id} has no positive amount_paid ({amount_paid!r})")

    origin_id = _gift_id_from(metadata.get("gift_id"))
    origin = Gift.objects.select_for_update().filter(pk=origin_id, frequency=Frequency.MONTHLY).first()
    plan = RecurringPlan.objects.select_for_update().filter(stripe_subscription_id=subscription_id).first()
    if plan is None and origin is None:
        _defer_if_recent(invoice, f"Invoice {invoice_id}: no plan or gift for subscription {subscription_id} yet")
        return None

    gift = Gift.objects.select_for_update().filter(stripe_invoice_id=invoice_id).first()
    if gift is None and origin is not None and not origin.stripe_invoice_id:
        gift = origin  # the first month is the form's gift, whichever event arrives first: not a second one
    if gift is None:
        first = origin or plan.gifts.order_by("created_at", "pk").first()
        gift = Gift(
            campaign=(plan or first).campaign,
            designation=(plan or first).designation,
            amount_cents=plan.amount_cents if plan else first.amount_cents,
            fee_cents=plan.fee_cents if plan else first.fee_cents,
            currency=invoice.get("currency") or settings.GIFT_CURRENCY,
            frequency=Frequency.MONTHLY,
            source=Gift.Source.ONLINE,
            status=Gift.Status.PENDING,
            display_name=first.display_name if first else "",
            is_anonymous=first.is_anonymous if first else True,
            language=plan.language if plan else first.language,
            donor_name=first.donor_name if first else "",
            donor_email=first.donor_email if first else "",
        )
    if amount_paid != gift.total_cents:
        # The donor changed the monthly amount (Customer Portal): the invoice is what was charged.
        gift.fee_cents = min(gift.fee_cents, amount_paid // 2)
        gift.amount_cents = amount_paid - gift.fee_cents
    gift.stripe_invoice_id = invoice_id
    gift.stripe_subscription_id = subscription_id
    gift.stripe_payment_intent_id = gift.stripe_payment_intent_id or _invoice_payment_intent(invoice)
    _apply_customer_details(gift, invoice)
    if gift.pk is None:
        gift = gift_save(gift)
    gift.plan = plan or _plan_for(gift, subscription_id=subscription_id)
    _gift_mark_paid(gift)
    _plan_activate(gift.plan)
    return gift_save(gift)


@transaction.atomic
def plan_record_invoice_failed(*, invoice: dict) -> RecurringPlan | None:
    subscription_id, _metadata = _invoice_subscription(invoice)
    plan = RecurringPlan.objects.select_for_update().filter(stripe_subscription_id=subscription_id).first()
    gift = Gift.objects.select_for_update().filter(stripe_invoice_id=invoice.get("id") or "-").first()
    if gift is not None and gift.status == Gift.Status.PENDING:
        gift.status = Gift.Status.FAILED
        gift.failure_reason = "Invoice payment failed"
        gift_save(gift)
    if plan is not None and plan.status == RecurringPlan.Status.ACTIVE:
        plan.status = RecurringPlan.Status.PAST_DUE
        plan.save()
    return plan


_SUBSCRIPTION_STATUSES = {
    "active": RecurringPlan.Status.ACTIVE,
    "trialing": RecurringPlan.Status.ACTIVE,
    "past_due": RecurringPlan.Status.PAST_DUE,
    "unpaid": RecurringPlan.Status.PAST_DUE,
    "canceled": RecurringPlan.Status.CANCELED,
    "incomplete_expired": RecurringPlan.Status.CANCELED,
    "incomplete": RecurringPlan.Status.INCOMPLETE,
}


@transaction.atomic
def plan_record_subscription(*, subscription: dict, deleted: bool = False) -> RecurringPlan | None:
    plans = RecurringPlan.objects.select_for_update()
    plan = plans.filter(stripe_subscription_id=subscription.get("id") or "-").first()
    if plan is None:
        return None  # a subscription this site never recorded (or not yet): nothing to change
    status = RecurringPlan.Status.CANCELED if deleted else _SUBSCRIPTION_STATUSES.get(subscription.get("status"))
    if status is None or plan.status == RecurringPlan.Status.CANCELED:
        return plan  # a cancelled plan stays cancelled, whatever older events arrive after
    plan.status = status
    items = ((subscription.get("items") or {}).get("data")) or []
    if len(items) == 1 and not deleted:
        # The donor changed the monthly amount in the Customer Portal: the price is what we charge.
        unit_amount = (items[0].get("price") or {}).get("unit_amount")
        quantity = items[0].get("quantity") or 1
        if isinstance(unit_amount, int) and isinstance(quantity, int) and unit_amount * quantity > plan.fee_cents:
            plan.amount_cents = unit_amount * quantity - plan.fee_cents
    if status == RecurringPlan.Status.CANCELED:
        canceled = subscription.get("canceled_at") or subscription.get("ended_at")
        plan.canceled_at = (
            datetime.datetime.fromtimestamp(canceled, tz=datetime.UTC) if isinstance(canceled, int) else timezone.now()
        )
    plan.save()
    return plan


# --- Refunds and disputes ------------------------------------------------------------------------


def _gift_for_charge(*, charge_id: str, payment_intent_id: str, metadata: dict) -> Gift | None:
    query = Q(pk__in=[])
    if payment_intent_id:
        query |= Q(stripe_payment_intent_id=payment_intent_id)
    if charge_id:
        query |= Q(stripe_charge_id=charge_id)
    gift = Gift.objects.select_for_update().filter(query).first()
    if gift is None and _gift_id_from(metadata.get("gift_id")):
        # Lock by id, then check: a concurrent checkout.session.completed may be setting the
        # payment intent right now, and a WHERE on it would skip the row once that commits.
        gift = (
            Gift.objects.select_for_update()
            .filter(pk=_gift_id_from(metadata.get("gift_id")), source=Gift.Source.ONLINE)
            .first()
        )
        if gift is not None and gift.stripe_payment_intent_id not in ("", payment_intent_id):
            return None  # metadata naming a gift that another payment paid: not this charge's
        if gift is not None and payment_intent_id:
            gift.stripe_payment_intent_id = payment_intent_id
    return gift


# Out-of-order deliveries arrive seconds or minutes apart; a charge this site still does not know
# after a day is not one of its gifts (a payment made in the Stripe Dashboard, say), and failing its
# events for ever would only make Stripe retry them for days and then disable the endpoint.
DEFER_UNKNOWN_FOR = datetime.timedelta(hours=24)


def _defer_if_recent(obj: dict, message: str) -> None:
    created = obj.get("created")
    if not isinstance(created, int) or isinstance(created, bool):
        # Every Stripe object has its creation time; without one this is no Stripe object.
        raise EventRejected(f"{message}; and it has no creation time")
    if timezone.now().timestamp() - created < DEFER_UNKNOWN_FOR.total_seconds():
        raise EventDeferred(message)
    log.warning("%s; created over a day ago, so not one of ours: acknowledged without effect", message)


def _as_id(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


@transaction.atomic
def gift_record_charge_refunded(*, charge: dict) -> Gift | None:
    """
    Stripe's charge says how much of it is refunded in all (`amount_refunded`): apply that
    absolute amount, so a Finance refund recorded first, a repeated event or events in any order
    never count a refund twice.
    """
    amount_refunded = charge.get("amount_refunded")
    if not isinstance(amount_refunded, int) or amount_refunded < 0:
        raise EventRejected(f"Charge {charge.get('id')!r} has no amount_refunded")
    gift = _gift_for_charge(
        charge_id=_as_id(charge.get("id")),
        payment_intent_id=_as_id(charge.get("payment_intent")),
        metadata=charge.get("metadata") or {},
    )
    if gift is None:
        _defer_if_recent(charge, f"Charge {charge.get('id')}: its gift is not recorded yet")
        return None
    gift.stripe_charge_id = gift.stripe_charge_id or _as_id(charge.get("id"))
    gift.refunded_cents = max(gift.refunded_cents, min(amount_refunded, gift.total_cents))
    if gift.status in (Gift.Status.SUCCEEDED, Gift.Status.PARTIALLY_REFUNDED, Gift.Status.REFUNDED):
        gift.status = _settled_status(gift)
    return gift_save(gift)


@transaction.atomic
def gift_record_dispute(*, dispute: dict, closed: bool) -> Gift | None:
    """A dispute takes the gift off the meter; a won dispute puts it back, a lost one leaves it off."""
    gift = _gift_for_charge(
        charge_id=_as_id(dispute.get("charge")),
        payment_intent_id=_as_id(dispute.get("payment_intent")),
        metadata=dispute.get("metadata") or {},
    )
    if gift is None:
        _defer_if_recent(dispute, f"Dispute {dispute.get('id')}: its gift is not recorded yet")
        return None
    gift.stripe_charge_id = gift.stripe_charge_id or _as_id(dispute.get("charge"))
    if not closed:
        if gift.status in (Gift.Status.SUCCEEDED, Gift.Status.PARTIALLY_REFUNDED, Gift.Status.PENDING):
            gift.status = Gift.Status.DISPUTED
    elif dispute.get("status") in ("won", "warning_closed") and gift.status == Gift.Status.DISPUTED:
        gift.status = _settled_status(gift)
    return gift_save(gift)


def gift_refund(*, gift: Gift, amount_cents: int, reason: str = "", actor=None) -> Gift:
    """
    Refund part or all of an online gift through Stripe (Finance only: the caller checks the
    permission). The gift row is locked for the call, so two clicks cannot refund twice, and the
    idempotency key numbers each refund, so a retried request cannot either.
    """
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool):
        raise ValueError(_("Enter the refund amount in cents."))
    with transaction.atomic():
        locked = Gift.objects.select_for_update().get(pk=gift.pk)
        if locked.source != Gift.Source.ONLINE or not locked.stripe_payment_intent_id:
            raise ValueError(_("Only online gifts paid through Stripe can be refunded here."))
        if locked.status not in (Gift.Status.SUCCEEDED, Gift.Status.PARTIALLY_REFUNDED):
            raise ValueError(
                _("A gift that is %(status)s cannot be refunded.") % {"status": locked.get_status_display().lower()}
            )
        if amount_cents <= 0 or amount_cents > locked.remaining_cents:
            raise ValueError(
                _("The refund must be between %(min)s and %(max)s.")
                % {"min": money.format_cents(1), "max": money.format_cents(locked.remaining_cents)}
            )
        number = locked.refund_requests + 1
        refunded_before = locked.refunded_cents
        stripe_gateway.refund_create(
            payment_intent_id=locked.stripe_payment_intent_id,
            amount_cents=amount_cents,
            reason=reason if reason in ("duplicate", "fraudulent", "requested_by_customer") else "",
            metadata={"gift_id": str(locked.pk), "actor": str(getattr(actor, "pk", "") or "")},
            idempotency_key=stripe_gateway.refund_idempotency_key(locked.pk, number),
        )
        locked.refund_requests = number
        # max(): the charge.refunded webhook may already have applied this refund (absolute).
        locked.refunded_cents = max(locked.refunded_cents, refunded_before + amount_cents)
        locked.status = _settled_status(locked)
        log.info("Gift %s refunded %s by user %s (%s)", locked.pk, amount_cents, getattr(actor, "pk", None), reason)
        return gift_save(locked)


# --- Receipts --------------------------------------------------------------------------------------


def gift_receipt_enqueue(*, gift_id: int) -> None:
    from .tasks import gift_send_receipt

    gift_send_receipt.enqueue(gift_id=gift_id)


def gift_receipt_send(*, gift_id: int) -> str:
    """
    Send the gift's receipt (once) and the dedication notice (once). A mail failure leaves the gift
    as it is, counts an attempt and keeps the error; send_pending_receipts retries later.
    """
    from . import receipts

    with transaction.atomic():
        gift = (
            Gift.objects.select_for_update(of=("self",))
            .select_related("campaign", "designation")
            .filter(pk=gift_id)
            .first()
        )
        # A gift refunded in full (or disputed) before its receipt went out gets none.
        if gift is None or gift.status not in COUNTED_STATUSES:
            return "not paid"
        outcome = "already sent"
        if gift.receipt_sent_at is None:
            if not gift.donor_email:
                return "no email"
            try:
                receipts.receipt_send(gift=gift)
            except Exception as error:
                # The error's text can quote the donor's address (SMTP refusals do): log its type only;
                # the admin shows the whole error, with the gift.
                log.warning(
                    "Receipt for gift %s failed (attempt %s): %s",
                    gift.pk,
                    gift.receipt_attempts + 1,
                    type(error).__name__,
                )
                gift.receipt_attempts += 1
                gift.receipt_error = f"{type(error).__name__}: {error}"[:2000]
                gift_save(gift)
                return "failed"
            gift.receipt_sent_at = timezone.now()
            gift.receipt_attempts += 1
            gift.receipt_error = ""
            outcome = "sent"
        if (
            gift.honoree_email
            and gift.dedication
            and gift.dedication_notice_sent_at is None
            and honoree_notice_allowed(gift=gift)
        ):
            try:
                receipts.dedication_notice_send(gift=gift)
                gift.dedication_notice_sent_at = timezone.now()
            except Exception as error:
                log.warning("Dedication notice for gift %s failed: %s", gift.pk, type(error).__name__)
        gift_save(gift)
        return outcome


def honoree_notice_allowed(*, gift: Gift) -> bool:
    """
    At most HONOREE_NOTICES_PER_RECIPIENT_PER_DAY notices to one address and
    HONOREE_NOTICES_PER_DONOR_PER_DAY from one donor in 24 hours: a small gift must not buy a way
    to send the foundation's email to anyone, again and again. Counted from the gifts themselves.
    """
    since = timezone.now() - datetime.timedelta(days=1)
    sent = Gift.objects.filter(dedication_notice_sent_at__gte=since).exclude(pk=gift.pk)
    to_recipient = sent.filter(honoree_email__iexact=gift.honoree_email).count()
    from_donor = sent.filter(donor_email__iexact=gift.donor_email).count() if gift.donor_email else 0
    if (
        to_recipient >= settings.HONOREE_NOTICES_PER_RECIPIENT_PER_DAY
        or from_donor >= settings.HONOREE_NOTICES_PER_DONOR_PER_DAY
    ):
        log.info("Honoree notice for gift %s not sent: daily limit reached", gift.pk)
        return False
    return True


# --- Managing a monthly gift -----------------------------------------------------------------------


def plan_manage_links_send(*, email: str) -> int:
    """Email a signed, expiring management link for each active plan of `email`; returns how many."""
    from .tasks import plan_send_manage_link

    plan_ids = list(selectors.plans_active_for_email(email=email).values_list("pk", flat=True))
    for plan_id in plan_ids:
        transaction.on_commit(lambda plan_id=plan_id: plan_send_manage_link.enqueue(plan_id=plan_id), robust=True)
    return len(plan_ids)


def plan_manage_link_send(*, plan_id: int) -> None:
    from django.urls import reverse

    from . import receipts

    plan = RecurringPlan.objects.select_related("campaign").get(pk=plan_id)
    token = signing.TimestampSigner(salt=selectors.PLAN_LINK_SALT).sign(str(plan.pk))
    url = settings.SITE_URL + reverse("donations:manage_link", kwargs={"token": token})
    receipts.plan_manage_link_send(plan=plan, url=url)


# --- Reconciliation ----------------------------------------------------------------------------------


def stripe_reconcile(*, days: int = 3, progress=None) -> dict:
    """
    Re-read recent Checkout Sessions, recent paid invoices and every subscription, and apply them
    with the webhook's own idempotent functions, repairing whatever webhooks missed: a gift paid
    on Checkout, a later month of a plan, a cancelled plan. Running it twice changes nothing the
    second time. Raises PaymentError if Stripe is unreachable.
    """
    since = int((timezone.now() - datetime.timedelta(days=days)).timestamp())
    sessions = stripe_gateway.checkout_session_list(created_gte=since)
    invoices = stripe_gateway.invoice_list(created_gte=since)
    subscriptions = stripe_gateway.subscription_list()
    report: dict = {"sessions": 0, "invoices": 0, "plans": 0, "rejected": []}
    say = progress or (lambda line: None)
    for index, session in enumerate(sessions, start=1):
        if session.get("status") not in ("complete", "expired"):
            continue
        try:
            gift = gift_fulfil_checkout_session(session=session)
        except EventRejected as error:
            report["rejected"].append(f"{session.get('id')}: not applied: {error}")
            continue
        if gift is not None:
            report["sessions"] += 1
            say(f"[session {index}/{len(sessions)}] {session['id']}: gift {gift.pk} {gift.status}")
    for index, invoice in enumerate(invoices, start=1):
        try:
            gift = gift_record_invoice_paid(invoice=invoice)
        except EventRejected as error:
            report["rejected"].append(f"{invoice.get('id')}: not applied: {error}")
            continue
        except EventDeferred:
            continue  # a subscription this site has no plan or gift for: not one of ours
        if gift is not None:
            report["invoices"] += 1
            say(f"[invoice {index}/{len(invoices)}] {invoice['id']}: gift {gift.pk} {gift.status}")
    for subscription in subscriptions:
        deleted = subscription.get("status") == "canceled"
        if plan_record_subscription(subscription=subscription, deleted=deleted) is not None:
            report["plans"] += 1
    say(f"{len(subscriptions)} subscription(s) read, {report['plans']} of them ours.")
    return report


# --- Staff: offline gifts and receipts sent again ----------------------------------------------------

OFFLINE_SOURCES = frozenset(
    {Gift.Source.CHECK, Gift.Source.CASH, Gift.Source.WIRE, Gift.Source.STOCK, Gift.Source.PLEDGE}
)


def offline_gift_save(*, gift: Gift, actor=None, send_receipt: bool = True) -> Gift:
    """
    Record (or correct) a gift staff received by hand: a check, cash, a wire, stock or a pledge.

    It counts in the meter at once (a pledge as pledged, not raised online or offline) through
    gift_save. The gift's date is the day it was received. The donor gets a receipt (a pledge
    acknowledgement for a pledge) after the transaction commits, when they have an email and
    `send_receipt` is on; a pledge that is later marked paid gets its tax receipt then.
    """
    if gift.source not in OFFLINE_SOURCES:
        raise ValueError(_("Offline gifts are checks, cash, wires, stock or pledges."))
    if gift.source == Gift.Source.PLEDGE and gift.expected_on is None:
        raise ValueError(_("A pledge needs the date the money is expected."))
    if gift.received_on is None:
        raise ValueError(_("Enter the date the gift was received."))
    if gift.status not in (Gift.Status.SUCCEEDED, Gift.Status.FAILED):
        raise ValueError(_("An offline gift is either received or void."))
    gift.currency = settings.GIFT_CURRENCY
    gift.frequency = Frequency.ONE_TIME
    gift.fee_cents = 0
    received = datetime.datetime.combine(gift.received_on, datetime.time(12), tzinfo=timezone.get_current_timezone())
    gift.paid_at = received if gift.status == Gift.Status.SUCCEEDED else None
    # Staff typed the message themselves: it needs no review (one they hid stays hidden).
    if not gift.message:
        gift.message_status = Gift.MessageStatus.NONE
    elif gift.message_status != Gift.MessageStatus.HIDDEN:
        gift.message_status = Gift.MessageStatus.APPROVED
    if gift.pk:
        previous = Gift.objects.filter(pk=gift.pk).values_list("source", flat=True).first()
        if previous == Gift.Source.PLEDGE and gift.source != Gift.Source.PLEDGE:
            # A pledge paid: the acknowledgement went out, the tax receipt has not.
            gift.receipt_sent_at = None
            gift.receipt_attempts = 0
    with transaction.atomic():
        gift_save(gift)
        if send_receipt and gift.donor_email and gift.status == Gift.Status.SUCCEEDED and gift.receipt_sent_at is None:
            gift_id = gift.pk
            transaction.on_commit(lambda: gift_receipt_enqueue(gift_id=gift_id), robust=True)
    log.info("Offline gift %s saved by user %s", gift.pk, getattr(actor, "pk", None))
    return gift


def gift_receipt_resend(*, gift_id: int, actor=None) -> str:
    """
    Send a gift's receipt again (a donor lost it, or the first one failed), whatever was sent
    before: returns "sent", "no email", "not paid" or "failed" (the error is kept on the gift).
    """
    from . import receipts

    with transaction.atomic():
        gift = (
            Gift.objects.select_for_update(of=("self",))
            .select_related("campaign", "designation")
            .filter(pk=gift_id)
            .first()
        )
        if gift is None or gift.status not in SETTLED_STATUSES or gift.status == Gift.Status.DISPUTED:
            return "not paid"
        if not gift.donor_email:
            return "no email"
        try:
            receipts.receipt_send(gift=gift)
        except Exception as error:
            log.warning("Receipt resend for gift %s failed: %s", gift.pk, type(error).__name__)
            gift.receipt_error = f"{type(error).__name__}: {error}"[:2000]
            gift_save(gift)
            return "failed"
        gift.receipt_sent_at = timezone.now()
        gift.receipt_error = ""
        gift_save(gift)
    log.info("Receipt for gift %s resent by user %s", gift_id, getattr(actor, "pk", None))
    return "sent"
