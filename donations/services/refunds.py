"""Refunds and disputes: Finance's refunds through Stripe, and Stripe's refund and dispute events."""

import logging

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core import money

from .. import stripe_gateway
from ..models import Gift
from .stripe_events import EventRejected, _defer_if_recent, _gift_id_from
from .tallies import _settled_status, gift_save

log = logging.getLogger(__name__)


class RefundError(Exception):
    """A refund Finance asked for that cannot be made as asked; the message says why, for staff."""


def _gift_for_charge(*, charge_id: str, payment_intent_id: str, metadata: dict) -> Gift | None:
    query = Q(pk__in=[])
    if payment_intent_id:
        query |= Q(stripe_payment_intent_id=payment_intent_id)
    if charge_id:
        query |= Q(stripe_charge_id=charge_id)
    gift = Gift.objects.select_for_update().filter(query).first()
    if gift is None and _gift_id_from(metadata.get("gift_id")):
        # Lock by id, then check: a concurrent checkout.session.completed may be setting the
        # payment intent right now, and a WHERE on it would skip the row once that commits.
        gift = (
            Gift.objects.select_for_update()
            .filter(pk=_gift_id_from(metadata.get("gift_id")), source=Gift.Source.ONLINE)
            .first()
        )
        if gift is not None and gift.stripe_payment_intent_id not in ("", payment_intent_id):
            return None  # metadata naming a gift that another payment paid: not this charge's
        if gift is not None and payment_intent_id:
            gift.stripe_payment_intent_id = payment_intent_id
    return gift


def _gift_for_stripe_object(obj: dict, *, charge_id: str, kind: str) -> Gift | None:
    """The locked gift a charge or dispute is about, its charge id noted; None (deferred if recent) if unknown."""
    gift = _gift_for_charge(
        charge_id=charge_id,
        payment_intent_id=stripe_gateway.object_id(obj.get("payment_intent")),
        metadata=obj.get("metadata") or {},
    )
    if gift is None:
        _defer_if_recent(obj, f"{kind} {obj.get('id')}: its gift is not recorded yet")
        return None
    gift.stripe_charge_id = gift.stripe_charge_id or charge_id
    return gift


@transaction.atomic
def gift_record_charge_refunded(*, charge: dict) -> Gift | None:
    """
    Stripe's charge says how much of it is refunded in all (`amount_refunded`): apply that
    absolute amount, so a Finance refund recorded first, a repeated event or events in any order
    never count a refund twice.
    """
    amount_refunded = charge.get("amount_refunded")
    if not isinstance(amount_refunded, int) or amount_refunded < 0:
        raise EventRejected(f"Charge {charge.get('id')!r} has no amount_refunded")
    gift = _gift_for_stripe_object(charge, charge_id=stripe_gateway.object_id(charge.get("id")), kind="Charge")
    if gift is None:
        return None
    gift.refunded_cents = max(gift.refunded_cents, min(amount_refunded, gift.total_cents))
    if gift.status in Gift.SETTLED_STATUSES - {Gift.Status.DISPUTED}:
        gift.status = _settled_status(gift)
    return gift_save(gift)


@transaction.atomic
def gift_record_dispute(*, dispute: dict, closed: bool) -> Gift | None:
    """A dispute takes the gift off the meter; a won dispute puts it back, a lost one leaves it off."""
    gift = _gift_for_stripe_object(dispute, charge_id=stripe_gateway.object_id(dispute.get("charge")), kind="Dispute")
    if gift is None:
        return None
    if not closed:
        if gift.status in Gift.COUNTED_STATUSES | {Gift.Status.PENDING}:
            gift.status = Gift.Status.DISPUTED
    elif dispute.get("status") in ("won", "warning_closed") and gift.status == Gift.Status.DISPUTED:
        gift.status = _settled_status(gift)
    return gift_save(gift)


def gift_refund(*, gift: Gift, amount_cents: int, reason: str = "", actor=None) -> Gift:
    """
    Refund part or all of an online gift through Stripe (Finance only: the caller checks the
    permission). The gift row is locked for the call, so two clicks cannot refund twice, and the
    idempotency key numbers each refund, so a retried request cannot either.
    """
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool):
        raise RefundError(_("Enter the refund amount in cents."))
    with transaction.atomic():
        locked = Gift.objects.select_for_update().get(pk=gift.pk)
        if locked.source != Gift.Source.ONLINE or not locked.stripe_payment_intent_id:
            raise RefundError(_("Only online gifts paid through Stripe can be refunded here."))
        if locked.status not in Gift.COUNTED_STATUSES:
            raise RefundError(
                _("A gift that is %(status)s cannot be refunded.") % {"status": locked.get_status_display().lower()}
            )
        if amount_cents <= 0 or amount_cents > locked.remaining_cents:
            raise RefundError(
                _("The refund must be between %(min)s and %(max)s.")
                % {"min": money.format_cents(1), "max": money.format_cents(locked.remaining_cents)}
            )
        number = locked.refund_requests + 1
        refunded_before = locked.refunded_cents
        stripe_gateway.refund_create(
            payment_intent_id=locked.stripe_payment_intent_id,
            amount_cents=amount_cents,
            reason=reason if reason in ("duplicate", "fraudulent", "requested_by_customer") else "",
            metadata={"gift_id": str(locked.pk), "actor": str(getattr(actor, "pk", "") or "")},
            idempotency_key=stripe_gateway.refund_idempotency_key(locked.pk, number),
        )
        locked.refund_requests = number
        # max(): the charge.refunded webhook may already have applied this refund (absolute).
        locked.refunded_cents = max(locked.refunded_cents, refunded_before + amount_cents)
        locked.status = _settled_status(locked)
        log.info("Gift %s refunded %s by user %s (%s)", locked.pk, amount_cents, getattr(actor, "pk", None), reason)
        return gift_save(locked)
