"""Refunds and disputes: Finance's refunds through Stripe, and Stripe's refund and dispute events."""

import copy
import logging

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core import money

from .. import extensions, stripe_gateway
from ..models import Gift
from ..stripe_types import Charge, Dispute, Refund
from .stripe_events import EventRejected, _defer_if_recent, _enqueue_after_commit, _gift_id_from
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
    if gift is None and payment_intent_id:
        gift = _gift_for_invoice_payment(payment_intent_id)
    return gift


def _gift_for_invoice_payment(payment_intent_id: str) -> Gift | None:
    """
    A month of a plan whose payment intent is not linked yet (its invoice.paid has not arrived, or
    it was recorded before the site asked the Invoice Payments API): a charge names no invoice,
    so ask Stripe which invoice this payment paid, and link the gift of that invoice.
    """
    invoice_id = stripe_gateway.invoice_for_payment_intent(payment_intent_id=payment_intent_id)
    if not invoice_id:
        return None
    gift = Gift.objects.select_for_update().filter(stripe_invoice_id=invoice_id).first()
    if gift is None or gift.stripe_payment_intent_id not in ("", payment_intent_id):
        return None
    gift.stripe_payment_intent_id = payment_intent_id
    return gift


def _gift_for_stripe_object(obj: Charge | Dispute, *, charge_id: str, kind: str) -> Gift | None:
    """The locked gift a charge or dispute is about, its charge id noted; None (deferred if recent) if unknown."""
    gift = _gift_for_charge(charge_id=charge_id, payment_intent_id=obj.payment_intent_id, metadata=obj.metadata)
    if gift is None:
        _defer_if_recent(obj.created, f"{kind} {obj.id}: its gift is not recorded yet")
        return None
    gift.stripe_charge_id = gift.stripe_charge_id or charge_id
    return gift


def gift_record_charge_refunded(*, charge: Charge) -> Gift | None:
    """
    charge.refunded. Refund events arrive in any order, and a refund can fail or be cancelled
    after its charge.refunded: the charge's refunded total as Stripe has it now is applied
    (absolute, so nothing is counted twice), and the event's own copy only if Stripe does not
    know the charge.
    """
    current = charge
    if charge.id:
        try:
            current = stripe_gateway.charge_retrieve(charge.id)
        except stripe_gateway.PaymentNotFound:
            current = charge
    return _gift_apply_refunded_total(charge=current)


def gift_record_refund(*, refund: Refund) -> Gift | None:
    """
    refund.created, refund.updated, refund.failed: whatever happened to one refund (made, failed,
    cancelled), its charge's refunded total now says what went back; a failed or cancelled
    refund thereby moves refunded_cents, the meter and the receipt back.
    """
    if not refund.charge_id:
        log.info("Refund %s names no charge: nothing to apply", refund.id)
        return None
    try:
        charge = stripe_gateway.charge_retrieve(refund.charge_id)
    except stripe_gateway.PaymentNotFound:
        log.warning(
            "Refund %s: Stripe does not know its charge %s; acknowledged without effect", refund.id, refund.charge_id
        )
        return None
    return _gift_apply_refunded_total(charge=charge)


@transaction.atomic
def _gift_apply_refunded_total(*, charge: Charge) -> Gift | None:
    amount_refunded = charge.amount_refunded
    if amount_refunded is None or amount_refunded < 0:
        raise EventRejected(f"Charge {charge.id!r} has no amount_refunded")
    gift = _gift_for_stripe_object(charge, charge_id=charge.id, kind="Charge")
    if gift is None:
        return None
    before = copy.copy(gift)
    gift.refunded_cents = min(amount_refunded, gift.total_cents)
    if gift.status in Gift.SETTLED_STATUSES - {Gift.Status.DISPUTED}:
        gift.status = _settled_status(gift)
    gift_save(gift)
    _donor_notice_if_deductible_fell(before=before, after=gift)
    return gift


# Every dispute status of the pinned API version, each on purpose. An inquiry (warning_*) takes
# no money: the gift keeps counting. A chargeback (needs_response, under_review, and the appeal
# statuses) has taken the money back: off the meter until won. Won: back. Lost: stays off.
# Prevented: the dispute was stopped by refunding the payment, which the refund events apply.
DISPUTE_STATUS_COUNTS = {
    "warning_needs_response": True,
    "warning_under_review": True,
    "warning_closed": True,
    "needs_response": False,
    "under_review": False,
    "appeal_needs_response": False,
    "appeal_under_review": False,
    "won": True,
    "lost": False,
    "prevented": True,
}


@transaction.atomic
def gift_record_dispute(*, dispute: Dispute) -> Gift | None:
    """charge.dispute.*: the gift leaves or rejoins the meter by the dispute's status (above)."""
    status = dispute.status
    if status not in DISPUTE_STATUS_COUNTS:
        raise EventRejected(f"Dispute {dispute.id} has a status this site does not know: {status!r}")
    gift = _gift_for_stripe_object(dispute, charge_id=dispute.charge_id, kind="Dispute")
    if gift is None:
        return None
    before = copy.copy(gift)
    if not DISPUTE_STATUS_COUNTS[status]:
        if gift.status in Gift.COUNTED_STATUSES | {Gift.Status.PENDING}:
            gift.status = Gift.Status.DISPUTED
    elif gift.status == Gift.Status.DISPUTED:
        gift.status = _settled_status(gift)
    gift_save(gift)
    _donor_notice_if_deductible_fell(before=before, after=gift)
    return gift


def _donor_notice_if_deductible_fell(*, before: Gift, after: Gift) -> None:
    """A refund or a dispute lowered what the donor may deduct: tell them, once the change commits."""
    from ..receipts import deductible_cents
    from .receipts import gift_refund_notice_enqueue

    if after.counted_cents < before.counted_cents:
        # What the gift was for (a space it names, say) is the extension's to tell staff about.
        for extension in extensions.registered():
            extension.gift_refunded(gift_id=after.pk)
    if before.paid_at is None or not after.donor_email or after.source != Gift.Source.ONLINE:
        return
    if deductible_cents(after) < deductible_cents(before):
        gift_id = after.pk
        _enqueue_after_commit(lambda: gift_refund_notice_enqueue(gift_id=gift_id))


def gift_link_invoice_payment(*, gift: Gift) -> Gift:
    """
    Link a month of a plan to the payment intent that paid its invoice, if it has none (gifts
    recorded before the site asked the Invoice Payments API): refunds and disputes name only it.
    Raises PaymentError if Stripe cannot be asked.
    """
    if gift.stripe_payment_intent_id or not gift.stripe_invoice_id:
        return gift
    payment_intent_id = stripe_gateway.invoice_payment_intent(invoice_id=gift.stripe_invoice_id)
    if not payment_intent_id:
        return gift
    with transaction.atomic():
        locked = Gift.objects.select_for_update().get(pk=gift.pk)
        if not locked.stripe_payment_intent_id:
            locked.stripe_payment_intent_id = payment_intent_id
            gift_save(locked, locked_previous=copy.copy(locked))
        gift.stripe_payment_intent_id = locked.stripe_payment_intent_id
    return gift


def gift_refund(*, gift: Gift, amount_cents: int, reason: str = "", actor=None) -> Gift:
    """
    Refund part or all of an online gift through Stripe (Finance only: the caller checks the
    permission). The gift row is locked for the call, so two clicks cannot refund twice, and the
    idempotency key numbers each refund, so a retried request cannot either.
    """
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool):
        raise RefundError(_("Enter the refund amount in cents."))
    gift_link_invoice_payment(gift=gift)  # a month of a plan recorded before it was linked
    with transaction.atomic():
        locked = Gift.objects.select_for_update().get(pk=gift.pk)
        before = copy.copy(locked)
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
            reason=next((r for r in stripe_gateway.REFUND_REASONS if r == reason), None),
            metadata={"gift_id": str(locked.pk), "actor": str(getattr(actor, "pk", "") or "")},
            idempotency_key=stripe_gateway.refund_idempotency_key(locked.pk, number),
        )
        locked.refund_requests = number
        # max(): the charge.refunded webhook may already have applied this refund (absolute).
        locked.refunded_cents = max(locked.refunded_cents, refunded_before + amount_cents)
        locked.status = _settled_status(locked)
        log.info("Gift %s refunded %s by user %s (%s)", locked.pk, amount_cents, getattr(actor, "pk", None), reason)
        gift_save(locked)
        _donor_notice_if_deductible_fell(before=before, after=locked)
        return locked
