"""Reads of gifts and plans."""

import datetime
import time
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Lower, Trim
from django.utils import timezone

from campaign.models import Campaign, Designation
from fundraisers.models import Fundraiser

from .models import Frequency, Gift, MatchChallenge, Pledge, RecurringPlan

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
    # The donor's cumulative counted giving to the campaign (by email; this gift alone without one),
    # for the recognition level the wall shows.
    giving_cents: int = 0


def giving_by_donor(*, campaign: Campaign, emails: list[str]) -> dict[str, int]:
    """Each donor's cumulative counted giving to the campaign, by lower-cased email (one query)."""
    emails = sorted({email.strip().lower() for email in emails if email and email.strip()})
    if not emails:
        return {}
    rows = (
        Gift.objects.filter(campaign=campaign, status__in=Gift.COUNTED_STATUSES)
        .annotate(email_key=Lower(Trim("donor_email")))
        .filter(email_key__in=emails)
        .values("email_key")
        .annotate(total=Sum("counted_cents"))
    )
    return {row["email_key"]: row["total"] or 0 for row in rows}


def pledges_outstanding_cents(*, campaign_id: int) -> int:
    """
    What the campaign's active pledges still promise (Pledge.outstanding_of, summed): one query
    whatever the number of pledges. Paid is what each pledge's gifts count (net of refunds, never
    the covered fee), the same figure the meter counts as given, so that an instalment paid moves
    given up and pledged down by the same amount. Read only when the meter is rendered, and the
    meter's pages are cached (and invalidated by every change of a gift or a pledge's status).
    """
    rows = (
        Pledge.objects.filter(campaign_id=campaign_id, status__in=Pledge.OPEN_STATUSES)
        .annotate(paid=Sum("gifts__counted_cents", filter=Q(gifts__status__in=Gift.COUNTED_STATUSES), default=0))
        .values_list("status", "total_cents", "paid")
    )
    return sum(Pledge.outstanding_of(status=status, total_cents=total, paid_cents=paid) for status, total, paid in rows)


def gift_for_naming(*, campaign_id: int, gift_id: int) -> Gift | None:
    """A gift or pledge of this campaign that counts: what staff may attach to a naming opportunity."""
    return Gift.objects.filter(pk=gift_id, campaign_id=campaign_id, status__in=Gift.COUNTED_STATUSES).first()


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
        "donor_email",
    )[:limit]
    rows = list(rows)
    giving = giving_by_donor(campaign=campaign, emails=[gift.donor_email for gift in rows])
    return [
        WallGift(
            name="" if gift.is_anonymous else gift.display_name.strip(),
            amount_cents=gift.counted_cents,
            # Names show at once; a message only once staff approved it.
            message=gift.message.strip() if gift.message_status == Gift.MessageStatus.APPROVED else "",
            is_pledge=gift.source == Gift.Source.PLEDGE,
            is_monthly=gift.frequency == Frequency.MONTHLY,
            given_at=gift.paid_at or gift.created_at,
            giving_cents=giving.get(gift.donor_email.strip().lower(), gift.counted_cents),
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


# --- The donor's own pages (donors/) ----------------------------------------------------------------
# Every read is keyed by the email the donor proved they hold: a gift or plan of any other address
# is simply not found (the caller answers 404), whatever id a URL names.


def _for_email(email: str) -> dict:
    return {"donor_email__iexact": email.strip()}


def donor_has_giving(*, email: str) -> bool:
    """Whether `email` has any gift or plan with us (the door emails a link only then)."""
    email = email.strip()
    if not email:
        return False
    return (
        Gift.objects.filter(**_for_email(email)).exists() or RecurringPlan.objects.filter(**_for_email(email)).exists()
    )


def donor_gifts(*, email: str) -> QuerySet[Gift]:
    """Every gift of `email` that was paid or promised (online and offline), newest first."""
    shown = Gift.SETTLED_STATUSES | {Gift.Status.PENDING}
    return (
        Gift.objects.filter(**_for_email(email), status__in=shown)
        .exclude(source=Gift.Source.ONLINE, status=Gift.Status.PENDING)  # an unfinished Checkout is no gift
        .select_related("campaign", "designation")
        .order_by(F("paid_at").desc(nulls_last=True), "-created_at", "-pk")
    )


def donor_gift(*, email: str, gift_id: int) -> Gift | None:
    """One gift of `email`, or None (also for another donor's gift: never tell them apart)."""
    return donor_gifts(email=email).filter(pk=gift_id).first()


def donor_plans(*, email: str) -> QuerySet[RecurringPlan]:
    return (
        RecurringPlan.objects.filter(**_for_email(email))
        .exclude(status=RecurringPlan.Status.INCOMPLETE)
        .select_related("campaign")
        .order_by("-created_at", "-pk")
    )


def donor_plan(*, email: str, plan_id: int) -> RecurringPlan | None:
    return donor_plans(email=email).filter(pk=plan_id).first()


def gift_receipt_context(*, gift: Gift) -> dict | None:
    """The emailed receipt's figures for a settled gift (None for a pledge or an unpaid gift)."""
    from . import receipts

    if gift.is_pledge or gift.status not in Gift.SETTLED_STATUSES or not gift.receipt_number:
        return None
    return receipts.receipt_context(gift=gift)


@dataclass(frozen=True)
class StatementLine:
    receipt_number: str
    paid_on: datetime.date
    campaign: str
    method: str
    total_cents: int
    refunded_cents: int
    deductible_cents: int


@dataclass(frozen=True)
class Statement:
    """A donor's giving in one tax year: each receipted gift, with the same figures as its receipt."""

    email: str
    name: str
    year: int
    lines: tuple[StatementLine, ...]
    language: str = ""  # of the donor's latest gift that year: the statement speaks it

    @property
    def total_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)

    @property
    def refunded_cents(self) -> int:
        return sum(line.refunded_cents for line in self.lines)

    @property
    def deductible_cents(self) -> int:
        return sum(line.deductible_cents for line in self.lines)


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    from django.utils import timezone

    zone = timezone.get_default_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=zone),
        datetime.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def _receipted_in_year(year: int) -> QuerySet[Gift]:
    start, end = _year_bounds(year)
    return (
        Gift.objects.filter(status__in=Gift.SETTLED_STATUSES, paid_at__gte=start, paid_at__lt=end)
        .exclude(source=Gift.Source.PLEDGE)
        .exclude(donor_email="")
    )


def donor_statement_years(*, email: str) -> list[int]:
    """The tax years in which `email` has a receipted gift, newest first."""
    from django.utils import timezone

    zone = timezone.get_default_timezone()
    dates = (
        Gift.objects.filter(**_for_email(email), status__in=Gift.SETTLED_STATUSES, paid_at__isnull=False)
        .exclude(source=Gift.Source.PLEDGE)
        .values_list("paid_at", flat=True)
    )
    return sorted({paid.astimezone(zone).year for paid in dates}, reverse=True)


def donor_statement(*, email: str, year: int) -> Statement:
    from django.utils import timezone

    from . import receipts

    zone = timezone.get_default_timezone()
    gifts = list(
        _receipted_in_year(year).filter(**_for_email(email)).select_related("campaign").order_by("paid_at", "pk")
    )
    lines = tuple(
        StatementLine(
            receipt_number=gift.receipt_number,
            paid_on=gift.paid_at.astimezone(zone).date(),
            campaign=gift.campaign.localized.title,
            method=receipts.payment_method(gift),
            total_cents=gift.total_cents,
            refunded_cents=gift.refunded_cents,
            deductible_cents=receipts.deductible_cents(gift),
        )
        for gift in gifts
    )
    name = next((gift.donor_name for gift in reversed(gifts) if gift.donor_name), "")
    language = gifts[-1].language if gifts else ""
    return Statement(email=email.strip().lower(), name=name, year=year, lines=lines, language=language)


def statement_emails(*, year: int) -> list[str]:
    """Every address (lower-cased, once) with a receipted gift in `year`, in a stable order."""
    from django.db.models.functions import Lower

    return list(
        _receipted_in_year(year)
        .annotate(email=Lower("donor_email"))
        .values_list("email", flat=True)
        .distinct()
        .order_by("email")
    )


def donor_language(*, email: str) -> str:
    """The language of the address's latest gift or plan ("" if none): what its emails speak."""
    gift = (
        Gift.objects.filter(**_for_email(email))
        .order_by("-created_at", "-pk")
        .values_list("language", "created_at")
        .first()
    )
    plan = (
        RecurringPlan.objects.filter(**_for_email(email))
        .order_by("-created_at", "-pk")
        .values_list("language", "created_at")
        .first()
    )
    latest = max((row for row in (gift, plan) if row), key=lambda row: row[1], default=None)
    return latest[0] if latest else ""


# Which Checkout Sessions this browser started (views.gift_form keeps them in the session).
BROWSER_SESSIONS_KEY = "donations_checkout_sessions"


def gift_started_by_browser(*, session, gift_id: int) -> Gift | None:
    """A gift whose Checkout Session this browser started, or None (any other gift: never told apart)."""
    started = session.get(BROWSER_SESSIONS_KEY, [])
    if not isinstance(started, list):
        return None
    gift = Gift.objects.select_related("campaign").filter(pk=gift_id, source=Gift.Source.ONLINE).first()
    return (
        gift
        if gift is not None and gift.stripe_checkout_session_id and gift.stripe_checkout_session_id in started
        else None
    )


def gift_counted_cents(*, gift_ids: list[int]) -> dict[int, int]:
    """What each of these gifts counts (net of refunds; 0 for unpaid ones): for tribute totals."""
    return dict(Gift.objects.filter(pk__in=gift_ids).values_list("pk", "counted_cents"))


def gift_language(*, gift_id: int) -> str:
    return Gift.objects.filter(pk=gift_id).values_list("language", flat=True).first() or ""


def gift_is_paid(*, gift: Gift) -> bool:
    return gift.status in Gift.SETTLED_STATUSES


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
    # "At N months": a new monthly gift is matched for its first N months once it reaches N (else None).
    monthly_after_payments: int | None = None

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
    return _match_offer_from(challenge) if challenge is not None else None


def match_offer_and_next_change(
    *, campaign_id: int, now: datetime.datetime | None = None
) -> tuple[MatchOffer | None, datetime.datetime | None]:
    """
    The campaign's open offer (as match_offer_open) and when the clock alone next changes what is
    shown (a challenge starting or ending; None: never), for a copy cached until then: one query.
    """
    now = now or timezone.now()
    challenges = list(
        MatchChallenge.objects.filter(campaign_id=campaign_id, is_active=True, ends_at__gt=now)
        .select_related("designation")
        .order_by("ends_at", "pk")
    )
    challenge = next((c for c in challenges if c.starts_at <= now), None)
    changes = [c.starts_at if c.starts_at > now else c.ends_at for c in challenges]
    return (_match_offer_from(challenge) if challenge is not None else None), min(changes, default=None)


def _match_offer_from(challenge: MatchChallenge) -> MatchOffer:
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
        monthly=challenge.recurring_rule != MatchChallenge.RecurringRule.EXCLUDED,
        monthly_after_payments=(
            challenge.monthly_match_after_payments
            if challenge.recurring_rule == MatchChallenge.RecurringRule.AFTER_PAYMENTS
            else None
        ),
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
