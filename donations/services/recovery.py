"""
Gifts not lost at checkout: the one reminder, with Checkout's recovery link, to a donor who asked
for it on the form ("email me a link if I don't finish") and whose session expired unpaid.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import money

from ..models import Gift

log = logging.getLogger(__name__)

# One reminder per address in this window, however many gifts it left unfinished.
REMINDER_QUIET_DAYS = 30


def _recovery_reminder_enqueue(*, gift_id: int) -> None:
    from ..tasks import gift_send_recovery_reminder

    gift_send_recovery_reminder.enqueue(gift_id=gift_id)


def _paid_since(*, email: str, since: datetime.datetime) -> bool:
    return (
        Gift.objects.filter(Q(donor_email__iexact=email) | Q(recovery_email__iexact=email))
        .filter(status__in=Gift.SETTLED_STATUSES, paid_at__gte=since)
        .exists()
    )


def gift_recovery_reminder_send(*, gift_id: int) -> str:
    """
    Send the gift's reminder unless it was sent, the donor gave since (from the same address), or
    the address had a reminder in the last REMINDER_QUIET_DAYS. The row is claimed before sending
    (a conditional UPDATE), so two workers never both send; a failed send gives the claim back.
    Returns what happened: "sent", "already", "paid", "recent" or "none".
    """
    gift = Gift.objects.select_related("campaign").filter(pk=gift_id).first()
    if gift is None or not gift.recovery_email or not gift.recovery_url:
        return "none"
    if gift.status != Gift.Status.EXPIRED or _paid_since(email=gift.recovery_email, since=gift.created_at):
        return "paid"
    quiet_since = timezone.now() - datetime.timedelta(days=REMINDER_QUIET_DAYS)
    if (
        Gift.objects.filter(recovery_email__iexact=gift.recovery_email, recovery_sent_at__gte=quiet_since)
        .exclude(pk=gift.pk)
        .exists()
    ):
        return "recent"
    now = timezone.now()
    claimed = Gift.objects.filter(pk=gift.pk, recovery_sent_at__isnull=True).update(recovery_sent_at=now)
    if claimed != 1:
        return "already"
    try:
        with translation.override(gift.language or settings.LANGUAGE_CODE):
            context = {
                "gift": gift,
                "amount": money.format_cents(gift.total_cents),
                "url": gift.recovery_url,
                "org_name": settings.ORG_NAME,
                "site_url": settings.SITE_URL,
            }
            message = EmailMultiAlternatives(
                subject=_("Your gift to %(org)s is waiting") % {"org": settings.ORG_NAME},
                body=render_to_string("emails/donations/recovery_reminder.txt", context),
                to=[gift.recovery_email],
            )
            message.attach_alternative(
                render_to_string("emails/donations/recovery_reminder.html", context), "text/html"
            )
            message.send()
    except Exception:
        Gift.objects.filter(pk=gift.pk, recovery_sent_at=now).update(recovery_sent_at=None)
        raise
    return "sent"
