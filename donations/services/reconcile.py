"""Reconciliation with Stripe: re-apply recent sessions, invoices and subscriptions the webhooks may have missed."""

import datetime

from django.utils import timezone

from .. import stripe_gateway
from .checkout import gift_fulfil_checkout_session
from .plans import gift_record_invoice_paid, plan_record_subscription
from .stripe_events import EventDeferred, EventRejected


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
