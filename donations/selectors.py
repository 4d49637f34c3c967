"""Reads of gifts and plans."""

import datetime
import time
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet
from django.utils import timezone

from campaign.models import Campaign, Designation
from fundraisers.models import Fundraiser

from .models import Frequency, Gift, MatchChallenge, RecurringPlan

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


def fundraiser_for_gift_form(*, campaign: Campaign, slug: str | None) -> Fundraiser | None:
    """The fundraiser's page a gift may be credited to: an approved one of this campaign, not past its end."""
    if not slug:
        return None
    fundraiser = (
        Fundraiser.objects.filter(campaign=campaign, slug=slug, status__in=Fundraiser.PUBLIC_STATUSES)
        .only("pk", "slug", "display_name", "title", "status", "ends_on", "campaign_id")
        .first()
    )
    return fundraiser if fundraiser is not None and fundraiser.is_open() else None


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


def plan_for_manage_session(*, session) -> RecurringPlan | None:
    """The plan this browser opened with an emailed token (services.plan_manage_token_use), while it lasts."""
    grant = session.get(PLAN_SESSION_KEY)
    if not isinstance(grant, dict) or not isinstance(grant.get("plan"), int) or not isinstance(grant.get("until"), int):
        return None
    if grant["until"] < int(time.time()):
        return None
    return RecurringPlan.objects.select_related("campaign").filter(pk=grant["plan"]).first()


def _counted_newest_first(**filters) -> QuerySet[Gift]:
    """Gifts that count, newest first: what the donor wall and a fundraiser's supporters list."""
    return Gift.objects.filter(status__in=Gift.COUNTED_STATUSES, counted_cents__gt=0, **filters).order_by(
        F("paid_at").desc(nulls_last=True), "-created_at", "-pk"
    )


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
    rows = _counted_newest_first(campaign=campaign).only(
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


@dataclass(frozen=True)
class SupporterGift:
    """A gift as a fundraiser's page shows it: the name and message the donor chose, never an email or amount."""

    name: str  # "" for anonymous
    message: str
    given_at: datetime.datetime | None


def gifts_for_fundraiser(*, fundraiser_id: int, limit: int = 10) -> list[SupporterGift]:
    """The newest gifts that count through a fundraiser's page, for the page's list of supporters."""
    rows = _counted_newest_first(fundraiser_id=fundraiser_id).only(
        "display_name", "is_anonymous", "message", "message_status", "paid_at", "created_at"
    )[:limit]
    return [
        SupporterGift(
            name="" if gift.is_anonymous else gift.display_name.strip(),
            # As on the donor wall: a message is public only once staff approved it (it may name a patient).
            message=gift.message.strip() if gift.message_status == Gift.MessageStatus.APPROVED else "",
            given_at=gift.paid_at or gift.created_at,
        )
        for gift in rows
    ]


@dataclass(frozen=True)
class FundraiserGift:
    """
    A gift as its fundraiser may know it: the name and message the donor chose, the amount only if
    the donor allowed it (None otherwise), never an email or an address.
    """

    gift_id: int
    fundraiser_id: int
    name: str  # "" for anonymous
    message: str
    amount_cents: int | None
    given_at: datetime.datetime | None


def _fundraiser_gift(gift: Gift) -> FundraiserGift:
    return FundraiserGift(
        gift_id=gift.pk,
        fundraiser_id=gift.fundraiser_id,
        name="" if gift.is_anonymous else gift.display_name.strip(),
        message=gift.message.strip(),
        amount_cents=gift.counted_cents if gift.amount_shown_to_fundraiser else None,
        given_at=gift.paid_at or gift.created_at,
    )


_FUNDRAISER_GIFT_FIELDS = (
    "fundraiser_id",
    "display_name",
    "is_anonymous",
    "message",
    "counted_cents",
    "amount_shown_to_fundraiser",
    "paid_at",
    "created_at",
)


def gift_for_fundraiser_notice(*, gift_id: int) -> FundraiserGift | None:
    """A counted gift made through a fundraiser's page, as its fundraiser is told of it; else None."""
    gift = _counted_newest_first(pk=gift_id, fundraiser__isnull=False).only(*_FUNDRAISER_GIFT_FIELDS).first()
    return _fundraiser_gift(gift) if gift is not None else None


def gifts_for_fundraiser_owner(*, fundraiser_id: int, limit: int = 50) -> list[FundraiserGift]:
    """The newest counted gifts through a page, for its fundraiser's own (signed-link) view."""
    rows = _counted_newest_first(fundraiser_id=fundraiser_id).only(*_FUNDRAISER_GIFT_FIELDS)[:limit]
    return [_fundraiser_gift(gift) for gift in rows]


@dataclass(frozen=True)
class DonorAddress:
    """Where a thank-you note from a fundraiser goes: read by the site only, never shown to the fundraiser."""

    email: str
    language: str


def gift_donor_address(*, gift_id: int, fundraiser_id: int) -> DonorAddress | None:
    """The donor's email for a counted gift through this fundraiser's page; None for any other gift."""
    gift = (
        _counted_newest_first(pk=gift_id, fundraiser_id=fundraiser_id)
        .exclude(donor_email="")
        .only("donor_email", "language")
        .first()
    )
    return DonorAddress(email=gift.donor_email, language=gift.language) if gift is not None else None


def fundraiser_donor_counts(*, fundraiser_ids: list[int]) -> dict[int, int]:
    """How many different donors gave (and still count) through each of these pages: one query."""
    rows = (
        Gift.objects.filter(
            status__in=Gift.COUNTED_STATUSES, counted_cents__gt=0, fundraiser_id__in=list(fundraiser_ids)
        )
        .exclude(counted_donor_key="")
        .order_by()
        .values("fundraiser_id")
        .annotate(donors=Count("counted_donor_key", distinct=True))
    )
    return {row["fundraiser_id"]: row["donors"] for row in rows}


def team_donor_counts(*, team_ids: list[int]) -> dict[int, int]:
    """How many different donors gave (and still count) through each team's pages: one query."""
    rows = (
        Gift.objects.filter(
            status__in=Gift.COUNTED_STATUSES, counted_cents__gt=0, fundraiser__team_id__in=list(team_ids)
        )
        .exclude(counted_donor_key="")
        .order_by()
        .values("fundraiser__team_id")
        .annotate(donors=Count("counted_donor_key", distinct=True))
    )
    return {row["fundraiser__team_id"]: row["donors"] for row in rows}


@dataclass(frozen=True)
class MatchOffer:
    """An open matching challenge as the public pages show it ("Your gift will be matched")."""

    sponsor_name: str
    logo_url: str
    ratio: int
    pot_cents: int
    left_cents: int
    ends_at: datetime.datetime
    designation_name: str
    designation_name_es: str
    online: bool
    new_donors_only: bool
    monthly: bool

    @property
    def is_exhausted(self) -> bool:
        return self.left_cents <= 0


def match_offer_open(*, campaign_id: int, now: datetime.datetime | None = None) -> MatchOffer | None:
    """The campaign's open challenge (the one ending first), with what its pot has left: one query."""
    now = now or timezone.now()
    challenge = (
        MatchChallenge.objects.filter(campaign_id=campaign_id, is_active=True, starts_at__lte=now, ends_at__gt=now)
        .select_related("designation")
        .order_by("ends_at", "pk")
        .first()
    )
    if challenge is None:
        return None
    designation = challenge.designation
    return MatchOffer(
        sponsor_name=challenge.sponsor_name,
        logo_url=challenge.sponsor_logo.url if challenge.sponsor_logo else "",
        ratio=challenge.ratio,
        pot_cents=challenge.pot_cents,
        left_cents=challenge.left_cents,
        ends_at=challenge.ends_at,
        designation_name=designation.name if designation else "",
        designation_name_es=getattr(designation, "name_es", "") if designation else "",
        online=challenge.match_online,
        new_donors_only=challenge.new_donors_only,
        monthly=challenge.recurring_rule == MatchChallenge.RecurringRule.FIRST_PAYMENT,
    )


def giving_day_donor_counts(
    *, campaign_id: int, starts_at: datetime.datetime, period_start: datetime.datetime, ends_at: datetime.datetime
) -> tuple[int, int]:
    """
    (donors during the giving day, donors since period_start): distinct donors of counted gifts
    paid in the window, in one query off the gift wall's index (campaign, status, paid_at).
    """
    from django.db.models import Count, Q

    totals = Gift.objects.filter(
        campaign_id=campaign_id, status__in=Gift.COUNTED_STATUSES, paid_at__gte=starts_at, paid_at__lt=ends_at
    ).aggregate(
        day=Count("counted_donor_key", distinct=True),
        period=Count("counted_donor_key", distinct=True, filter=Q(paid_at__gte=period_start)),
    )
    return totals["day"], totals["period"]
