"""Monthly gifts: the plan behind a subscription, each paid invoice as one gift, and the donor's management link."""

import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from .. import selectors, stripe_gateway
from ..models import Frequency, Gift, RecurringPlan
from .stripe_events import EventRejected, _apply_customer_details, _defer_if_recent, _gift_id_from, _gift_mark_paid
from .tallies import gift_save


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


@transaction.atomic
def gift_record_invoice_paid(*, invoice: dict) -> Gift | None:
    """
    A paid month of a plan. The first invoice is the gift the donor made on the form (found by
    the gift id in the subscription's metadata, whether or not checkout.session.completed has
    arrived yet); every later invoice is a new gift. The invoice id is unique on gifts.
    """
    invoice_id = invoice.get("id") or ""
    subscription_id, metadata = stripe_gateway.invoice_subscription(invoice)
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
    gift.stripe_payment_intent_id = gift.stripe_payment_intent_id or stripe_gateway.invoice_payment_intent(invoice)
    _apply_customer_details(gift, invoice)
    if gift.pk is None:
        gift = gift_save(gift)
    gift.plan = plan or _plan_for(gift, subscription_id=subscription_id)
    _gift_mark_paid(gift)
    _plan_activate(gift.plan)
    return gift_save(gift)


@transaction.atomic
def plan_record_invoice_failed(*, invoice: dict) -> RecurringPlan | None:
    subscription_id, _metadata = stripe_gateway.invoice_subscription(invoice)
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


def plan_manage_links_send(*, email: str) -> int:
    """Email a signed, expiring management link for each active plan of `email`; returns how many."""
    from ..tasks import plan_send_manage_link

    plan_ids = list(selectors.plans_active_for_email(email=email).values_list("pk", flat=True))
    for plan_id in plan_ids:
        transaction.on_commit(lambda plan_id=plan_id: plan_send_manage_link.enqueue(plan_id=plan_id), robust=True)
    return len(plan_ids)


def plan_manage_link_send(*, plan_id: int) -> None:
    from django.urls import reverse

    from .. import receipts

    plan = RecurringPlan.objects.select_related("campaign").get(pk=plan_id)
    token = signing.TimestampSigner(salt=selectors.PLAN_LINK_SALT).sign(str(plan.pk))
    url = settings.SITE_URL + reverse("donations:manage_link", kwargs={"token": token})
    receipts.plan_manage_link_send(plan=plan, url=url)


def plan_portal_url(*, plan: RecurringPlan, return_url: str) -> str:
    """A Stripe Customer Portal address where the plan's donor manages it. Raises PaymentError."""
    portal = stripe_gateway.billing_portal_session_create(customer_id=plan.stripe_customer_id, return_url=return_url)
    return portal["url"]
