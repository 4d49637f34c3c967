"""Reads of gifts and plans."""

from django.core import signing
from django.db.models import QuerySet

from campaign.models import Campaign, Designation

from .models import Gift, RecurringPlan

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
        status__in=[RecurringPlan.Status.ACTIVE, RecurringPlan.Status.PAST_DUE],
    ).select_related("campaign")


def gifts_pending_receipt(*, max_attempts: int) -> QuerySet[Gift]:
    return (
        Gift.objects.filter(
            source=Gift.Source.ONLINE,
            receipt_sent_at__isnull=True,
            receipt_attempts__lt=max_attempts,
            status__in=[Gift.Status.SUCCEEDED, Gift.Status.PARTIALLY_REFUNDED],
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
