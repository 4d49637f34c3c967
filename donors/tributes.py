"""Tribute cards and honorees' pages: creating a card, emailing it on its day, the staff print queue."""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import money
from donations import selectors

from .models import Honoree, TributeCard

log = logging.getLogger(__name__)


def honoree_for_link(value: str) -> Honoree | None:
    """The honoree whose page link (or bare key) the donor pasted, to add their card to it."""
    key = value.strip().rstrip("/").rsplit("/", 1)[-1]
    if not key or len(key) > 64:
        return None
    return Honoree.objects.filter(key=key).first()


def card_create(*, gift, data: dict) -> TributeCard:
    """
    The card for a gift in honor or memory (one per gift). A new honoree's page, unless the donor
    gave the link of an existing one. Emailed now if its day is today, else by send_tribute_cards.
    """
    with transaction.atomic():
        honoree = data.get("honoree") or Honoree.objects.create(
            name=gift.honoree_name[:200], is_memorial=gift.dedication == "memory"
        )
        card = TributeCard.objects.create(
            gift=gift,
            honoree=honoree,
            design=data["design"],
            from_name=data["from_name"],
            message=data["message"],
            show_amount=data["show_amount"],
            recipient_name=data["recipient_name"],
            recipient_email=data["recipient_email"],
            send_on=data["send_on"],
            print_requested=data["print_requested"],
            mail_to=data["mail_to"] if data["print_requested"] else "",
        )
        if card.recipient_email and card.send_on <= timezone.localdate():
            card_id = card.pk
            transaction.on_commit(lambda: card_email_enqueue(card_id=card_id), robust=True)
    return card


def card_email_enqueue(*, card_id: int) -> None:
    from .tasks import tribute_card_send

    tribute_card_send.enqueue(card_id=card_id)


def card_amount(card: TributeCard) -> str:
    """The gift's amount as the card may show it: only if the donor allowed it."""
    if not card.show_amount:
        return ""
    cents = selectors.gift_counted_cents(gift_ids=[card.gift_id]).get(card.gift_id, 0)
    return money.format_cents(cents) if cents else ""


def card_send(*, card_id: int) -> bool:
    """Email the card once (a conditional UPDATE claims it; a failed send gives the claim back)."""
    now = timezone.now()
    claimed = (
        TributeCard.objects.filter(pk=card_id, emailed_at__isnull=True)
        .exclude(recipient_email="")
        .update(emailed_at=now)
    )
    if claimed != 1:
        return False
    card = TributeCard.objects.select_related("honoree").get(pk=card_id)
    try:
        with translation.override(card_language(card) or settings.LANGUAGE_CODE):
            context = {
                "card": card,
                "url": settings.SITE_URL + card.get_absolute_url(),
                "org_name": settings.ORG_NAME,
                "site_url": settings.SITE_URL,
            }
            message = EmailMultiAlternatives(
                subject=_("A card from %(name)s") % {"name": card.from_name},
                body=render_to_string("emails/donors/tribute_card.txt", context),
                to=[card.recipient_email],
            )
            message.attach_alternative(render_to_string("emails/donors/tribute_card.html", context), "text/html")
            message.send()
    except Exception:
        TributeCard.objects.filter(pk=card_id, emailed_at=now).update(emailed_at=None)
        raise
    return True


def card_language(card: TributeCard) -> str:
    return selectors.gift_language(gift_id=card.gift_id)


def cards_send_due(*, today: datetime.date | None = None) -> tuple[int, int]:
    """Email every card whose day has come; returns (sent, failed)."""
    today = today or timezone.localdate()
    due = list(
        TributeCard.objects.filter(emailed_at__isnull=True, send_on__lte=today)
        .exclude(recipient_email="")
        .values_list("pk", flat=True)
    )
    sent = failed = 0
    for card_id in due:
        try:
            sent += card_send(card_id=card_id)
        except Exception:
            failed += 1
            log.exception("Tribute card %s not sent", card_id)
    return sent, failed


def honoree_totals(*, honorees) -> dict[int, int]:
    """For staff: what the tribute gifts of each honoree count, net of refunds."""
    cards = list(TributeCard.objects.filter(honoree__in=honorees).values_list("honoree_id", "gift_id"))
    counted = selectors.gift_counted_cents(gift_ids=[gift_id for _honoree, gift_id in cards])
    totals: dict[int, int] = {}
    for honoree_id, gift_id in cards:
        totals[honoree_id] = totals.get(honoree_id, 0) + counted.get(gift_id, 0)
    return totals


_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _plausible_key(key: str) -> bool:
    return 20 <= len(key) <= 64 and set(key) <= _KEY_CHARS


def card_by_key(*, key: str) -> TributeCard | None:
    if not _plausible_key(key):
        return None
    return TributeCard.objects.select_related("honoree").filter(key=key).first()


def card_for_gift(*, gift_id: int) -> TributeCard | None:
    return TributeCard.objects.select_related("honoree").filter(gift_id=gift_id).first()


def honoree_by_key(*, key: str) -> Honoree | None:
    if not _plausible_key(key):
        return None
    return Honoree.objects.filter(key=key).first()


def honoree_cards(*, honoree: Honoree) -> list[TributeCard]:
    return list(honoree.cards.only("from_name", "message", "created_at", "honoree_id").order_by("created_at", "pk"))


def cards_for_gifts(*, gift_ids: list[int]) -> dict[int, TributeCard]:
    if not gift_ids:
        return {}
    return {card.gift_id: card for card in TributeCard.objects.select_related("honoree").filter(gift_id__in=gift_ids)}
