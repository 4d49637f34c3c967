"""Reads of naming opportunities and recognition levels for the public pages."""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from campaign.models import Campaign

from .models import Center, NamingClaim, NamingOpportunity, NamingStatus, RecognitionLevel

SORTS = {"price": ("price_cents", "position", "pk"), "-price": ("-price_cents", "position", "pk")}


@dataclass(frozen=True)
class PlanFilter:
    """The table's query string, cleaned: an unknown value is ignored (the whole list is shown, with status 400)."""

    center: str = ""
    status: str = ""
    sort: str = ""

    @classmethod
    def from_query(cls, query) -> tuple["PlanFilter", bool]:
        """The filter, and whether every value given was one the table offers."""
        valid = True

        def pick(name, allowed):
            nonlocal valid
            value = query.get(name, "")
            if value in allowed:
                return value
            valid = valid and value == ""
            return ""

        plan_filter = cls(
            center=pick("center", {Center.INFUSION, Center.DIALYSIS}),
            status=pick("status", set(NamingStatus.values)),
            sort=pick("sort", set(SORTS)),
        )
        return plan_filter, valid


def opportunities_for_campaign(*, campaign: Campaign) -> QuerySet[NamingOpportunity]:
    """The campaign's spaces, each with its current hold's expiry (`hold_expires_at`) read in the same query."""
    current = NamingClaim.objects.filter(opportunity=OuterRef("pk"), released_at__isnull=True)
    return (
        NamingOpportunity.objects.filter(campaign=campaign)
        .annotate(hold_expires_at=Subquery(current.values("expires_at")[:1]))
        .order_by("position", "pk")
    )


def opportunities_as_of(
    opportunities: list[NamingOpportunity], *, now: datetime.datetime
) -> tuple[list[NamingOpportunity], datetime.datetime | None]:
    """
    The spaces as they stand at `now`: a hold whose expiry has passed shows available (lazily, before
    release_naming_holds gets to it). Also the next moment a hold shown here lapses (None: none will),
    so a cached copy of the page lives no longer than that.
    """
    next_change = None
    for opportunity in opportunities:
        expires_at = getattr(opportunity, "hold_expires_at", None)
        if opportunity.status != NamingStatus.HELD or expires_at is None:
            continue
        if expires_at <= now:
            opportunity.status = NamingStatus.AVAILABLE
        elif next_change is None or expires_at < next_change:
            next_change = expires_at
    return opportunities, next_change


def opportunities_filtered(*, opportunities: list[NamingOpportunity], plan_filter: PlanFilter):
    """The table's rows from the plan's list (no second query): a center's filter keeps shared spaces too."""
    rows = [
        opportunity
        for opportunity in opportunities
        if (not plan_filter.center or opportunity.center in (plan_filter.center, Center.BOTH))
        and (not plan_filter.status or opportunity.status == plan_filter.status)
    ]
    if plan_filter.sort:
        rows.sort(key=lambda o: (o.price_cents, o.position, o.pk), reverse=plan_filter.sort.startswith("-"))
    return rows


def opportunity_for_inquiry(*, campaign: Campaign, pk) -> NamingOpportunity | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**31:
        return None
    return NamingOpportunity.objects.filter(campaign=campaign, pk=pk).first()


def levels_for_campaign(*, campaign_id: int) -> list[RecognitionLevel]:
    """The campaign's giving societies, highest threshold first."""
    return list(RecognitionLevel.objects.filter(campaign_id=campaign_id).order_by("-threshold_cents"))


def level_for_giving(*, levels: list[RecognitionLevel], giving_cents: int) -> RecognitionLevel | None:
    """The highest level whose threshold the donor's cumulative giving reaches."""
    return next((level for level in levels if giving_cents >= level.threshold_cents), None)
