"""Reads for the campaign pages, the meter, the donor wall and the blog."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from core.localization import LocalizedContent
from donations import selectors as donations_selectors
from donations.selectors import WallGift

from .models import Campaign, Milestone, Tally, Update

# What a gift must be to appear on the donor wall: the statuses that count toward the total.


@dataclass(frozen=True)
class MilestoneMark(LocalizedContent):
    label: str
    amount_cents: int
    passed: bool
    # Where the mark sits on the bar, 0-100 (a milestone beyond the goal sits at the end).
    position: int
    # Both languages' labels, so a Progress is the same whatever language it is shown in.
    label_es: str = ""


@dataclass(frozen=True)
class Progress:
    """
    Everything the meter shows. Built from one Tally row (its cost never grows with gifts) and one
    aggregate over the active pledges (it grows only with them, and is read only on a cold page).
    """

    raised_cents: int
    goal_cents: int
    percent: int  # may exceed 100: "124 % of the goal"
    donor_count: int
    gift_count: int
    pledged_cents: int  # gifts recorded with the "pledge" source (counted in raised)
    offline_cents: int
    currency: str
    days_left: int | None  # None: no end date; 0 on the last day and after it
    has_ended: bool
    milestones: tuple[MilestoneMark, ...]
    updated_at: datetime.datetime | None  # None until the first gift counts
    # What active pledges still promise (not yet given): committed = raised + this.
    outstanding_pledged_cents: int = 0

    @property
    def committed_cents(self) -> int:
        return self.raised_cents + self.outstanding_pledged_cents

    @property
    def committed_bar_percent(self) -> int:
        """
        The bar's pledged part, drawn from the start under the given part (so the two never show a
        gap, even while the given part grows in): what is committed, never wider than the track.
        """
        if not self.outstanding_pledged_cents:
            return 0
        return max(0, min(_percent(self.committed_cents, self.goal_cents), 100))

    @property
    def bar_percent(self) -> int:
        """The bar's width: never wider than the track."""
        return max(0, min(self.percent, 100))

    @property
    def is_last_day(self) -> bool:
        return self.days_left == 0 and not self.has_ended

    @property
    def milestones_passed(self) -> int:
        return sum(1 for mark in self.milestones if mark.passed)


def _percent(part: int, whole: int) -> int:
    # Floor, so that 99.6 % never reads "100 %" before the goal is really met.
    return (part * 100) // whole if whole > 0 else 0


def campaign_progress(*, campaign: Campaign, today: datetime.date | None = None) -> Progress:
    """
    The meter's figures for a campaign: one query for its campaign-wide Tally row (no row yet
    means nothing has counted) and one for what its active pledges still promise. Milestones
    come from `campaign.milestones`, prefetched by the page's selector.
    """
    tally = Tally.objects.filter(campaign=campaign, designation__isnull=True).first()
    raised = tally.raised_cents if tally else 0
    goal = campaign.goal_cents

    today = today or timezone.localdate()
    if campaign.ends_on is None:
        days_left, has_ended = None, False
    else:
        has_ended = today > campaign.ends_on
        days_left = max(0, (campaign.ends_on - today).days)

    milestones = tuple(
        MilestoneMark(
            label=milestone.label,
            label_es=milestone.label_es,
            amount_cents=milestone.amount_cents,
            passed=raised >= milestone.amount_cents,
            position=min(100, _percent(milestone.amount_cents, goal)),
        )
        for milestone in campaign.milestones.all()
    )
    return Progress(
        raised_cents=raised,
        goal_cents=goal,
        percent=_percent(raised, goal),
        donor_count=tally.donor_count if tally else 0,
        gift_count=tally.gift_count if tally else 0,
        pledged_cents=tally.pledged_cents if tally else 0,
        offline_cents=tally.offline_cents if tally else 0,
        currency=campaign.currency,
        days_left=days_left,
        has_ended=has_ended,
        milestones=milestones,
        updated_at=tally.updated_at if tally else None,
        outstanding_pledged_cents=donations_selectors.pledges_outstanding_cents(campaign_id=campaign.pk),
    )


def progress_as_json(progress: Progress) -> dict:
    """
    The public progress.json document (DESIGN's contract: exactly these keys). raised_cents and
    percent are what was given; paid_cents (the same as raised_cents) and pledged_cents (what
    active pledges still promise) split what is committed.
    """
    return {
        "raised_cents": progress.raised_cents,
        "goal_cents": progress.goal_cents,
        "donor_count": progress.donor_count,
        "gift_count": progress.gift_count,
        "percent": progress.percent,
        "currency": progress.currency,
        "updated_at": progress.updated_at.isoformat() if progress.updated_at else None,
        "paid_cents": progress.raised_cents,
        "pledged_cents": progress.outstanding_pledged_cents,
    }


def campaign_recent_gifts(*, campaign: Campaign, limit: int = 8) -> list[WallGift]:
    """The newest counted gifts (online and offline, pledges labelled), for the donor wall."""
    return donations_selectors.gifts_for_wall(campaign=campaign, limit=limit)


def campaign_published() -> QuerySet[Campaign]:
    return Campaign.objects.live()


def campaign_for_page(*, slug: str | None = None) -> Campaign | None:
    """
    A published campaign with everything its page shows prefetched (figures, divisions,
    designations, milestones): a fixed number of queries. Without a slug, the featured
    campaign, or failing that the most recently started one.
    """
    queryset = campaign_published().prefetch_related(
        "figures",
        "divisions",
        "designations",
        Prefetch("milestones", queryset=Milestone.objects.order_by("amount_cents", "pk")),
    )
    if slug is not None:
        return queryset.filter(slug=slug).first()
    return queryset.order_by("-is_featured", "-starts_on", "-created_at", "-pk").first()


def campaign_for_meter(*, slug: str) -> Campaign | None:
    """A published campaign with just what the meter needs (its milestones)."""
    return campaign_published().filter(slug=slug).prefetch_related("milestones").first()


def update_list_published(*, campaign: Campaign | None = None, now: datetime.datetime | None = None):
    """Published updates whose time has come, newest first, with their campaign joined."""
    queryset = Update.objects.published(now=now).select_related("campaign").filter(campaign__is_published=True)
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    return queryset.order_by("-publish_at", "-pk")


def update_get_public(*, slug: str) -> Update | None:
    return update_list_published().filter(slug=slug).first()


def update_get_any(*, slug: str) -> Update | None:
    """Any update, drafts included: for staff previews only."""
    return Update.objects.select_related("campaign").filter(slug=slug).first()
