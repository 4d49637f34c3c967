"""Monthly gifts: the plan behind a subscription, each paid invoice as one gift, and the donor's management link."""

import datetime
import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.tokens import token_create, token_hash_of_input, token_link, token_spend

from .. import selectors, stripe_gateway
from ..models import RECURRING_FREQUENCIES, Gift, PlanManageToken, Pledge, RecurringPlan
from ..stripe_types import Invoice, Subscription
from .pledges import pledge_after_payment, pledge_link_plan, pledge_record_plan_ended
from .stripe_events import EventRejected, _defer_if_recent, _gift_apply_payer, _gift_id_from, _gift_mark_paid
from .tallies import gift_save

log = logging.getLogger(__name__)


def _plan_for(gift: Gift, *, subscription_id: str) -> RecurringPlan:
    """The gift's monthly plan, created once per subscription (unique), from the gift that began it."""
    plan, _created = RecurringPlan.objects.select_for_update().get_or_create(
        stripe_subscription_id=subscription_id,
        defaults={
            "campaign": gift.campaign,
            "designation": gift.designation,
            "fundraiser": gift.fundraiser,
            "amount_cents": gift.amount_cents,
            "fee_cents": gift.fee_cents,
            "frequency": gift.frequency,
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


def _pledge_instalment_recorded(gift: Gift) -> None:
    """A paid instalment of an online pledge: the pledge knows its plan, and moves on (active, paid in full)."""
    if not gift.pledge_id or gift.status not in Gift.COUNTED_STATUSES:
        return
    pledge = Pledge.objects.select_for_update().get(pk=gift.pledge_id)
    if gift.plan_id:
        pledge_link_plan(pledge=pledge, plan=gift.plan)
    pledge_after_payment(pledge=pledge)


def _plan_activate(plan: RecurringPlan) -> None:
    if plan.status in (RecurringPlan.Status.INCOMPLETE, RecurringPlan.Status.PAST_DUE):
        plan.status = RecurringPlan.Status.ACTIVE
        plan.started_at = plan.started_at or timezone.now()
        plan.save()


def _invoice_payment_intent(invoice_id: str) -> str:
    """
    The payment intent that paid an invoice. Since 2025-03-31 an invoice names no payment intent,
    and webhooks never expand its `payments`: only the Invoice Payments API links the two. Asked
    only while the invoice's gift has no payment intent yet (once a month, per plan).
    """
    if Gift.objects.filter(stripe_invoice_id=invoice_id).exclude(stripe_payment_intent_id="").exists():
        return ""
    return stripe_gateway.invoice_payment_intent(invoice_id=invoice_id)


@transaction.atomic
def gift_record_invoice_paid(*, invoice: Invoice) -> Gift | None:
    """
    A paid month of a plan. The first invoice is the gift the donor made on the form (found by
    the gift id in the subscription's metadata, whether or not checkout.session.completed has
    arrived yet); every later invoice is a new gift. The invoice id is unique on gifts.
    """
    invoice_id, subscription_id = invoice.id, invoice.subscription_id
    if not invoice_id or not subscription_id:
        return None  # not a subscription invoice: nothing of ours
    amount_paid = invoice.amount_paid
    if amount_paid is None or amount_paid < 0:
        raise EventRejected(f"Invoice {invoice_id} has no amount_paid ({amount_paid!r})")
    if amount_paid == 0:
        # A $0 invoice (a credit balance or a coupon paid it): no money, so no gift; acknowledged.
        log.info("Invoice %s of subscription %s paid $0: recorded as nothing", invoice_id, subscription_id)
        return None
    # Before any row is locked: a request to Stripe while holding the plan's rows would hold them long.
    payment_intent_id = _invoice_payment_intent(invoice_id)

    origin_id = _gift_id_from(invoice.subscription_metadata.get("gift_id"))
    origin = Gift.objects.select_for_update().filter(pk=origin_id, frequency__in=RECURRING_FREQUENCIES).first()
    plan = RecurringPlan.objects.select_for_update().filter(stripe_subscription_id=subscription_id).first()
    if plan is None and origin is None:
        message = f"Invoice {invoice_id}: no plan or gift for subscription {subscription_id} yet"
        _defer_if_recent(invoice.created, message)
        return None

    gift = Gift.objects.select_for_update().filter(stripe_invoice_id=invoice_id).first()
    if gift is None and origin is not None and not origin.stripe_invoice_id:
        gift = origin  # the first month is the form's gift, whichever event arrives first: not a second one
    if gift is None:
        first = origin or plan.gifts.order_by("created_at", "pk").first()
        gift = Gift(
            campaign=(plan or first).campaign,
            designation=(plan or first).designation,
            # The page the plan began through, even if it has closed since: the donor chose it.
            fundraiser_id=(plan or first).fundraiser_id,
            amount_cents=plan.amount_cents if plan else first.amount_cents,
            fee_cents=plan.fee_cents if plan else first.fee_cents,
            currency=invoice.currency or settings.GIFT_CURRENCY,
            frequency=plan.frequency if plan else first.frequency,
            pledge=plan.pledge if plan and hasattr(plan, "pledge") else (first.pledge if first else None),
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
    gift.stripe_payment_intent_id = gift.stripe_payment_intent_id or payment_intent_id
    _gift_apply_payer(gift, invoice.payer)
    if gift.pk is None:
        gift = gift_save(gift)
    gift.plan = plan or _plan_for(gift, subscription_id=subscription_id)
    _gift_mark_paid(gift)
    _plan_activate(gift.plan)
    gift = gift_save(gift)
    _pledge_instalment_recorded(gift)
    return gift


@transaction.atomic
def plan_record_invoice_failed(*, invoice: Invoice) -> RecurringPlan | None:
    plan = RecurringPlan.objects.select_for_update().filter(stripe_subscription_id=invoice.subscription_id).first()
    gift = Gift.objects.select_for_update().filter(stripe_invoice_id=invoice.id or "-").first()
    if gift is not None and gift.status == Gift.Status.PENDING:
        gift.status = Gift.Status.FAILED
        gift.failure_reason = "Invoice payment failed"
        gift_save(gift)
    if plan is not None and plan.status == RecurringPlan.Status.ACTIVE:
        plan.status = RecurringPlan.Status.PAST_DUE
        plan.save()
    if plan is not None and Pledge.objects.filter(plan=plan, status=Pledge.Status.ACTIVE).exists():
        # Each failed attempt is told: the donor can update the card before Stripe's next retry.
        plan_id = plan.pk
        transaction.on_commit(lambda: _pledge_failure_later(plan_id), robust=True)
    return plan


def _pledge_failure_later(plan_id: int) -> None:
    from ..tasks import pledge_send_payment_failed

    pledge_send_payment_failed.enqueue(plan_id=plan_id)


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
def plan_record_subscription(*, subscription: Subscription, deleted: bool = False) -> RecurringPlan | None:
    plans = RecurringPlan.objects.select_for_update()
    plan = plans.filter(stripe_subscription_id=subscription.id or "-").first()
    if plan is None:
        return None  # a subscription this site never recorded (or not yet): nothing to change
    status = RecurringPlan.Status.CANCELED if deleted else _SUBSCRIPTION_STATUSES.get(subscription.status)
    if status is None or plan.status == RecurringPlan.Status.CANCELED:
        return plan  # a cancelled plan stays cancelled, whatever older events arrive after
    plan.status = status
    if len(subscription.items) == 1 and not deleted:
        # The donor changed the monthly amount in the Customer Portal: the price is what we charge.
        [item] = subscription.items
        if item.unit_amount is not None and item.quantity is not None:
            charged = item.unit_amount * item.quantity
            if charged > plan.fee_cents:
                plan.amount_cents = charged - plan.fee_cents
    if not deleted and not subscription.paused:
        plan.paused_until = None  # resumed at Stripe (resumes_at passed): charging again
    if status == RecurringPlan.Status.CANCELED:
        ended_at = subscription.ended_at
        plan.canceled_at = (
            datetime.datetime.fromtimestamp(ended_at, tz=datetime.UTC) if ended_at is not None else timezone.now()
        )
    plan.save()
    if status == RecurringPlan.Status.CANCELED:
        pledge_record_plan_ended(plan=plan)
    return plan


def plan_manage_url(*, plan: RecurringPlan) -> str:
    """A new single-use, expiring link to the plan's Customer Portal (through the site, which spends the token)."""
    from django.urls import reverse

    token, token_hash = token_create()
    PlanManageToken.objects.create(
        plan=plan,
        token_hash=token_hash,
        expires_at=timezone.now() + datetime.timedelta(seconds=selectors.PLAN_LINK_MAX_AGE),
    )
    return token_link(reverse("donations:manage_open"), token)


def plan_manage_token_use(*, token: str, session) -> RecurringPlan | None:
    """
    Spend an emailed token (once, and only before it expires) and let this browser's session
    open its plan for selectors.PLAN_SESSION_MAX_AGE. None: unknown, spent or expired.
    """
    token_hash = token_hash_of_input(token)
    if token_hash is None:
        return None
    if not token_spend(PlanManageToken.objects.filter(token_hash=token_hash, expires_at__gt=timezone.now())):
        return None
    plan = RecurringPlan.objects.select_related("campaign").get(manage_tokens__token_hash=token_hash)
    session.cycle_key()
    session[selectors.PLAN_SESSION_KEY] = {
        "plan": plan.pk,
        "until": int(time.time()) + selectors.PLAN_SESSION_MAX_AGE,
    }
    return plan


def plan_portal_url(*, plan: RecurringPlan, return_url: str) -> str:
    """A Stripe Customer Portal address where the plan's donor manages it. Raises PaymentError."""
    portal = stripe_gateway.billing_portal_session_create(customer_id=plan.stripe_customer_id, return_url=return_url)
    return portal.url


def plan_manage_session_grant(*, plan: RecurringPlan, session) -> None:
    """
    Let this browser open `plan`'s page (donations:manage_plan) for selectors.PLAN_SESSION_MAX_AGE:
    the donor already proved they hold its address on their own pages (donors/), so no second link.
    """
    session[selectors.PLAN_SESSION_KEY] = {"plan": plan.pk, "until": int(time.time()) + selectors.PLAN_SESSION_MAX_AGE}


# --- The donor's own changes (issue 15): through the site, so the plan's history, its receipts
# (each later gift is made from the plan's amount and frequency) and its emails stay right. The
# card itself is changed in Stripe's Customer Portal (plan_portal_url).


class PlanChangeRefused(Exception):
    """A change this plan cannot take (cancelled, a pledge's fixed schedule): `message` is for the donor."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


PAUSE_MAX_MONTHS = 6


def _plan_locked_for_change(plan_id: int, *, schedule: bool) -> RecurringPlan:
    from django.utils.translation import gettext as _

    plan = RecurringPlan.objects.select_for_update().get(pk=plan_id)
    if plan.status == RecurringPlan.Status.CANCELED:
        raise PlanChangeRefused(_("This gift is cancelled: nothing more can change."))
    if schedule and Pledge.objects.filter(plan=plan).exists():
        raise PlanChangeRefused(
            _("This plan pays a pledge: its instalments and their schedule are fixed. You can still cancel it.")
        )
    if not plan.stripe_subscription_id or plan.status == RecurringPlan.Status.INCOMPLETE:
        raise PlanChangeRefused(_("This gift has not started yet: try again once its first payment is made."))
    return plan


def _interval(frequency: str) -> tuple[str, int]:
    from ..models import PERIOD_MONTHS

    months = PERIOD_MONTHS[frequency]
    return ("year", 1) if months == 12 else ("month", months)


def _record_change(plan: RecurringPlan, *, kind: str, before: tuple[int, str]) -> None:
    from ..models import PlanChange

    PlanChange.objects.create(
        plan=plan,
        kind=kind,
        amount_cents_before=before[0],
        amount_cents_after=plan.amount_cents + plan.fee_cents,
        frequency_before=before[1],
        frequency_after=plan.frequency,
        paused_until=plan.paused_until,
    )
    plan_id = plan.pk
    transaction.on_commit(lambda: _plan_change_email_later(plan_id, kind), robust=True)


def _plan_change_email_later(plan_id: int, kind: str) -> None:
    from ..tasks import plan_send_change_confirmation

    plan_send_change_confirmation.enqueue(plan_id=plan_id, kind=kind)


def _reprice(plan: RecurringPlan, *, amount_cents: int, frequency: str) -> None:
    from core import money

    fee_cents = money.fee_cents(amount_cents) if plan.fee_cents else 0
    interval, count = _interval(frequency)
    stripe_gateway.subscription_change_price(
        subscription_id=plan.stripe_subscription_id,
        unit_amount=amount_cents + fee_cents,
        currency=plan.currency,
        interval=interval,
        interval_count=count,
        new_interval=frequency != plan.frequency,
    )
    plan.amount_cents, plan.fee_cents, plan.frequency = amount_cents, fee_cents, frequency


@transaction.atomic
def plan_change_amount(*, plan_id: int, amount_cents: int) -> RecurringPlan:
    """The amount each time, from the next payment on (nothing prorated). Raises PlanChangeRefused, PaymentError."""
    from ..models import PlanChange

    plan = _plan_locked_for_change(plan_id, schedule=True)
    before = (plan.amount_cents + plan.fee_cents, plan.frequency)
    _reprice(plan, amount_cents=amount_cents, frequency=plan.frequency)
    plan.save()
    _record_change(plan, kind=PlanChange.Kind.AMOUNT, before=before)
    return plan


@transaction.atomic
def plan_change_frequency(*, plan_id: int, frequency: str) -> RecurringPlan:
    """Monthly, quarterly or annual, from the end of the period already paid. A pledge's schedule is refused."""
    from ..models import PlanChange

    if frequency not in RECURRING_FREQUENCIES:
        raise ValueError(frequency)
    plan = _plan_locked_for_change(plan_id, schedule=True)
    before = (plan.amount_cents + plan.fee_cents, plan.frequency)
    if frequency == plan.frequency:
        return plan
    _reprice(plan, amount_cents=plan.amount_cents, frequency=frequency)
    plan.save()
    _record_change(plan, kind=PlanChange.Kind.FREQUENCY, before=before)
    return plan


def _months_later(moment: datetime.datetime, months: int) -> datetime.datetime:
    import calendar

    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def plan_pause(*, plan_id: int, months: int) -> RecurringPlan:
    """Charge nothing for `months` (1–6): Stripe voids the invoices meanwhile, so no gift, no receipt."""
    from ..models import PlanChange

    if not 1 <= months <= PAUSE_MAX_MONTHS:
        raise ValueError(months)
    plan = _plan_locked_for_change(plan_id, schedule=True)
    before = (plan.amount_cents + plan.fee_cents, plan.frequency)
    until = _months_later(timezone.now(), months)
    stripe_gateway.subscription_pause(subscription_id=plan.stripe_subscription_id, resumes_at=int(until.timestamp()))
    plan.paused_until = until
    plan.save()
    _record_change(plan, kind=PlanChange.Kind.PAUSE, before=before)
    return plan


@transaction.atomic
def plan_resume(*, plan_id: int) -> RecurringPlan:
    from django.utils.translation import gettext as _

    from ..models import PlanChange

    plan = _plan_locked_for_change(plan_id, schedule=False)
    if plan.paused_until is None:
        raise PlanChangeRefused(_("This gift is not paused."))
    before = (plan.amount_cents + plan.fee_cents, plan.frequency)
    stripe_gateway.subscription_resume(subscription_id=plan.stripe_subscription_id)
    plan.paused_until = None
    plan.save()
    _record_change(plan, kind=PlanChange.Kind.RESUME, before=before)
    return plan


@transaction.atomic
def plan_cancel(*, plan_id: int) -> RecurringPlan:
    """Cancelled now, at Stripe and here (the deleted-subscription webhook then finds it cancelled)."""
    from ..models import PlanChange

    plan = _plan_locked_for_change(plan_id, schedule=False)
    before = (plan.amount_cents + plan.fee_cents, plan.frequency)
    stripe_gateway.subscription_cancel(subscription_id=plan.stripe_subscription_id)
    plan.status = RecurringPlan.Status.CANCELED
    plan.canceled_at = timezone.now()
    plan.paused_until = None
    plan.save()
    pledge_record_plan_ended(plan=plan)
    _record_change(plan, kind=PlanChange.Kind.CANCEL, before=before)
    return plan
