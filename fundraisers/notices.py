"""
The site's emails to fundraisers (a gift through their page, their link) and, on a fundraiser's
behalf, to their donors (a thank-you note): each sent once, from a task. A fundraiser never sees a
donor's email address: the site reads it (donations.selectors) and sends the note itself.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import money
from core.localization import localized
from donations import selectors as donations_selectors

from .models import Fundraiser, GiftAcknowledgement
from .services import manage_url

log = logging.getLogger(__name__)


def _send(*, template: str, subject: str, to: str, context: dict) -> None:
    context = {**context, "org_name": settings.ORG_NAME}
    send_mail(subject, render_to_string(f"emails/fundraisers/{template}.txt", context), None, [to])


def manage_link_send(*, fundraiser_id: int) -> str:
    """The fundraiser's own link, emailed when the page is created."""
    fundraiser = Fundraiser.objects.select_related("campaign").filter(pk=fundraiser_id).first()
    if fundraiser is None:
        return "no page"
    with translation.override(fundraiser.language or settings.LANGUAGE_CODE):
        context = {"fundraiser": fundraiser, "manage_url": manage_url(fundraiser=fundraiser)}
        subject = _("Your fundraiser “%(title)s”") % {"title": fundraiser.title}
        _send(template="manage_link", subject=subject, to=fundraiser.owner_email, context=context)
    return "sent"


def gift_notice_send(*, gift_id: int) -> str:
    """Tell the fundraiser of a gift through their page (once): the donor's chosen name and message."""
    gift = donations_selectors.gift_for_fundraiser_notice(gift_id=gift_id)
    if gift is None:
        return "not counted"  # refunded before the task ran, or not through a page
    with transaction.atomic():
        ack, _created = GiftAcknowledgement.objects.select_for_update().get_or_create(
            gift_id=gift_id, defaults={"fundraiser_id": gift.fundraiser_id}
        )
        if ack.notice_sent_at is not None:
            return "already sent"
        fundraiser = Fundraiser.objects.select_related("campaign", "tally").get(pk=gift.fundraiser_id)
        with translation.override(fundraiser.language or settings.LANGUAGE_CODE):
            context = {
                "fundraiser": fundraiser,
                "campaign_title": localized(fundraiser.campaign, "title"),
                "name": gift.name or _("Someone who gives anonymously"),
                "message": gift.message,
                "amount": money.format_cents(gift.amount_cents) if gift.amount_cents is not None else "",
                "manage_url": manage_url(fundraiser=fundraiser),
            }
            subject = _("A gift through your page “%(title)s”") % {"title": fundraiser.title}
            _send(template="gift_notice", subject=subject, to=fundraiser.owner_email, context=context)
        ack.notice_sent_at = timezone.now()
        ack.save(update_fields=["notice_sent_at"])
    return "sent"


def thank_you_send(*, fundraiser_id: int, gift_id: int, note: str) -> str:
    """The fundraiser's thank-you note, to the donor's address (which the fundraiser never sees)."""
    address = donations_selectors.gift_donor_address(gift_id=gift_id, fundraiser_id=fundraiser_id)
    fundraiser = Fundraiser.objects.select_related("campaign").filter(pk=fundraiser_id).first()
    if address is None or fundraiser is None:
        return "no address"
    with translation.override(address.language or settings.LANGUAGE_CODE):
        context = {
            "fundraiser": fundraiser,
            "note": note,
            "page_url": settings.SITE_URL + fundraiser.get_absolute_url(),
        }
        subject = _("A thank-you from %(name)s") % {"name": fundraiser.display_name}
        _send(template="thank_you", subject=subject, to=address.email, context=context)
    return "sent"


def thank_you_request(*, fundraiser: Fundraiser, gift_id: int, note: str) -> str:
    """
    Queue the fundraiser's note to the donor of one gift through their page: "queued", or
    "not yours" (no counted gift of this page by that id) or "already thanked" (one note a gift).
    """
    gift = donations_selectors.gift_for_fundraiser_notice(gift_id=gift_id)
    if gift is None or gift.fundraiser_id != fundraiser.pk:
        return "not yours"
    with transaction.atomic():
        ack, _created = GiftAcknowledgement.objects.select_for_update().get_or_create(
            gift_id=gift_id, defaults={"fundraiser_id": fundraiser.pk}
        )
        if ack.thanked_at is not None:
            return "already thanked"
        ack.thanked_at = timezone.now()
        ack.save(update_fields=["thanked_at"])
        fundraiser_id = fundraiser.pk
        transaction.on_commit(
            lambda: _enqueue_thank_you(fundraiser_id=fundraiser_id, gift_id=gift_id, note=note), robust=True
        )
    return "queued"


def _enqueue_thank_you(*, fundraiser_id: int, gift_id: int, note: str) -> None:
    from .tasks import fundraiser_send_thank_you

    fundraiser_send_thank_you.enqueue(fundraiser_id=fundraiser_id, gift_id=gift_id, note=note)


def thanked_gift_ids(*, fundraiser: Fundraiser) -> set[int]:
    return set(
        GiftAcknowledgement.objects.filter(fundraiser=fundraiser, thanked_at__isnull=False).values_list(
            "gift_id", flat=True
        )
    )


def staff_message_send(*, fundraiser_id: int, subject: str, body: str) -> str:
    """Staff's email to a fundraiser (the "email the selected fundraisers" action), one task each."""
    fundraiser = Fundraiser.objects.select_related("campaign").filter(pk=fundraiser_id).first()
    if fundraiser is None:
        return "no page"
    with translation.override(fundraiser.language or settings.LANGUAGE_CODE):
        context = {"fundraiser": fundraiser, "body": body, "manage_url": manage_url(fundraiser=fundraiser)}
        _send(template="staff_message", subject=subject, to=fundraiser.owner_email, context=context)
    return "sent"


def approved_send(*, fundraiser_id: int) -> str:
    """The fundraiser's page is public: its address to share, and their own link."""
    fundraiser = Fundraiser.objects.select_related("campaign").filter(pk=fundraiser_id).first()
    if fundraiser is None or not fundraiser.is_public:
        return "not public"
    with translation.override(fundraiser.language or settings.LANGUAGE_CODE):
        context = {
            "fundraiser": fundraiser,
            "page_url": settings.SITE_URL + fundraiser.get_absolute_url(),
            "manage_url": manage_url(fundraiser=fundraiser),
        }
        subject = _("Your fundraiser “%(title)s” is live") % {"title": fundraiser.title}
        _send(template="approved", subject=subject, to=fundraiser.owner_email, context=context)
    return "sent"
