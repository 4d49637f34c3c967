"""Reconciliation with Stripe: re-apply recent sessions, invoices and subscriptions the webhooks may have missed."""

import datetime
from collections.abc import Callable
from typing import TypeVar

from django.utils import timezone

from .. import stripe_gateway
from ..models import Gift, Pledge
from .checkout import gift_fulfil_checkout_session
from .plans import gift_record_invoice_paid, plan_record_subscription
from .pledges import pledge_set_end
from .refunds import gift_link_invoice_payment
from .stripe_events import EventDeferred, EventRejected

T = TypeVar("T")

# Stripe retries a failed subscription payment for up to two months (the longest retry schedule
# its settings offer), so a month paid today may belong to an invoice created that long ago.
INVOICE_RETRY_WINDOW = datetime.timedelta(days=62)
# Old months of plans with no payment intent linked, repaired per run (a few Stripe calls each run).
LINK_REPAIRS_PER_RUN = 100


def stripe_reconcile(*, days: int = 3, progress=None) -> dict:
    """
    Re-read recent Checkout Sessions, invoices paid recently (by when they were paid, not when
    they were created: a retried month is paid days after its invoice) and every subscription,
    and apply them with the webhook's own idempotent functions, repairing whatever webhooks
    missed; then link old months of plans that have no payment intent. Each list is read on its
    own: one that fails is reported in `errors` (which call, what to do) and the others are still
    applied. Running it twice changes nothing the second time.
    """
    now = timezone.now()
    since = int((now - datetime.timedelta(days=days)).timestamp())
    report: dict = {"sessions": 0, "invoices": 0, "plans": 0, "linked": 0, "rejected": [], "errors": []}
    say = progress or (lambda line: None)

    def read(call: str, fetch: Callable[[], list[T]], advice: str) -> list[T]:
        try:
            return fetch()
        except stripe_gateway.PaymentError as error:
            report["errors"].append(f"{call} failed: {error}. {advice}")
            return []

    sessions = read(
        "GET /v1/checkout/sessions",
        lambda: stripe_gateway.checkout_session_list(created_gte=since),
        "One-time gifts were not checked; the key needs Checkout Sessions: read. Run again later.",
    )
    for index, session in enumerate(sessions, start=1):
        if session.status not in ("complete", "expired"):
            continue
        try:
            gift = gift_fulfil_checkout_session(session=session)
        except EventRejected as error:
            report["rejected"].append(f"{session.id}: not applied: {error}")
            continue
        if gift is not None:
            report["sessions"] += 1
            say(f"[session {index}/{len(sessions)}] {session.id}: gift {gift.pk} {gift.status}")

    window = int((now - datetime.timedelta(days=days) - INVOICE_RETRY_WINDOW).timestamp())
    invoices = read(
        "GET /v1/invoices",
        lambda: stripe_gateway.invoice_list(created_gte=window),
        "Monthly payments were not checked; the key needs Invoices: read. Run again later.",
    )
    for index, invoice in enumerate(invoices, start=1):
        paid_at = invoice.paid_at
        if paid_at is None or paid_at < since:
            continue  # paid before the period read (or not paid): its webhook had days to arrive
        try:
            gift = gift_record_invoice_paid(invoice=invoice)
        except EventRejected as error:
            report["rejected"].append(f"{invoice.id}: not applied: {error}")
            continue
        except EventDeferred:
            continue  # a subscription this site has no plan or gift for: not one of ours
        except stripe_gateway.PaymentError as error:
            report["errors"].append(
                f"GET /v1/invoice_payments?invoice={invoice.id} failed: {error}. "
                "That month was not recorded; the key needs Invoice Payments: read. Run again later."
            )
            continue
        if gift is not None:
            report["invoices"] += 1
            say(f"[invoice {index}/{len(invoices)}] {invoice.id}: gift {gift.pk} {gift.status}")

    subscriptions = read(
        "GET /v1/subscriptions",
        stripe_gateway.subscription_list,
        "Plans were not checked; the key needs Subscriptions: read. Run again later.",
    )
    for subscription in subscriptions:
        deleted = subscription.status == "canceled"
        if plan_record_subscription(subscription=subscription, deleted=deleted) is not None:
            report["plans"] += 1
    say(f"{len(subscriptions)} subscription(s) read, {report['plans']} of them ours.")

    unlinked = (
        Gift.objects.filter(source=Gift.Source.ONLINE, stripe_payment_intent_id="", status__in=Gift.SETTLED_STATUSES)
        .exclude(stripe_invoice_id="")
        .order_by("pk")[:LINK_REPAIRS_PER_RUN]
    )
    for gift in unlinked:
        try:
            if gift_link_invoice_payment(gift=gift).stripe_payment_intent_id:
                report["linked"] += 1
        except stripe_gateway.PaymentError as error:
            report["errors"].append(
                f"GET /v1/invoice_payments?invoice={gift.stripe_invoice_id} failed: {error}. "
                "Older monthly gifts were not linked to their payments; the key needs Invoice Payments: read. "
                "Run again later."
            )
            break
    if report["linked"]:
        say(f"{report['linked']} older monthly gift(s) linked to their payment.")

    # An online pledge whose end was never set at Stripe (its task failed): set it now.
    report["pledge_ends"] = 0
    unended = Pledge.objects.filter(
        source=Pledge.Source.ONLINE, status=Pledge.Status.ACTIVE, stripe_schedule_id="", plan__isnull=False
    )
    for pledge_id in unended.order_by("pk").values_list("pk", flat=True)[:LINK_REPAIRS_PER_RUN]:
        try:
            if pledge_set_end(pledge_id=pledge_id):
                report["pledge_ends"] += 1
        except stripe_gateway.PaymentError as error:
            report["errors"].append(
                f"POST /v1/subscription_schedules for pledge {pledge_id} failed: {error}. "
                "The pledge's plan has no end at Stripe yet; the key needs Subscription schedules: write. "
                "Run again later."
            )
            break
    if report["pledge_ends"]:
        say(f"{report['pledge_ends']} pledge plan(s) given their end at Stripe.")
    return report
