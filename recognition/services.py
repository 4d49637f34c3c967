"""
Writes for naming opportunities: hold, pledge, name and release a space (staff), record an
inquiry. Every change makes the public pages stale.

The rule that one space is never given to two donors is the database's (NamingClaim's partial
unique index): a claim is inserted, and a second claim on the same space fails with SpaceTaken
however the two requests interleave.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.cache import pages_invalidate_on_commit

from .models import NamingClaim, NamingInquiry, NamingOpportunity, NamingStatus


class SpaceTaken(Exception):
    """The space is already held, pledged or named (possibly a moment ago, by someone else)."""


def _set_status(opportunity: NamingOpportunity, status: str, *, recognition_name: str = "") -> None:
    NamingOpportunity.objects.filter(pk=opportunity.pk).update(
        status=status, recognition_name=recognition_name, updated_at=timezone.now()
    )
    opportunity.status, opportunity.recognition_name = status, recognition_name
    pages_invalidate_on_commit(content=True)


def _release_if_expired(opportunity: NamingOpportunity, *, now: datetime.datetime) -> None:
    """A hold whose expiry has passed gives the space back before anyone claims it."""
    expired = NamingClaim.objects.filter(
        opportunity=opportunity, released_at__isnull=True, status=NamingStatus.HELD, expires_at__lte=now
    ).update(released_at=now)
    if expired:
        _set_status(opportunity, NamingStatus.AVAILABLE)


def _active_claim(opportunity: NamingOpportunity) -> NamingClaim | None:
    return NamingClaim.objects.select_for_update().filter(opportunity=opportunity, released_at__isnull=True).first()


def _claim(opportunity: NamingOpportunity, **fields) -> NamingClaim:
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives the refusal
            return NamingClaim.objects.create(opportunity=opportunity, **fields)
    except IntegrityError as error:
        raise SpaceTaken(str(opportunity.pk)) from error


@transaction.atomic
def space_hold(
    *,
    opportunity: NamingOpportunity,
    expires_at: datetime.datetime,
    holder_note: str = "",
    user=None,
    now: datetime.datetime | None = None,
) -> NamingClaim:
    """Hold an available space for a prospect until `expires_at`. SpaceTaken when it is not available."""
    now = now or timezone.now()
    _release_if_expired(opportunity, now=now)
    claim = _claim(
        opportunity,
        status=NamingStatus.HELD,
        holder_note=holder_note,
        expires_at=expires_at,
        created_by=user,
        created_at=now,
    )
    _set_status(opportunity, NamingStatus.HELD)
    return claim


def _claim_for_gift(
    opportunity: NamingOpportunity, *, gift_id: int | None, status: str, user, now, claim_seen: int | None
) -> NamingClaim:
    """
    Move a claim on to `status` for this gift. `claim_seen` is the claim the caller saw (None: the
    space looked available): when another claim took its place meanwhile, SpaceTaken. So two staff
    acting on what they saw never both win, whether they hold, pledge or name.
    """
    _release_if_expired(opportunity, now=now)
    if claim_seen is None:
        return _claim(opportunity, status=status, gift_id=gift_id, created_by=user, created_at=now)
    claim = _active_claim(opportunity)
    if claim is None or claim.pk != claim_seen or (gift_id and claim.gift_id and claim.gift_id != gift_id):
        raise SpaceTaken(str(opportunity.pk))
    claim.status = status
    claim.gift_id = gift_id or claim.gift_id
    claim.expires_at = None
    claim.save(update_fields=["status", "gift", "expires_at"])
    return claim


@transaction.atomic
def space_pledge(
    *, opportunity: NamingOpportunity, gift_id: int, claim_seen: int | None = None, user=None, now=None
) -> NamingClaim:
    """Attach a gift or pledge to the space (available, or the claim `claim_seen`). SpaceTaken otherwise."""
    claim = _claim_for_gift(
        opportunity,
        gift_id=gift_id,
        status=NamingStatus.PLEDGED,
        user=user,
        now=now or timezone.now(),
        claim_seen=claim_seen,
    )
    _set_status(opportunity, NamingStatus.PLEDGED)
    return claim


@transaction.atomic
def space_name(
    *,
    opportunity: NamingOpportunity,
    recognition_name: str,
    gift_id: int | None = None,
    claim_seen: int | None = None,
    user=None,
    now=None,
) -> NamingClaim:
    """Mark the space named with the recognition name staff approved (keeping the claim's gift, or this one)."""
    recognition_name = recognition_name.strip()
    if not recognition_name:
        raise ValueError("A named space needs its recognition name.")
    claim = _claim_for_gift(
        opportunity,
        gift_id=gift_id,
        status=NamingStatus.NAMED,
        user=user,
        now=now or timezone.now(),
        claim_seen=claim_seen,
    )
    _set_status(opportunity, NamingStatus.NAMED, recognition_name=recognition_name)
    return claim


def active_claim_id(opportunity: NamingOpportunity) -> int | None:
    """The space's current claim, as the admin shows it (passed back as `claim_seen`)."""
    return (
        NamingClaim.objects.filter(opportunity=opportunity, released_at__isnull=True)
        .values_list("pk", flat=True)
        .first()
    )


def active_claim_seen(opportunity: NamingOpportunity) -> tuple[int | None, str]:
    """The space's current claim and the name its donor asked for (from the gift form), in one query."""
    row = (
        NamingClaim.objects.filter(opportunity=opportunity, released_at__isnull=True)
        .values_list("pk", "requested_name")
        .first()
    )
    return (row[0], row[1]) if row else (None, "")


@transaction.atomic
def space_release(
    *, opportunity: NamingOpportunity, claim_seen: int | None = None, now: datetime.datetime | None = None
) -> bool:
    """
    Give the space back (a prospect declined, a gift was refunded). False when it had no claim;
    SpaceTaken when `claim_seen` is given and another claim has taken its place (never release
    someone else's).
    """
    claim = _active_claim(opportunity)
    if claim is None:
        return False
    if claim_seen is not None and claim.pk != claim_seen:
        raise SpaceTaken(str(opportunity.pk))
    claim.released_at = now or timezone.now()
    claim.save(update_fields=["released_at"])
    _set_status(opportunity, NamingStatus.AVAILABLE)
    return True


def holds_release_expired(*, now: datetime.datetime | None = None) -> int:
    """Release every hold past its expiry (manage.py release_naming_holds, run every few minutes)."""
    now = now or timezone.now()
    released = 0
    expired = NamingOpportunity.objects.filter(
        claims__released_at__isnull=True, claims__status=NamingStatus.HELD, claims__expires_at__lte=now
    ).distinct()
    for opportunity in expired:
        with transaction.atomic():
            before = opportunity.status
            _release_if_expired(opportunity, now=now)
            released += before != opportunity.status
    return released


@transaction.atomic
def inquiry_create(*, opportunity: NamingOpportunity, data: dict, language: str = settings.LANGUAGE_CODE):
    """Store an inquiry and, once committed, tell the development office (a link, never the details)."""
    from . import tasks  # tasks read the models; keep the import graph one-way

    inquiry = NamingInquiry.objects.create(
        opportunity=opportunity,
        name=data["name"].strip(),
        email=data["email"],
        phone=(data.get("phone") or "").strip(),
        message=(data.get("message") or "").strip(),
        language=language,
    )
    transaction.on_commit(lambda: tasks.naming_inquiry_notify.enqueue(inquiry.pk))
    return inquiry


# --- A donor naming a space from the gift form (recognition.gift_naming) -------------------------


@transaction.atomic
def space_hold_for_gift(
    *,
    opportunity: NamingOpportunity,
    gift_id: int,
    requested_name: str,
    expires_at: datetime.datetime,
    now: datetime.datetime | None = None,
) -> NamingClaim:
    """Hold an available space for a pending online gift until its Checkout Session expires. SpaceTaken otherwise."""
    now = now or timezone.now()
    _release_if_expired(opportunity, now=now)
    claim = _claim(
        opportunity,
        status=NamingStatus.HELD,
        gift_id=gift_id,
        requested_name=requested_name,
        holder_note="",
        expires_at=expires_at,
        created_at=now,
    )
    _set_status(opportunity, NamingStatus.HELD)
    return claim


@transaction.atomic
def gift_hold_release(*, gift_id: int, now: datetime.datetime | None = None) -> bool:
    """The gift's Checkout Session expired or was never created: its hold (if still held) gives the space back."""
    claim = (
        NamingClaim.objects.select_for_update()
        .filter(gift_id=gift_id, status=NamingStatus.HELD, released_at__isnull=True)
        .select_related("opportunity")
        .first()
    )
    if claim is None:
        return False
    claim.released_at = now or timezone.now()
    claim.save(update_fields=["released_at"])
    _set_status(claim.opportunity, NamingStatus.AVAILABLE)
    return True


@transaction.atomic
def gift_hold_paid(*, gift_id: int, opportunity_id: int, now: datetime.datetime | None = None) -> NamingClaim | None:
    """
    The gift that held the space is paid: the hold becomes a pledge (the gift attached, its name
    waiting for staff to approve it and mark the space named). If the hold had lapsed meanwhile (the
    payment completed just before the session's expiry, its event came after) and the space is still
    free, the gift claims it again. If someone else has it, None: the caller tells staff.
    """
    now = now or timezone.now()
    opportunity = NamingOpportunity.objects.filter(pk=opportunity_id).first()
    if opportunity is None:
        return None
    mine = NamingClaim.objects.filter(gift_id=gift_id, opportunity=opportunity).order_by("-created_at", "-pk").first()
    if mine is None:
        return None
    if mine.released_at is None:
        if mine.status == NamingStatus.HELD:
            mine.status, mine.expires_at = NamingStatus.PLEDGED, None
            mine.save(update_fields=["status", "expires_at"])
            _set_status(opportunity, NamingStatus.PLEDGED)
        return mine
    try:
        claim = _claim_for_gift(
            opportunity, gift_id=gift_id, status=NamingStatus.PLEDGED, user=None, now=now, claim_seen=None
        )
    except SpaceTaken:
        return None
    claim.requested_name = mine.requested_name
    claim.save(update_fields=["requested_name"])
    _set_status(opportunity, NamingStatus.PLEDGED)
    return claim


def gift_claim(*, gift_id: int) -> NamingClaim | None:
    """The unreleased claim a gift has on a space, if any (a refund of that gift is for staff to look at)."""
    return NamingClaim.objects.filter(gift_id=gift_id, released_at__isnull=True).select_related("opportunity").first()
