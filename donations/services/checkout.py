"""
Online gifts: from the form to Stripe Checkout, and back (one idempotent fulfilment for the
webhook and the thank-you page).
"""

import copy
import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign, Designation
from core import money
from core.localization import localized
from fundraisers.models import Fundraiser

from .. import extensions, stripe_gateway
from ..models import PERIOD_MONTHS, RECURRING_FREQUENCIES, EmployerMatch, Gift, Pledge
from ..stripe_types import CheckoutSession
from .plans import _plan_activate, _plan_for, _pledge_instalment_recorded
from .pledges import pledge_schedule_text
from .recovery import _recovery_reminder_enqueue
from .stripe_events import EventRejected, _enqueue_after_commit, _gift_apply_payer, _gift_id_from, _gift_mark_paid
from .tallies import gift_save

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attribution:
    """Where the donor came from: the landing URL's utm_* and ?source= (already validated by the form)."""

    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    source_code: str = ""


def gift_create_pending(
    *,
    campaign: Campaign,
    designation: Designation | None,
    amount_cents: int,
    fee_cents: int,
    frequency: str,
    display_name: str,
    is_anonymous: bool,
    dedication: str,
    honoree_name: str,
    honoree_email: str,
    message: str,
    language: str,
    fundraiser: Fundraiser | None = None,
    installments: int | None = None,
    attribution: Attribution | None = None,
    recovery_email: str = "",
    newsletter_wording: str = "",
    amount_shown_to_fundraiser: bool = False,
    employer_name: str = "",
) -> Gift:
    """
    Record the donor's intent before sending them to Checkout: a pending gift that counts nothing.
    With `installments`, the gift is the first instalment of a pending pledge (amount × installments).
    """
    pledge = None
    if installments:
        if frequency not in RECURRING_FREQUENCIES or not 2 <= installments <= Pledge.MAX_INSTALLMENTS:
            raise ValueError(f"No pledge of {installments} instalments at {frequency!r}")
        pledge = Pledge.objects.create(
            campaign=campaign,
            designation=designation,
            source=Pledge.Source.ONLINE,
            status=Pledge.Status.PENDING,
            frequency=frequency,
            installment_cents=amount_cents,
            installments=installments,
            first_due_on=timezone.localdate(),
            language=language,
        )
    gift = Gift(
        pledge=pledge,
        campaign=campaign,
        designation=designation,
        amount_cents=amount_cents,
        fee_cents=fee_cents,
        currency=settings.GIFT_CURRENCY,
        frequency=frequency,
        source=Gift.Source.ONLINE,
        status=Gift.Status.PENDING,
        display_name="" if is_anonymous else display_name,
        is_anonymous=is_anonymous,
        dedication=dedication,
        honoree_name=honoree_name if dedication else "",
        honoree_email=honoree_email if dedication else "",
        message=message,
        message_status=_new_message_status(message),
        language=language,
        fundraiser=fundraiser,
        recovery_email=recovery_email,
        amount_shown_to_fundraiser=amount_shown_to_fundraiser and fundraiser is not None,
    )
    attribution = attribution or Attribution()
    gift.utm_source = attribution.utm_source[:100]
    gift.utm_medium = attribution.utm_medium[:100]
    gift.utm_campaign = attribution.utm_campaign[:100]
    gift.source_code = attribution.source_code[:40]
    if employer_name:  # "my employer matches gifts": staff follow it up from "awaiting"
        gift.employer_name = employer_name[: Gift._meta.get_field("employer_name").max_length]
        gift.employer_match_status = EmployerMatch.AWAITING
    if newsletter_wording:  # consent, with the words the donor saw; it applies to the email Checkout collects
        gift.newsletter_consent_at = timezone.now()
        gift.newsletter_consent_wording = newsletter_wording
    return gift_save(gift)


def _new_message_status(message: str) -> str:
    if not message:
        return Gift.MessageStatus.NONE
    return Gift.MessageStatus.PENDING if settings.DONOR_WALL_PREMODERATION else Gift.MessageStatus.APPROVED


def gift_employer_match_set(*, gift: Gift, status: str, actor) -> bool:
    """Record where a gift's employer match stands (staff follow-up); False if the donor asked for none."""
    if status not in EmployerMatch.values:
        raise ValueError(f"No employer match status {status!r}")
    with transaction.atomic():
        gift = Gift.objects.select_for_update().get(pk=gift.pk)
        if not gift.employer_match_status:
            return False
        if gift.employer_match_status == status:
            return True
        gift.employer_match_status = status
        gift._history_user = actor
        gift_save(gift)
    return True


def gift_message_review(*, gift: Gift, approve: bool, actor) -> bool:
    """Approve a donor's message for the donor wall, or hide it; False if the gift has no message."""
    with transaction.atomic():
        gift = Gift.objects.select_for_update().get(pk=gift.pk)
        if not gift.message:
            return False
        gift.message_status = Gift.MessageStatus.APPROVED if approve else Gift.MessageStatus.HIDDEN
        gift.message_reviewed_at = timezone.now()
        gift._history_user = actor
        gift_save(gift)
    return True


def checkout_session_params(
    *, gift: Gift, expires_at: int | None = None, extension_refs: dict[str, str] | None = None
) -> stripe_gateway.CheckoutRequest:
    """What the site asks Stripe Checkout for: always the server's amount, in cents."""
    from django.urls import reverse

    # Checkout shows the donor this line in the language they gave in (its own locale follows it too).
    campaign_title = localized(gift.campaign, "title", language=gift.language)
    name = _("Gift to %(campaign)s") % {"campaign": campaign_title}
    if gift.designation_id:
        name = _("Gift to %(campaign)s: %(designation)s") % {
            "campaign": campaign_title,
            "designation": localized(gift.designation, "name", language=gift.language),
        }
    description = ""
    if gift.fee_cents:
        description = str(_("Includes %(fee)s to cover processing fees") % {"fee": money.format_cents(gift.fee_cents)})
    if gift.pledge_id:
        # Checkout shows the donor the schedule they agree to, beside the first charge.
        schedule = pledge_schedule_text(
            installment_cents=gift.amount_cents, installments=gift.pledge.installments, frequency=gift.frequency
        )
        description = f"{schedule} {description}".strip()
    # A pledge's plan carries its id and length too (the subscription's metadata, on every invoice).
    pledge = {"pledge_id": str(gift.pledge_id), "installments": str(gift.pledge.installments)} if gift.pledge_id else {}
    metadata = {
        "gift_id": str(gift.pk),
        "campaign": gift.campaign.slug,
        "designation": gift.designation.slug if gift.designation_id else "",
        **pledge,
        # A gift extension's key and ref (naming: the space's id): its events find the extension again.
        **(extension_refs or {}),
    }
    months = PERIOD_MONTHS.get(gift.frequency, 1)
    return stripe_gateway.CheckoutRequest(
        recurring=gift.frequency in RECURRING_FREQUENCIES,
        interval="year" if months == 12 else "month",
        interval_count=1 if months == 12 else months,
        amount_cents=gift.total_cents,
        currency=gift.currency,
        name=str(name)[:250],
        description=description,
        client_reference_id=str(gift.pk),
        metadata=metadata,
        locale="es" if gift.language == "es" else "en" if gift.language == "en" else "auto",
        success_url=settings.SITE_URL + reverse("donations:thanks") + "?session_id={CHECKOUT_SESSION_ID}",
        # The gift's id brings this browser back to its own form, filled in (views.gift_cancelled).
        cancel_url=settings.SITE_URL + reverse("donations:cancelled") + f"?gift={gift.pk}",
        customer_email=gift.donor_email or gift.recovery_email,
        recovery=bool(gift.recovery_email),
        expires_at=expires_at,
    )


def gift_checkout_start(
    *, gift: Gift, expires_at: datetime.datetime | None = None, offer: extensions.GiftOffer | None = None
) -> str:
    """
    Create the gift's Checkout Session and return its URL. On a Stripe error the gift is marked
    failed and the PaymentError is raised for the view; the idempotency key, derived from the gift,
    means a repeated call can only ever return the same session, never start a second charge.

    With `offer` (a gift extension's, reserved until `expires_at`), the session expires at that
    same moment and its metadata names the offer; if the session is not created, the extension
    gives back what it reserved.
    """
    refs = {offer.key: offer.ref} if offer is not None else None
    try:
        session = stripe_gateway.checkout_session_create(
            request=checkout_session_params(
                gift=gift, expires_at=int(expires_at.timestamp()) if expires_at else None, extension_refs=refs
            ),
            idempotency_key=stripe_gateway.checkout_idempotency_key(gift.pk),
        )
    except stripe_gateway.PaymentError as error:
        with transaction.atomic():
            gift.status = Gift.Status.FAILED
            gift.failure_reason = f"Checkout Session not created: {error}"[:300]
            gift_save(gift)
            if offer is not None and (extension := extensions.get(offer.key)) is not None:
                extension.checkout_not_started(gift_id=gift.pk)
        raise
    gift.stripe_checkout_session_id = session.id
    gift_save(gift)
    return session.url


def gift_fulfil_checkout_session(*, session: CheckoutSession, savepoint: bool = True) -> Gift | None:
    """
    Apply what a Checkout Session says to its gift, idempotently: paid → succeeded (once), still
    processing → pending, expired → expired. Returns None when the session is not one of ours
    (no gift with that id, or a gift bound to another session), so nothing is shown or changed.

    savepoint=False is for a caller whose own transaction fails as a whole if this raises (the
    webhook): two round trips fewer per payment.
    """
    with transaction.atomic(savepoint=savepoint):
        return _gift_fulfil_checkout_session(session)


def _gift_fulfil_checkout_session(session: CheckoutSession) -> Gift | None:
    gift_id = _gift_id_from(session.client_reference_id)
    metadata = session.metadata
    if gift_id is None or (metadata.get("gift_id") and _gift_id_from(metadata.get("gift_id")) != gift_id):
        return None
    gift = Gift.objects.select_for_update().filter(pk=gift_id, source=Gift.Source.ONLINE).first()
    if gift is None:
        return None
    locked = copy.copy(gift)  # the row as it is under our lock: gift_save need not read it again
    if session.recovered_from and gift.stripe_checkout_session_id == session.recovered_from and session.id:
        # The donor came back through the reminder's recovery link: Checkout made a copy of the
        # expired session (same client_reference_id and metadata); the gift follows it.
        gift.recovered_from_session_id = session.recovered_from
        gift.stripe_checkout_session_id = session.id
    if gift.stripe_checkout_session_id != session.id:
        # A gift whose session id was never saved (a crash right after Stripe answered) is still
        # ours if the metadata and the amount agree; any other session id is someone else's.
        if gift.stripe_checkout_session_id or session.amount_total != gift.total_cents:
            return None
        gift.stripe_checkout_session_id = session.id

    status = session.status
    if status == "complete":
        amount_total = session.amount_total  # None: not an integer (5000.0 or True is no amount)
        if amount_total is None or amount_total != gift.total_cents:
            raise EventRejected(f"Session {session.id} charged {amount_total!r}, gift {gift.pk} is {gift.total_cents}")
        _gift_apply_payer(gift, session.payer)
        if session.mode == "subscription":
            subscription_id = session.subscription_id
            if not subscription_id:
                raise EventRejected(f"Session {session.id} in subscription mode has no subscription")
            gift.stripe_subscription_id = subscription_id
            if session.invoice_id and not gift.stripe_invoice_id:
                gift.stripe_invoice_id = session.invoice_id
            gift.plan = _plan_for(gift, subscription_id=subscription_id)
        elif session.payment_intent_id and not gift.stripe_payment_intent_id:
            gift.stripe_payment_intent_id = session.payment_intent_id
        if session.payment_status in ("paid", "no_payment_required"):
            _gift_mark_paid(gift)
            if gift.plan_id:
                _plan_activate(gift.plan)
    elif status == "expired" and gift.status == Gift.Status.PENDING:
        gift.status = Gift.Status.EXPIRED
        gift.failure_reason = "Checkout Session expired"
        if gift.recovery_email and session.recovery_url and gift.recovery_sent_at is None:
            gift.recovery_url = session.recovery_url
            gift_id = gift.pk
            _enqueue_after_commit(lambda: _recovery_reminder_enqueue(gift_id=gift_id))
    if _row_values(gift) == _row_values(locked):
        return gift  # nothing new (a repeated or later event about a recorded session): no write
    gift = gift_save(gift, locked_previous=locked)
    _pledge_instalment_recorded(gift)
    if gift.status != locked.status:
        _extensions_hear(gift, metadata=metadata)
    return gift


def _extensions_hear(gift: Gift, *, metadata: dict[str, str]) -> None:
    """Tell the gift extensions the session names (none for an ordinary gift) that it was paid or expired."""
    for extension, ref in extensions.from_metadata(metadata):
        if gift.status in Gift.SETTLED_STATUSES:
            extension.checkout_completed(gift_id=gift.pk, ref=ref)
        elif gift.status == Gift.Status.EXPIRED:
            extension.checkout_expired(gift_id=gift.pk, ref=ref)


def gift_fulfil_checkout_session_id(*, session_id: str) -> Gift | None:
    """Re-read a Checkout Session from Stripe and fulfil it (the thank-you page's path). Raises PaymentError."""
    return gift_fulfil_checkout_session(session=stripe_gateway.checkout_session_retrieve(session_id))


def _row_values(gift: Gift) -> list:
    return [getattr(gift, field.attname) for field in Gift._meta.concrete_fields]


@transaction.atomic
def gift_fail_checkout_session(*, session: CheckoutSession, reason: str) -> Gift | None:
    """A delayed payment (bank debit) failed after Checkout: the pending gift is failed."""
    gift_id = _gift_id_from(session.client_reference_id)
    if gift_id is None:
        return None
    gift = Gift.objects.select_for_update().filter(pk=gift_id, stripe_checkout_session_id=session.id or "-").first()
    if gift is None or gift.status != Gift.Status.PENDING:
        return gift
    _gift_apply_payer(gift, session.payer)
    gift.status = Gift.Status.FAILED
    gift.failure_reason = reason[:300]
    return gift_save(gift)


def donor_receipt_name_set(*, email: str, name: str) -> int:
    """The name a donor asked for on their receipts, on every gift and plan of their address; returns gifts changed."""
    from ..models import RecurringPlan

    name = " ".join(name.split())[:200]
    if not name or not email.strip():
        return 0
    RecurringPlan.objects.filter(donor_email__iexact=email.strip()).update(donor_name=name)
    return Gift.objects.filter(donor_email__iexact=email.strip()).exclude(donor_name=name).update(donor_name=name)
