"""Reads for the campaign pages, the meter, the donor wall and the blog."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from core.localization import LocalizedContent
from donations import selectors as donations_selectors
from donations.selectors import MatchOffer, WallGift

from .models import Campaign, Milestone, Update
from .tallies import tally_totals

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
class GivingDay(LocalizedContent):
    """A campaign's giving day as the meter shows it: live donor count, the period's goal, the countdown."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    state: str  # "upcoming", "live", "ended"
    donor_count: int  # distinct donors during the giving day (so far)
    period: str  # "hour" or "day"
    period_donor_count: int  # donors in the current hour or day
    period_ends_at: datetime.datetime
    goal_donors: int | None  # donors needed each period
    unlock: str = ""
    unlock_es: str = ""

    @property
    def is_live(self) -> bool:
        return self.state == "live"

    @property
    def donors_needed(self) -> int:
        """Donors still needed this period (0 once reached, or without a goal)."""
        return max(0, (self.goal_donors or 0) - self.period_donor_count)


@dataclass(frozen=True)
class Progress:
    """
    Everything the meter shows. Built from one read of the Tally stripes (its cost never grows with
    gifts or stripes) and one aggregate over the active pledges (it grows only with them, and is
    read only on a cold page).
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
    # Sponsors' matches: counted toward the goal, shown as their own part of the bar (README).
    matched_cents: int = 0
    offer: MatchOffer | None = None  # the matching challenge open now, if any
    giving_day: GivingDay | None = None
    # What active pledges still promise (not yet given): committed = raised + matched + this.
    outstanding_pledged_cents: int = 0

    @property
    def committed_cents(self) -> int:
        """Given, matched and still pledged: everything promised to the campaign."""
        return self.raised_cents + self.matched_cents + self.outstanding_pledged_cents

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
    def total_cents(self) -> int:
        """Donors' gifts and sponsors' matches: what the bar and the percentage measure."""
        return self.raised_cents + self.matched_cents

    @property
    def raised_bar_percent(self) -> int:
        """The donors' part of the bar (the matched part follows it)."""
        return max(0, min(_percent(self.raised_cents, self.goal_cents), self.bar_percent))

    @property
    def matched_bar_percent(self) -> int:
        return self.bar_percent - self.raised_bar_percent

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
    The meter's figures for a campaign: one query summing its campaign-wide Tally stripes (no row yet
    means nothing has counted) and one for what its active pledges still promise. Milestones
    come from `campaign.milestones`, prefetched by the page's selector.
    """
    tally = tally_totals(campaign=campaign)  # its stripes summed, one query
    raised = tally.raised_cents if tally else 0
    matched = tally.matched_cents if tally else 0
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
            passed=raised + matched >= milestone.amount_cents,
            position=min(100, _percent(milestone.amount_cents, goal)),
        )
        for milestone in campaign.milestones.all()
    )
    return Progress(
        raised_cents=raised,
        goal_cents=goal,
        percent=_percent(raised + matched, goal),
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
        matched_cents=matched,
        offer=donations_selectors.match_offer_open(campaign_id=campaign.pk),
        giving_day=campaign_giving_day(campaign=campaign),
    )


def campaign_giving_day(*, campaign: Campaign, now: datetime.datetime | None = None) -> GivingDay | None:
    """The campaign's giving day, if it has one: no query before it starts, one while it runs and after."""
    starts, ends = campaign.giving_day_starts_at, campaign.giving_day_ends_at
    if starts is None or ends is None:
        return None
    now = now or timezone.now()
    hour = campaign.giving_day_period != "day"
    state = "upcoming" if now < starts else "live" if now < ends else "ended"
    # The clock's hour (or day) we are in, within the giving day: a day starting at 9:30 has a
    # first "hour" to 10:00; after the end, its last period.
    reference = timezone.localtime(min(max(now, starts), ends - datetime.timedelta(microseconds=1)))
    boundary = reference.replace(minute=0, second=0, microsecond=0)
    if not hour:
        boundary = boundary.replace(hour=0)
    period_start = max(starts, boundary)
    period_end = min(ends, boundary + datetime.timedelta(hours=1 if hour else 24))
    donors = period_donors = 0
    if state != "upcoming":
        donors, period_donors = donations_selectors.giving_day_donor_counts(
            campaign_id=campaign.pk, starts_at=starts, period_start=period_start, ends_at=ends
        )
    return GivingDay(
        starts_at=starts,
        ends_at=ends,
        state=state,
        donor_count=donors,
        period="hour" if hour else "day",
        period_donor_count=period_donors,
        period_ends_at=period_end,
        goal_donors=campaign.giving_day_goal_donors,
        unlock=campaign.giving_day_unlock,
        unlock_es=campaign.giving_day_unlock_es,
    )


def _giving_day_json(day: GivingDay | None) -> dict | None:
    if day is None:
        return None
    return {
        "state": day.state,
        "starts_at": day.starts_at.isoformat(),
        "ends_at": day.ends_at.isoformat(),
        "donor_count": day.donor_count,
        "period": day.period,
        "period_donor_count": day.period_donor_count,
        "period_ends_at": day.period_ends_at.isoformat(),
        "goal_donors": day.goal_donors,
        "donors_needed": day.donors_needed,
    }


def progress_as_json(progress: Progress) -> dict:
    """
    The public progress.json document (DESIGN's contract). `raised_cents` is what donors gave;
    `matched_cents` what sponsors matched; `percent` measures both against the goal. While a
    matching challenge is open, `match` says whose, its ratio, what its pot has left and its end.
    `paid_cents` (the same as raised_cents) and `pledged_cents` (what active pledges still
    promise) split what donors committed.
    """
    offer = progress.offer
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
        "matched_cents": progress.matched_cents,
        "giving_day": _giving_day_json(progress.giving_day),
        "match": None
        if offer is None
        else {
            "sponsor": offer.sponsor_name,
            "ratio": offer.ratio,
            "pot_cents": offer.pot_cents,
            "pot_left_cents": offer.left_cents,
            "ends_at": offer.ends_at.isoformat(),
        },
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
