"""Gifts staff receive by hand: checks, cash, wires, stock and pledges."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Frequency, Gift
from .receipts import gift_receipt_enqueue
from .tallies import gift_save

log = logging.getLogger(__name__)


def offline_gift_save(*, gift: Gift, actor=None, send_receipt: bool = True) -> Gift:
    """
    Record (or correct) a gift staff received by hand: a check, cash, a wire, stock or a pledge.

    It counts in the meter at once (a pledge as pledged, not raised online or offline) through
    gift_save. The gift's date is the day it was received. The donor gets a receipt (a pledge
    acknowledgement for a pledge) after the transaction commits, when they have an email and
    `send_receipt` is on; a pledge that is later marked paid gets its tax receipt then.
    """
    if gift.source not in Gift.OFFLINE_SOURCES:
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
