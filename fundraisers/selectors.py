"""Reads for fundraisers' and teams' public pages."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from campaign.selectors import Progress
from donations import selectors as donations_selectors
from donations.selectors import SupporterGift

from .models import Fundraiser, Team


def fundraiser_for_page(*, slug: str) -> Fundraiser | None:
    """A fundraiser of a published campaign, whatever its status (the view shows only a notice unless approved)."""
    return (
        Fundraiser.objects.select_related("campaign", "team", "tally")
        .filter(slug=slug, campaign__is_published=True)
        .first()
    )


def _progress(
    *, raised: int, gift_count: int, goal: int, ends_on, currency: str, updated_at, today, donor_count: int = 0
) -> Progress:
    today = today or timezone.localdate()
    if ends_on is None:
        days_left, has_ended = None, False
    else:
        has_ended = today > ends_on
        days_left = max(0, (ends_on - today).days)
    return Progress(
        raised_cents=raised,
        goal_cents=goal,
        percent=(raised * 100) // goal if goal > 0 else 0,  # floored, as the campaign meter
        donor_count=donor_count,
        gift_count=gift_count,
        pledged_cents=0,
        offline_cents=0,
        currency=currency,
        days_left=days_left,
        has_ended=has_ended,
        milestones=(),
        updated_at=updated_at,
    )


def fundraiser_progress(*, fundraiser: Fundraiser, today: datetime.date | None = None) -> Progress:
    """
    The personal meter, from the fundraiser's tally (joined by fundraiser_for_page: no query) and
    its different donors (one query, only once a gift has counted).
    """
    tally = getattr(fundraiser, "tally", None)
    donors = 0
    if tally is not None and tally.gift_count:
        donors = donations_selectors.fundraiser_donor_counts(fundraiser_ids=[fundraiser.pk]).get(fundraiser.pk, 0)
    return _progress(
        donor_count=donors,
        raised=tally.raised_cents if tally else 0,
        gift_count=tally.gift_count if tally else 0,
        goal=fundraiser.goal_cents,
        ends_on=fundraiser.ends_on,
        currency=fundraiser.campaign.currency,
        updated_at=tally.updated_at if tally else None,
        today=today,
    )


def fundraiser_supporters(*, fundraiser: Fundraiser, limit: int = 10) -> list[SupporterGift]:
    return donations_selectors.gifts_for_fundraiser(fundraiser_id=fundraiser.pk, limit=limit)


@dataclass(frozen=True)
class TeamMember:
    title: str
    display_name: str
    url: str
    raised_cents: int


@dataclass(frozen=True)
class TeamPage:
    team: Team
    progress: Progress
    members: tuple[TeamMember, ...]  # the public pages only, highest total first


def team_for_page(*, slug: str, today: datetime.date | None = None) -> TeamPage | None:
    """
    A team of a published campaign with an approved page, its members' public pages and its total: the sum of every
    member's tally (money given through a page later hidden or closed still counts). Two queries.
    """
    team = Team.objects.select_related("campaign").filter(slug=slug, campaign__is_published=True).first()
    if team is None:
        return None
    members = list(
        Fundraiser.objects.filter(team=team)
        .select_related("tally")
        .only("slug", "title", "display_name", "status", "goal_cents", "tally__raised_cents", "tally__gift_count")
        # A page with no gift yet has no tally row: last, on PostgreSQL too (NULLs sort first there).
        .order_by(F("tally__raised_cents").desc(nulls_last=True), "pk")
    )
    raised = sum(member.tally.raised_cents for member in members if hasattr(member, "tally"))
    gift_count = sum(member.tally.gift_count for member in members if hasattr(member, "tally"))
    goal = team.goal_cents or sum(member.goal_cents for member in members if member.is_public)
    public = tuple(
        TeamMember(
            title=member.title,
            display_name=member.display_name,
            url=member.get_absolute_url(),
            raised_cents=member.tally.raised_cents if hasattr(member, "tally") else 0,
        )
        for member in members
        if member.is_public
    )
    if not public:
        return None  # its name was typed by a supporter: shown only once one of its pages is approved
    progress = _progress(
        raised=raised,
        gift_count=gift_count,
        goal=goal,
        ends_on=None,
        currency=team.campaign.currency,
        updated_at=None,
        today=today,
    )
    return TeamPage(team=team, progress=progress, members=public)


@dataclass(frozen=True)
class LeaderboardRow:
    name: str
    url: str
    raised_cents: int
    by: str = ""  # a page's fundraiser
    pages: int = 0  # a team's approved pages


@dataclass(frozen=True)
class Leaderboard:
    fundraisers: tuple[LeaderboardRow, ...]
    teams: tuple[LeaderboardRow, ...]

    def __bool__(self) -> bool:
        return bool(self.fundraisers or self.teams)


def campaign_leaderboard(*, campaign_id: int, limit: int) -> Leaderboard:
    """
    The campaign page's top fundraisers' pages and teams by money raised (two queries). Only
    approved pages are named; a team is shown once one of its pages is approved (its name was typed
    by a supporter, so it waits for review like their page), and its total is all its members'.
    """
    approved = Fundraiser.Status.APPROVED
    pages = (
        Fundraiser.objects.filter(campaign_id=campaign_id, status=approved, tally__raised_cents__gt=0)
        .select_related("tally")
        .only("slug", "title", "display_name", "tally__raised_cents")
        .order_by("-tally__raised_cents", "pk")[:limit]
    )
    teams = (
        Team.objects.filter(campaign_id=campaign_id)
        .annotate(
            raised=Sum("members__tally__raised_cents"),
            public_pages=Count("members", filter=Q(members__status=approved)),
        )
        .filter(public_pages__gt=0, raised__gt=0)
        .only("slug", "name")
        .order_by("-raised", "pk")[:limit]
    )
    return Leaderboard(
        fundraisers=tuple(
            LeaderboardRow(page.title, page.get_absolute_url(), page.tally.raised_cents, by=page.display_name)
            for page in pages
        ),
        teams=tuple(
            LeaderboardRow(team.name, team.get_absolute_url(), team.raised, pages=team.public_pages) for team in teams
        ),
    )
