"""Reads of gifts and plans."""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.db.models import F, QuerySet

from campaign.models import Campaign, Designation

from .models import Frequency, Gift, RecurringPlan

# The emailed link to manage a monthly gift: signed (plan id + time) and valid for an hour.
PLAN_LINK_SALT = "donations.plan-manage"
PLAN_LINK_MAX_AGE = 60 * 60


def campaign_for_gift_form(*, slug: str | None) -> Campaign | None:
    """The campaign a gift form is for: the one named, else the featured one, else the newest live one."""
    campaigns = Campaign.objects.live()
    if slug:
        return campaigns.filter(slug=slug).first()
    return campaigns.filter(is_featured=True).first() or campaigns.first()


def campaign_designations(*, campaign: Campaign) -> QuerySet[Designation]:
    return campaign.designations.all()


def gift_for_checkout_session(*, session_id: str) -> Gift | None:
    return (
        Gift.objects.select_related("campaign", "designation")
        .filter(stripe_checkout_session_id=session_id, source=Gift.Source.ONLINE)
        .first()
    )


def plans_active_for_email(*, email: str) -> QuerySet[RecurringPlan]:
    return RecurringPlan.objects.filter(
        donor_email__iexact=email.strip(),
        status__in=RecurringPlan.ACTIVE_STATUSES,
    ).select_related("campaign")


def gifts_pending_receipt(*, max_attempts: int) -> QuerySet[Gift]:
    return (
        Gift.objects.filter(
            source=Gift.Source.ONLINE,
            receipt_sent_at__isnull=True,
            receipt_attempts__lt=max_attempts,
            status__in=Gift.COUNTED_STATUSES,
        )
        .exclude(donor_email="")
        .order_by("pk")
    )


def plan_for_manage_token(*, token: str) -> RecurringPlan | None:
    """The plan a signed management link names, or None if it is forged, expired or gone."""
    try:
        plan_id = signing.TimestampSigner(salt=PLAN_LINK_SALT).unsign(token, max_age=PLAN_LINK_MAX_AGE)
        return RecurringPlan.objects.select_related("campaign").get(pk=int(plan_id))
    except (signing.BadSignature, ValueError, RecurringPlan.DoesNotExist):
        return None


@dataclass(frozen=True)
class WallGift:
    """A gift as the public donor wall may show it: never an email, a full name or an address."""

    name: str  # the donor's chosen display name, or "" for anonymous
    amount_cents: int
    message: str
    is_pledge: bool
    is_monthly: bool
    given_at: datetime.datetime | None


def gifts_for_wall(*, campaign: Campaign, limit: int = 8) -> list[WallGift]:
    """The newest counted gifts (online and offline, pledges labelled), for the donor wall."""
    rows = (
        Gift.objects.filter(campaign=campaign, status__in=Gift.COUNTED_STATUSES, counted_cents__gt=0)
        .order_by(F("paid_at").desc(nulls_last=True), "-created_at", "-pk")
        .only(
            "display_name",
            "is_anonymous",
            "counted_cents",
            "message",
            "message_status",
            "source",
            "frequency",
            "paid_at",
            "created_at",
        )[:limit]
    )
    return [
        WallGift(
            name="" if gift.is_anonymous else gift.display_name.strip(),
            amount_cents=gift.counted_cents,
            # Names show at once; a message only once staff approved it.
            message=gift.message.strip() if gift.message_status == Gift.MessageStatus.APPROVED else "",
            is_pledge=gift.source == Gift.Source.PLEDGE,
            is_monthly=gift.frequency == Frequency.MONTHLY,
            given_at=gift.paid_at or gift.created_at,
        )
        for gift in rows
    ]
