"""Writes for fundraisers' pages and teams (their totals are written by fundraisers.tallies only)."""

import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from campaign import images
from campaign.models import Campaign
from campaign.services import save_with_renditions
from core.localization import localized

from .models import Fundraiser, Team


@transaction.atomic
def fundraiser_save(*, fundraiser: Fundraiser) -> Fundraiser:
    """
    Save a fundraiser's page. A newly uploaded photo is stored without its metadata (a phone photo
    carries where it was taken) and sized for the web; public pages are made stale.
    """
    photo = fundraiser.photo
    if photo and not getattr(photo, "_committed", True):
        stripped = images.image_without_metadata(photo.file)
        photo.save(stripped.name, stripped, save=False)
    if fundraiser.share_consent and fundraiser.share_consent_at is None:
        fundraiser.share_consent_at = timezone.now()
    newly_approved = False
    if fundraiser.status in Fundraiser.PUBLIC_STATUSES and fundraiser.approved_at is None:
        fundraiser.approved_at = timezone.now()
        # A page staff approve (not one public from the start, whose link email says so already).
        newly_approved = fundraiser.pk is not None
    saved = save_with_renditions(fundraiser, image="photo", renditions="photo_renditions", picture="picture")
    if newly_approved:
        fundraiser_id = saved.pk
        transaction.on_commit(lambda: _enqueue_approved(fundraiser_id=fundraiser_id), robust=True)
    return saved


def _enqueue_approved(*, fundraiser_id: int) -> None:
    from .tasks import fundraiser_send_approved

    fundraiser_send_approved.enqueue(fundraiser_id=fundraiser_id)


@transaction.atomic
def fundraiser_set_status(*, fundraiser: Fundraiser, status: str) -> Fundraiser:
    """Approve, hide or close a page (staff); the public pages follow at once."""
    fundraiser.status = status
    return fundraiser_save(fundraiser=fundraiser)


# --- Sign-up by emailed link, and the page a supporter creates ---------------------------------

SIGNUP_SALT = "fundraisers.signup"
SIGNUP_MAX_AGE = 24 * 60 * 60  # a day: long enough to come back from work, short enough to forget


def signup_token(*, email: str, campaign_id: int) -> str:
    return signing.TimestampSigner(salt=SIGNUP_SALT).sign_object({"email": email, "campaign": campaign_id})


def signup_read(*, token: str) -> tuple[str, int] | None:
    """(email, campaign id) from an emailed link, or None when it is forged, mangled or expired."""
    try:
        data = signing.TimestampSigner(salt=SIGNUP_SALT).unsign_object(token, max_age=SIGNUP_MAX_AGE)
        return str(data["email"]), int(data["campaign"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


SIGNUP_SESSION_KEY = "fundraiser_signup"
SIGNUP_SESSION_SECONDS = 2 * 60 * 60


def signup_token_use(*, token: str, session) -> tuple[str, int] | None:
    """Let this browser open the creation form for the token's email and campaign for a while."""
    signed = signup_read(token=token.strip()) if token and len(token) <= 500 else None
    if signed is None:
        return None
    session.cycle_key()
    session[SIGNUP_SESSION_KEY] = {
        "email": signed[0],
        "campaign": signed[1],
        "until": int(time.time()) + SIGNUP_SESSION_SECONDS,
    }
    return signed


def signup_for_session(*, session) -> tuple[str, int] | None:
    grant = session.get(SIGNUP_SESSION_KEY)
    if not isinstance(grant, dict) or not isinstance(grant.get("until"), int) or grant["until"] < time.time():
        return None
    if not isinstance(grant.get("email"), str) or not isinstance(grant.get("campaign"), int):
        return None
    return grant["email"], grant["campaign"]


def signup_link_send(*, email: str, campaign: Campaign) -> None:
    """Email the link that opens the page-creation form: whoever holds the inbox may create a page."""
    # The token after "#": browsers never send the fragment, so no log or Referer holds it.
    url = (
        settings.SITE_URL
        + reverse("fundraisers:signup_open")
        + "#"
        + signup_token(email=email, campaign_id=campaign.pk)
    )
    context = {"url": url, "campaign": campaign, "org_name": settings.ORG_NAME}
    subject = _("Start your fundraiser for %(title)s") % {"title": localized(campaign, "title")}
    send_mail(subject, render_to_string("emails/fundraisers/signup_link.txt", context), None, [email])


def _unique_slug(model, text: str) -> str:
    base = slugify(text)[:80].strip("-") or "page"
    while True:
        slug = f"{base}-{secrets.token_hex(3)}"
        if not model.objects.filter(slug=slug).exists():
            return slug


@transaction.atomic
def fundraiser_create(*, campaign: Campaign, owner_email: str, data: dict, language: str = "") -> Fundraiser:
    """
    A supporter's new page, from the creation form's cleaned data: waiting for review unless
    FUNDRAISER_MODERATION is "post". A new team is made when one is named.
    """
    team = data.get("team")
    new_team = (data.get("new_team") or "").strip()
    if team is None and new_team:
        team = Team.objects.create(campaign=campaign, name=new_team, slug=_unique_slug(Team, new_team))
    status = Fundraiser.Status.APPROVED if settings.FUNDRAISER_MODERATION == "post" else Fundraiser.Status.PENDING
    fundraiser = Fundraiser(
        campaign=campaign,
        team=team,
        owner_email=owner_email,
        display_name=data["display_name"].strip(),
        slug=_unique_slug(Fundraiser, data["title"]),
        title=data["title"].strip(),
        story=data.get("story", "").strip(),
        photo=data.get("photo") or "",
        photo_alt=data.get("photo_alt", "").strip(),
        goal_cents=data["goal"],
        ends_on=data.get("ends_on"),
        status=status,
        share_consent=bool(data["share_consent"]),
        language=(language or settings.LANGUAGE_CODE)[:8],
    )
    fundraiser = fundraiser_save(fundraiser=fundraiser)
    fundraiser_id = fundraiser.pk
    transaction.on_commit(lambda: _enqueue_manage_link(fundraiser_id=fundraiser_id), robust=True)
    return fundraiser


def _enqueue_manage_link(*, fundraiser_id: int) -> None:
    from .tasks import fundraiser_send_manage_link

    fundraiser_send_manage_link.enqueue(fundraiser_id=fundraiser_id)


# --- The fundraiser's own link: their gifts, thank-you notes, editing ---------------------------

MANAGE_SALT = "fundraisers.manage"
MANAGE_MAX_AGE = 60 * 24 * 60 * 60  # two months: every email to the fundraiser carries a fresh one
MANAGE_SESSION_KEY = "fundraiser_manage"
MANAGE_SESSION_SECONDS = 2 * 60 * 60


def manage_token(*, fundraiser: Fundraiser) -> str:
    # The owner's email is signed in too: staff changing it makes the old links stop working.
    return signing.TimestampSigner(salt=MANAGE_SALT).sign_object({"f": fundraiser.pk, "e": fundraiser.owner_email})


def manage_url(*, fundraiser: Fundraiser) -> str:
    """The fundraiser's link, token after '#': browsers never send the fragment, so no log holds it."""
    return settings.SITE_URL + reverse("fundraisers:manage_open") + "#" + manage_token(fundraiser=fundraiser)


def manage_token_use(*, token: str, session) -> Fundraiser | None:
    """Let this browser manage the token's page for a while; None when forged, expired or outdated."""
    if not token or len(token) > 500:
        return None
    try:
        data = signing.TimestampSigner(salt=MANAGE_SALT).unsign_object(token.strip(), max_age=MANAGE_MAX_AGE)
        fundraiser_id, email = int(data["f"]), str(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    fundraiser = Fundraiser.objects.filter(pk=fundraiser_id, owner_email=email).first()
    if fundraiser is None:
        return None
    session.cycle_key()
    session[MANAGE_SESSION_KEY] = {"fundraiser": fundraiser.pk, "until": int(time.time()) + MANAGE_SESSION_SECONDS}
    return fundraiser


def fundraiser_for_manage_session(*, session) -> Fundraiser | None:
    grant = session.get(MANAGE_SESSION_KEY)
    if not isinstance(grant, dict) or not isinstance(grant.get("until"), int) or grant["until"] < time.time():
        return None
    return Fundraiser.objects.select_related("campaign", "team", "tally").filter(pk=grant.get("fundraiser")).first()


@transaction.atomic
def fundraiser_update(*, fundraiser: Fundraiser, goal_cents: int, needs_review: bool) -> Fundraiser:
    """
    The fundraiser's own edit (fields already set by their form). With pre-moderation, changed
    words or photo go back to staff before the public sees them; a new goal or end date does not.
    """
    fundraiser.goal_cents = goal_cents
    fundraiser.share_consent_at = timezone.now()
    if needs_review and settings.FUNDRAISER_MODERATION == "pre" and fundraiser.status == Fundraiser.Status.APPROVED:
        fundraiser.status = Fundraiser.Status.PENDING
    return fundraiser_save(fundraiser=fundraiser)
