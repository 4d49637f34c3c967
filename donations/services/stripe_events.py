"""What every Stripe event handler shares: the two ways an event can fail, and marking a gift paid."""

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import Gift
from ..stripe_types import Payer
from .receipts import fundraiser_gift_notice_enqueue, gift_receipt_enqueue
from .tallies import _settled_status

log = logging.getLogger(__name__)


class EventDeferred(Exception):
    """The event refers to something not recorded yet (out of order): fail it so Stripe retries."""


class EventRejected(Exception):
    """The event is signed but cannot be applied as sent (malformed, or amounts that do not match)."""


def _gift_mark_paid(gift: Gift) -> bool:
    """Pending (or failed/expired, if Stripe now says paid) → paid; returns whether it changed."""
    if gift.status in Gift.SETTLED_STATUSES:
        return False
    gift.status = _settled_status(gift)
    gift.paid_at = gift.paid_at or timezone.now()
    gift.failure_reason = ""
    gift_id = gift.pk
    _enqueue_after_commit(lambda: gift_receipt_enqueue(gift_id=gift_id))
    if gift.fundraiser_id and gift.stripe_checkout_session_id:
        # The fundraiser hears of a gift made on their page's form; a plan's later months are not news.
        _enqueue_after_commit(lambda: fundraiser_gift_notice_enqueue(gift_id=gift_id))
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


def _gift_apply_payer(gift: Gift, payer: Payer) -> None:
    """Fill in who paid, from Checkout or an invoice, where the gift does not say yet."""
    if payer.email and not gift.donor_email:
        gift.donor_email = payer.email[:254]
    if payer.name and not gift.donor_name:
        gift.donor_name = payer.name[:200]
    if payer.address and not gift.donor_address:
        gift.donor_address = payer.address
    if payer.customer_id and not gift.stripe_customer_id:
        gift.stripe_customer_id = payer.customer_id


# Out-of-order deliveries arrive seconds or minutes apart; a charge this site still does not know
# after a day is not one of its gifts (a payment made in the Stripe Dashboard, say), and failing its
# events for ever would only make Stripe retry them for days and then disable the endpoint.
DEFER_UNKNOWN_FOR = datetime.timedelta(hours=24)


def _defer_if_recent(created: int | None, message: str) -> None:
    if created is None:
        # Every Stripe object has its creation time; without one this is no Stripe object.
        raise EventRejected(f"{message}; and it has no creation time")
    if timezone.now().timestamp() - created < DEFER_UNKNOWN_FOR.total_seconds():
        raise EventDeferred(message)
    log.warning("%s; created over a day ago, so not one of ours: acknowledged without effect", message)
