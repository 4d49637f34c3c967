"""
Reads for the staff dashboard. Totals come from the Tally rows (the same figures as the public
meter) and from grouped queries; every function runs a fixed number of queries, whatever the
number of gifts.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign
from campaign.tallies import tallies_summed, tally_totals

from .models import Frequency, Gift, RecurringPlan

DAYS_CHARTED = 60


@dataclass(frozen=True)
class CampaignTotal:
    campaign: Campaign
    raised_cents: int
    online_cents: int
    offline_cents: int
    pledged_cents: int
    gift_count: int
    donor_count: int

    @property
    def percent(self) -> int:
        goal = self.campaign.goal_cents
        return (self.raised_cents * 100) // goal if goal else 0


@dataclass(frozen=True)
class Line:
    label: str
    raised_cents: int
    gift_count: int


@dataclass(frozen=True)
class Day:
    date: datetime.date
    gift_count: int
    raised_cents: int
    cumulative_cents: int


def campaign_totals() -> list[CampaignTotal]:
    """Every campaign with its whole-campaign Tally (a campaign without gifts shows zeros)."""
    tallies = {tally.campaign_id: tally for tally in tallies_summed(designation__isnull=True)}
    result = []
    for campaign in Campaign.objects.order_by("-is_featured", "-starts_on", "title"):
        tally = tallies.get(campaign.pk)
        result.append(
            CampaignTotal(
                campaign=campaign,
                raised_cents=tally.raised_cents if tally else 0,
                online_cents=tally.online_cents if tally else 0,
                offline_cents=tally.offline_cents if tally else 0,
                pledged_cents=tally.pledged_cents if tally else 0,
                gift_count=tally.gift_count if tally else 0,
                donor_count=tally.donor_count if tally else 0,
            )
        )
    return result


def designation_totals(*, campaign: Campaign) -> list[Line]:
    """The campaign's designations with what each raised (from their Tally rows), then "none"."""
    tallies = {tally.designation_id: tally for tally in tallies_summed(campaign=campaign, designation__isnull=False)}
    lines = []
    designated = 0
    for designation in campaign.designations.all():
        tally = tallies.get(designation.pk)
        raised = tally.raised_cents if tally else 0
        designated += raised
        lines.append(Line(label=designation.name, raised_cents=raised, gift_count=tally.gift_count if tally else 0))
    whole = tally_totals(campaign=campaign)
    if whole is not None:
        undesignated = sum(line.gift_count for line in lines)
        lines.append(
            Line(
                label=str(_("No designation")),
                raised_cents=whole.raised_cents - designated,
                gift_count=whole.gift_count - undesignated,
            )
        )
    return lines


def frequency_totals(*, campaign: Campaign) -> list[Line]:
    """What one-time and monthly gifts count toward the campaign (grouped: one query)."""
    rows = {
        row["frequency"]: row
        for row in Gift.objects.filter(campaign=campaign, counted_cents__gt=0)
        .values("frequency")
        .annotate(raised=Sum("counted_cents"), count=Count("pk"))
        .order_by()
    }
    return [
        Line(
            label=str(label),
            raised_cents=rows.get(value, {}).get("raised") or 0,
            gift_count=rows.get(value, {}).get("count") or 0,
        )
        for value, label in Frequency.choices
    ]


def gifts_per_day(*, campaign: Campaign, today: datetime.date | None = None, days: int = DAYS_CHARTED) -> list[Day]:
    """
    The last `days` days (today included) of gifts that count, by the day they were paid or
    received, with the running total (what counted before the window included).
    """
    today = today or timezone.localdate()
    first = today - datetime.timedelta(days=days - 1)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    counted = Gift.objects.filter(campaign=campaign, counted_cents__gt=0)
    before = counted.filter(Q(paid_at__lt=start) | Q(paid_at__isnull=True)).aggregate(total=Sum("counted_cents"))
    rows = {
        row["day"]: row
        for row in counted.filter(paid_at__gte=start)
        .annotate(day=TruncDate("paid_at", tzinfo=tz))
        .values("day")
        .annotate(count=Count("pk"), raised=Sum("counted_cents"))
        .order_by()
    }
    running = before["total"] or 0
    result = []
    for offset in range(days):
        day = first + datetime.timedelta(days=offset)
        row = rows.get(day, {})
        raised = row.get("raised") or 0
        running += raised
        result.append(Day(date=day, gift_count=row.get("count") or 0, raised_cents=raised, cumulative_cents=running))
    return result


def recent_gifts(*, limit: int = 10) -> list[Gift]:
    return list(
        Gift.objects.filter(counted_cents__gt=0)
        .select_related("campaign", "designation")
        .order_by("-paid_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class MonthlyDonors:
    active: int
    past_due: int
    cancelled: int
    cancelled_last_30_days: int
    monthly_cents: int  # what the active plans give each month


def monthly_donors(*, now: datetime.datetime | None = None) -> MonthlyDonors:
    now = now or timezone.now()
    month_ago = now - datetime.timedelta(days=30)
    Status = RecurringPlan.Status
    figures = RecurringPlan.objects.aggregate(
        active=Count("pk", filter=Q(status=Status.ACTIVE)),
        past_due=Count("pk", filter=Q(status=Status.PAST_DUE)),
        cancelled=Count("pk", filter=Q(status=Status.CANCELED)),
        cancelled_recent=Count("pk", filter=Q(status=Status.CANCELED, canceled_at__gte=month_ago)),
        monthly=Sum("amount_cents", filter=Q(status=Status.ACTIVE)),
    )
    return MonthlyDonors(
        active=figures["active"],
        past_due=figures["past_due"],
        cancelled=figures["cancelled"],
        cancelled_last_30_days=figures["cancelled_recent"],
        monthly_cents=figures["monthly"] or 0,
    )


def plans_to_follow_up(*, limit: int = 20) -> list[RecurringPlan]:
    """Monthly gifts whose last payment failed (Stripe retries; a call or email often saves them)."""
    return list(
        RecurringPlan.objects.filter(status=RecurringPlan.Status.PAST_DUE)
        .select_related("campaign")
        .order_by("-updated_at")[:limit]
    )


@dataclass(frozen=True)
class AttributionLine:
    dimension: str  # "utm_source", "utm_medium", "utm_campaign" or "source"
    value: str  # "" is "(none)"
    raised_cents: int
    gift_count: int


ATTRIBUTION_DIMENSIONS = (
    ("utm_source", "utm_source"),
    ("utm_medium", "utm_medium"),
    ("utm_campaign", "utm_campaign"),
    ("source", "source_code"),
)


def attribution_totals(*, campaign: Campaign, limit: int = 10) -> dict[str, list[AttributionLine]]:
    """What counts toward the campaign, by each landing-URL tag (utm_* and ?source=): one grouped query each."""
    counted = Gift.objects.filter(campaign=campaign, counted_cents__gt=0)
    result = {}
    for dimension, field in ATTRIBUTION_DIMENSIONS:
        rows = (
            counted.values(field)
            .annotate(raised=Sum("counted_cents"), count=Count("pk"))
            .order_by("-raised", field)[:limit]
        )
        result[dimension] = [
            AttributionLine(dimension=dimension, value=row[field], raised_cents=row["raised"], gift_count=row["count"])
            for row in rows
        ]
    return result


@dataclass(frozen=True)
class Recovered:
    gift_count: int
    raised_cents: int
    reminders_sent: int


def recovered_gifts(*, campaign: Campaign) -> Recovered:
    """Gifts paid after the donor came back through the "you did not finish" reminder's link."""
    row = Gift.objects.filter(campaign=campaign).aggregate(
        count=Count("pk", filter=Q(counted_cents__gt=0) & ~Q(recovered_from_session_id="")),
        raised=Sum("counted_cents", filter=~Q(recovered_from_session_id="")),
        reminders=Count("pk", filter=Q(recovery_sent_at__isnull=False)),
    )
    return Recovered(
        gift_count=row["count"] or 0, raised_cents=row["raised"] or 0, reminders_sent=row["reminders"] or 0
    )
