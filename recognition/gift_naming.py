"""
Naming a space from the gift form: the gift extension recognition registers with donations
(donations.extensions; donations never imports this app). `?naming=<space id>` on the gift form
fixes a one-time gift of the space's price to its designation and asks for the recognition name.

- reserve: in the transaction that records the pending gift, the space is held for that gift
  until the Checkout Session expires (one unreleased claim per space: a second donor is refused).
- completed: the hold becomes a pledge with the gift attached; the name the donor asked for waits
  for staff to approve it and mark the space named (the admin's existing "Mark named" action).
- expired, or never started: the space is given back. A hold whose expiry has passed is treated
  as available at once by the page and the form, before release_naming_holds gets to it.
- refunded or disputed: the space is not unnamed by itself. Staff get a task email and decide
  (release it, or keep the naming: a part refund of a fee, say, changes nothing).
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import money
from core.localization import localized

from . import services
from .models import NamingClaim, NamingOpportunity, NamingStatus

log = logging.getLogger(__name__)

KEY = "naming"
NAME_MAX_LENGTH = 80


def _refused(message):
    from donations.extensions import OfferRefused

    return OfferRefused(str(message))


def opportunity_available(opportunity: NamingOpportunity, *, now: datetime.datetime | None = None) -> bool:
    """Available, or held by a hold whose expiry has passed (released lazily: the timer may not have run yet)."""
    if opportunity.status == NamingStatus.AVAILABLE:
        return True
    if opportunity.status != NamingStatus.HELD:
        return False
    expires_at = getattr(opportunity, "hold_expires_at", None)
    if expires_at is None:
        claim = NamingClaim.objects.filter(opportunity=opportunity, released_at__isnull=True).first()
        expires_at = claim.expires_at if claim else None
    return expires_at is not None and expires_at <= (now or timezone.now())


def online_price(opportunity: NamingOpportunity) -> bool:
    """A gift of the space's price can be made online (within the gift form's bounds)."""
    return settings.GIFT_MIN_CENTS <= opportunity.price_cents <= settings.GIFT_MAX_CENTS


class NamingExtension:
    key = KEY

    def offer(self, *, ref: str, campaign):
        from donations.extensions import GiftOffer, OfferRefused

        text = str(ref or "")
        if not (text.isascii() and text.isdigit() and len(text) <= 10 and 0 < int(text) < 2**31):
            raise _refused(_("This naming link is not valid. Please choose the space again from the naming page."))
        opportunity = NamingOpportunity.objects.select_related("designation").filter(pk=int(text)).first()
        if opportunity is None:
            raise _refused(_("We could not find this space. Please choose it again from the naming page."))
        if opportunity.campaign_id != campaign.pk:
            raise _refused(_("This space belongs to another campaign. Please choose it again from the naming page."))
        if not online_price(opportunity):
            raise _refused(
                _("This space is named with our development office, not online: please ask about naming it.")
            )
        if not opportunity_available(opportunity):
            if opportunity.status == NamingStatus.HELD:
                raise OfferRefused(
                    str(_("Someone is naming this space right now. Please choose another, or try again later.")),
                    taken=True,
                )
            raise _refused(_("This space has already been named. Please choose another from the naming page."))
        return GiftOffer(
            key=KEY,
            ref=str(opportunity.pk),
            title=localized(opportunity, "name"),
            amount_cents=opportunity.price_cents,
            designation_slug=opportunity.designation.slug if opportunity.designation_id else "",
            campaign_id=opportunity.campaign_id,
            name_label=str(_("Name on the space")),
            name_help=str(
                _(
                    "As you would like it shown, for example “The Rivera family”. Our team confirms it with you "
                    "before it appears on the plan."
                )
            ),
            name_max_length=NAME_MAX_LENGTH,
        )

    def reserve(self, *, offer, gift_id: int, name: str, expires_at: datetime.datetime) -> None:
        from donations.extensions import OfferRefused

        opportunity = NamingOpportunity.objects.get(pk=int(offer.ref))
        try:
            services.space_hold_for_gift(
                opportunity=opportunity, gift_id=gift_id, requested_name=name[:NAME_MAX_LENGTH], expires_at=expires_at
            )
        except services.SpaceTaken:
            raise OfferRefused(
                str(_("Someone is naming this space right now. Please choose another, or try again later.")),
                taken=True,
            ) from None

    def held_for(self, *, gift_id: int) -> tuple[str, str] | None:
        claim = (
            NamingClaim.objects.filter(gift_id=gift_id, status=NamingStatus.HELD).order_by("-created_at", "-pk").first()
        )
        return (str(claim.opportunity_id), claim.requested_name) if claim else None

    def checkout_not_started(self, *, gift_id: int) -> None:
        services.gift_hold_release(gift_id=gift_id)

    def checkout_expired(self, *, gift_id: int, ref: str) -> None:
        services.gift_hold_release(gift_id=gift_id)

    def checkout_completed(self, *, gift_id: int, ref: str) -> None:
        if not (ref.isdigit() and len(ref) <= 10):
            log.error("Gift %s paid with a naming ref that is no space id: %r", gift_id, ref[:40])
            return
        claim = services.gift_hold_paid(gift_id=gift_id, opportunity_id=int(ref))
        if claim is None:
            # Paid, but the space went to someone else after the hold lapsed: never two donors on one
            # space; staff call the donor (another space, or a refund).
            log.error("Gift %s paid for space %s, which someone else now holds", gift_id, ref)
            _notify_after_commit("conflict", gift_id=gift_id, opportunity_id=int(ref))
        else:
            _notify_after_commit("paid", gift_id=gift_id, opportunity_id=claim.opportunity_id)

    def gift_refunded(self, *, gift_id: int) -> None:
        claim = services.gift_claim(gift_id=gift_id)
        if claim is not None:
            # Not unnamed silently: staff decide (release it, or keep it for a part refund).
            _notify_after_commit("refunded", gift_id=gift_id, opportunity_id=claim.opportunity_id)


def _notify_after_commit(kind: str, *, gift_id: int, opportunity_id: int) -> None:
    from . import tasks

    transaction.on_commit(lambda: tasks.naming_gift_notify.enqueue(kind, gift_id, opportunity_id), robust=True)


def price_display(opportunity: NamingOpportunity) -> str:
    return money.format_cents(opportunity.price_cents, whole=True)
