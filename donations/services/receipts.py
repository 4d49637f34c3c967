"""Receipts and dedication notices: sent once after payment, retried, or sent again by staff."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Gift
from .tallies import gift_save

log = logging.getLogger(__name__)


MAX_RECEIPT_ATTEMPTS = 5


def gift_receipt_enqueue(*, gift_id: int) -> None:
    from ..tasks import gift_send_receipt

    gift_send_receipt.enqueue(gift_id=gift_id)


def fundraiser_gift_notice_enqueue(*, gift_id: int) -> None:
    """The email telling a fundraiser of a gift through their page (fundraisers' task: it owns the wording)."""
    from fundraisers.tasks import fundraiser_send_gift_notice

    fundraiser_send_gift_notice.enqueue(gift_id=gift_id)


def gift_refund_notice_enqueue(*, gift_id: int) -> None:
    from ..tasks import gift_send_refund_notice

    gift_send_refund_notice.enqueue(gift_id=gift_id)


def gift_refund_notice_send(*, gift_id: int) -> str:
    """The donor's notice of a refund or dispute, with the new deductible amount (as the gift is now)."""
    from .. import receipts

    gift = Gift.objects.select_related("campaign", "designation").filter(pk=gift_id).first()
    if gift is None or not gift.donor_email:
        return "no email"
    try:
        receipts.refund_notice_send(gift=gift)
    except Exception as error:
        log.warning("Refund notice for gift %s failed: %s", gift.pk, type(error).__name__)
        return "failed"
    return "sent"


def gift_receipt_send(*, gift_id: int) -> str:
    """
    Send the gift's receipt (once) and the dedication notice (once). A mail failure leaves the gift
    as it is, counts an attempt and keeps the error; send_pending_receipts retries later.
    """
    from .. import receipts

    with transaction.atomic():
        gift = (
            Gift.objects.select_for_update(of=("self",))
            .select_related("campaign", "designation")
            .filter(pk=gift_id)
            .first()
        )
        # A gift refunded in full (or disputed) before its receipt went out gets none.
        if gift is None or gift.status not in Gift.COUNTED_STATUSES:
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


def gift_receipt_resend(*, gift_id: int, actor=None) -> str:
    """
    Send a gift's receipt again (a donor lost it, or the first one failed), whatever was sent
    before: returns "sent", "no email", "not paid" or "failed" (the error is kept on the gift).
    """
    from .. import receipts

    with transaction.atomic():
        gift = (
            Gift.objects.select_for_update(of=("self",))
            .select_related("campaign", "designation")
            .filter(pk=gift_id)
            .first()
        )
        if gift is None or gift.status not in Gift.SETTLED_STATUSES or gift.status == Gift.Status.DISPUTED:
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
