"""Reads of gifts and plans."""

import time

from django.db.models import QuerySet

from campaign.models import Campaign, Designation

from .models import Gift, RecurringPlan

# The emailed key to manage a monthly gift: single-use, valid 30 minutes (models.PlanManageToken);
# once presented, the browser's session may open the plan's page for 15 minutes.
PLAN_LINK_MAX_AGE = 30 * 60
PLAN_SESSION_KEY = "donations_manage_plan"
PLAN_SESSION_MAX_AGE = 15 * 60


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


def plan_for_manage_session(*, session) -> RecurringPlan | None:
    """The plan this browser opened with an emailed token (services.plan_manage_token_use), while it lasts."""
    grant = session.get(PLAN_SESSION_KEY)
    if not isinstance(grant, dict) or not isinstance(grant.get("plan"), int) or not isinstance(grant.get("until"), int):
        return None
    if grant["until"] < int(time.time()):
        return None
    return RecurringPlan.objects.select_related("campaign").filter(pk=grant["plan"]).first()
