import re

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from campaign import selectors as campaign_selectors
from core import proof_of_work, ratelimit
from core.cache import CONTENT, FIGURES, page_cache
from donations import selectors as donations_selectors

from . import notices, selectors, services
from .forms import FundraiserEditForm, FundraiserForm, ManageOpenForm, SignUpForm, ThankYouForm
from .models import Fundraiser

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")


@page_cache(depends_on=(CONTENT, FIGURES))
@require_safe
def fundraiser_detail(request, slug):
    """
    A fundraiser's page: story, photo, personal meter, supporters, donate and share links.
    A page not approved shows only a notice: waiting for review (404) or taken down / ended (410).

    Template: fundraisers/fundraiser_detail.html. Context: fundraiser, campaign, progress
    (campaign.selectors.Progress), supporters (list of donations.selectors.SupporterGift), is_open.
    Notice: fundraisers/fundraiser_unavailable.html (context: fundraiser, campaign, reason).
    """
    fundraiser = selectors.fundraiser_for_page(slug=slug)
    if fundraiser is None:
        raise Http404("No such fundraiser")
    if not fundraiser.is_public:
        withdrawn = fundraiser.status in Fundraiser.WITHDRAWN_STATUSES
        context = {"campaign": fundraiser.campaign, "reason": fundraiser.status}
        return render(request, "fundraisers/fundraiser_unavailable.html", context, status=410 if withdrawn else 404)
    context = {
        "fundraiser": fundraiser,
        "campaign": fundraiser.campaign,
        "progress": selectors.fundraiser_progress(fundraiser=fundraiser),
        "supporters": selectors.fundraiser_supporters(fundraiser=fundraiser),
        "is_open": fundraiser.is_open(),
    }
    return render(request, "fundraisers/fundraiser_detail.html", context)


@page_cache(depends_on=(CONTENT, FIGURES))
@require_safe
def team_detail(request, slug):
    """
    A team's page: its members' public pages and their sum.

    Template: fundraisers/team_detail.html. Context: team, campaign, progress, members
    (selectors.TeamMember, highest total first).
    """
    page = selectors.team_for_page(slug=slug)
    if page is None:
        raise Http404("No such team")
    context = {"team": page.team, "campaign": page.team.campaign, "progress": page.progress, "members": page.members}
    return render(request, "fundraisers/team_detail.html", context)


SIGNUP_WINDOW_SECONDS = 60 * 60


# Beyond the hourly limit a client address is asked to prove it is a person (ALTCHA, the gift
# form's self-hosted check) rather than refused; beyond this many times the limit, refused.
CHALLENGE_CEILING_FACTOR = 5


def _rate_limited(request, *, scope: str, limit: int):
    """None while the client address is within `limit` an hour; else the 429 page."""
    if ratelimit.hit(scope=scope, key=ratelimit.client_ip(request), limit=limit, window_seconds=SIGNUP_WINDOW_SECONDS):
        return None
    return _refused(request)


def _refused(request):
    response = render(request, "fundraisers/fundraiser_ratelimited.html", status=429)
    response["Retry-After"] = str(SIGNUP_WINDOW_SECONDS)
    return response


def _person_check(request, *, scope: str, limit: int) -> str:
    """
    "ok" within `limit` an hour from this address, or past it with a solved check; "challenge":
    show the check; "refused": past CHALLENGE_CEILING_FACTOR times the limit, even with one.
    """
    count = ratelimit.hit_count(scope=scope, key=ratelimit.client_ip(request), window_seconds=SIGNUP_WINDOW_SECONDS)
    if count <= limit:
        return "ok"
    if count > limit * CHALLENGE_CEILING_FACTOR:
        return "refused"
    payload = str(request.POST.get(proof_of_work.RESPONSE_FIELD) or "")
    if payload and proof_of_work.verify(payload=payload) == proof_of_work.Outcome.PASSED:
        return "ok"
    return "challenge"


def _with_challenge(request, template: str, context: dict):
    """The form again, with the check (and the CSP that lets its workers run); never cached."""
    response = render(request, template, {**context, "challenge_widget": proof_of_work.widget_html()}, status=400)
    response._csp_config = proof_of_work.csp_config()
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def fundraiser_start(request):
    """
    "Start your own fundraiser": asks for an email and sends the link that opens the creation form
    (no password). The same answer whether or not the address is known, and nothing is stored.

    Template: fundraisers/fundraiser_start.html. Context: form, campaign, sent.
    """
    data = request.POST if request.method == "POST" else request.GET
    slug = str(data.get("campaign") or "")
    campaign = campaign_selectors.campaign_for_page(slug=slug) if SLUG_RE.match(slug) else None
    if campaign is None:
        campaign = campaign_selectors.campaign_for_page()
    if campaign is None:
        raise Http404("No campaign")
    context = {"campaign": campaign, "sent": False}
    if request.method == "GET":
        return render(request, "fundraisers/fundraiser_start.html", {**context, "form": SignUpForm()})
    form = SignUpForm(request.POST)
    if not form.is_valid():
        return render(request, "fundraisers/fundraiser_start.html", {**context, "form": form}, status=400)
    check = _person_check(request, scope="fundraiser-signup", limit=settings.FUNDRAISER_SIGNUPS_PER_HOUR)
    if check == "refused":
        return _refused(request)
    if check == "challenge":
        return _with_challenge(request, "fundraisers/fundraiser_start.html", {**context, "form": form})
    if not form.cleaned_data["leave_blank"]:  # a bot is answered as a person, and sent nothing
        services.signup_link_send(email=form.cleaned_data["email"], campaign=campaign)
    return render(request, "fundraisers/fundraiser_start.html", {**context, "form": None, "sent": True})


@never_cache
@require_http_methods(["GET", "POST"])
def fundraiser_signup_open(request):
    """
    Where the emailed sign-up link lands. The token is in the link's #fragment (never sent to a
    server, so never in a log or a Referer); a script copies it into this form and the supporter
    presses the button. A valid token lets this browser open the creation form for two hours.

    Template: fundraisers/fundraiser_signup_open.html (context: form);
    fundraisers/fundraiser_link_invalid.html when the token is forged or expired (400).
    """
    form = ManageOpenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.signup_token_use(token=form.cleaned_data["token"], session=request.session) is None:
            return render(request, "fundraisers/fundraiser_link_invalid.html", status=400)
        return _see_other(reverse("fundraisers:create"))
    status = 400 if request.method == "POST" else 200
    return render(request, "fundraisers/fundraiser_signup_open.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def fundraiser_signup_legacy(request, token):
    """A link emailed with its token in the path (before the fragment): still opens the form, once redirected."""
    if services.signup_token_use(token=token, session=request.session) is None:
        return render(request, "fundraisers/fundraiser_link_invalid.html", status=400)
    return _see_other(reverse("fundraisers:create"))


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def fundraiser_create(request):
    """
    The page-creation form, for a browser that opened an emailed link (fundraiser_signup_open);
    without one, a notice and a way to ask for a new link (400). A created page waits for
    review (or, with FUNDRAISER_MODERATION=post, is public at once).

    Template: fundraisers/fundraiser_form.html (context: form, campaign, email);
    fundraisers/fundraiser_link_invalid.html; fundraisers/fundraiser_created.html (fundraiser).
    """
    signed = services.signup_for_session(session=request.session)
    campaign = None
    if signed is not None:
        campaign = campaign_selectors.campaign_published().filter(pk=signed[1]).first()
    if campaign is None:
        return render(request, "fundraisers/fundraiser_link_invalid.html", status=400)
    email = signed[0]
    if request.method == "GET":
        form = FundraiserForm(campaign=campaign)
        return render(request, "fundraisers/fundraiser_form.html", {"form": form, "campaign": campaign, "email": email})
    form = FundraiserForm(request.POST, request.FILES, campaign=campaign)
    if not form.is_valid():
        context = {"form": form, "campaign": campaign, "email": email}
        return render(request, "fundraisers/fundraiser_form.html", context, status=400)
    check = _person_check(request, scope="fundraiser-create", limit=settings.FUNDRAISER_PAGES_PER_HOUR)
    if check == "refused":
        return _refused(request)
    if check == "challenge":
        context = {"form": form, "campaign": campaign, "email": email}
        return _with_challenge(request, "fundraisers/fundraiser_form.html", context)
    language = (get_language() or settings.LANGUAGE_CODE)[:8]
    fundraiser = services.fundraiser_create(
        campaign=campaign, owner_email=email, data=form.cleaned_data, language=language
    )
    return render(request, "fundraisers/fundraiser_created.html", {"fundraiser": fundraiser, "campaign": campaign})


# --- The fundraiser's own page, through their emailed link ----------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def fundraiser_manage_open(request):
    """
    Where the fundraiser's emailed link lands. The token is in the link's #fragment (never sent to
    a server, so never in a log or a Referer); a script copies it into the form and the fundraiser
    presses the button (a POST: mail scanners following links open nothing).

    Template: fundraisers/fundraiser_manage_open.html (context: form, invalid).
    """
    form = ManageOpenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.manage_token_use(token=form.cleaned_data["token"], session=request.session) is not None:
            response = HttpResponseRedirect(reverse("fundraisers:manage"))
            response.status_code = 303
            return response
        return render(request, "fundraisers/fundraiser_manage_open.html", {"form": form, "invalid": True}, status=400)
    status = 400 if request.method == "POST" else 200
    return render(request, "fundraisers/fundraiser_manage_open.html", {"form": form}, status=status)


def _manage_context(fundraiser, *, thank_form=None, sent=None) -> dict:
    thanked = notices.thanked_gift_ids(fundraiser=fundraiser)
    gifts = donations_selectors.gifts_for_fundraiser_owner(fundraiser_id=fundraiser.pk)
    return {
        "fundraiser": fundraiser,
        "campaign": fundraiser.campaign,
        "progress": selectors.fundraiser_progress(fundraiser=fundraiser),
        "gifts": [(gift, gift.gift_id in thanked) for gift in gifts],
        "thank_form": thank_form,
        "sent": sent,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def fundraiser_manage(request):
    """
    The fundraiser's own view of their page: its status and total, the gifts through it (names and
    messages as the donors chose, amounts only where allowed) and a thank-you note for each
    (POST: gift, note; one a gift, FUNDRAISER_THANKS_PER_HOUR a page). Never a donor's email.

    Template: fundraisers/fundraiser_manage.html (context: fundraiser, campaign, progress,
    gifts [(FundraiserGift, thanked)], thank_form (with errors, for the gift it names), sent).
    """
    fundraiser = services.fundraiser_for_manage_session(session=request.session)
    if fundraiser is None:
        return render(request, "fundraisers/fundraiser_manage_open.html", {"form": None, "expired": True}, status=403)
    if request.method == "GET":
        return render(request, "fundraisers/fundraiser_manage.html", _manage_context(fundraiser))
    form = ThankYouForm(request.POST)
    if not form.is_valid():
        context = _manage_context(fundraiser, thank_form=form)
        return render(request, "fundraisers/fundraiser_manage.html", context, status=400)
    if not ratelimit.hit(
        scope="fundraiser-thanks",
        key=str(fundraiser.pk),
        limit=settings.FUNDRAISER_THANKS_PER_HOUR,
        window_seconds=SIGNUP_WINDOW_SECONDS,
    ):
        response = render(request, "fundraisers/fundraiser_ratelimited.html", status=429)
        response["Retry-After"] = str(SIGNUP_WINDOW_SECONDS)
        return response
    outcome = notices.thank_you_request(
        fundraiser=fundraiser, gift_id=form.cleaned_data["gift"], note=form.cleaned_data["note"]
    )
    if outcome == "not yours":
        raise Http404("No such gift through this page")
    status = 200 if outcome == "queued" else 409
    context = _manage_context(fundraiser, sent=outcome)
    return render(request, "fundraisers/fundraiser_manage.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def fundraiser_manage_edit(request):
    """
    The fundraiser edits their own page (signed-link session). Changed words or photo wait for
    review again (pre-moderation); a new goal or end date shows at once.

    Template: fundraisers/fundraiser_edit.html (context: form, fundraiser, campaign, saved).
    """
    fundraiser = services.fundraiser_for_manage_session(session=request.session)
    if fundraiser is None:
        return render(request, "fundraisers/fundraiser_manage_open.html", {"form": None, "expired": True}, status=403)
    if fundraiser.status in Fundraiser.WITHDRAWN_STATUSES:
        return render(request, "fundraisers/fundraiser_manage.html", _manage_context(fundraiser), status=409)
    context = {"fundraiser": fundraiser, "campaign": fundraiser.campaign}
    if request.method == "GET":
        return render(
            request, "fundraisers/fundraiser_edit.html", {**context, "form": FundraiserEditForm(instance=fundraiser)}
        )
    form = FundraiserEditForm(request.POST, request.FILES, instance=fundraiser)
    if not form.is_valid():
        fundraiser.refresh_from_db()  # the form set what it was given on the instance: show the stored title
        return render(request, "fundraisers/fundraiser_edit.html", {**context, "form": form}, status=400)
    limited = _rate_limited(request, scope="fundraiser-edit", limit=settings.FUNDRAISER_PAGES_PER_HOUR * 10)
    if limited:
        return limited
    fundraiser = services.fundraiser_update(
        fundraiser=form.instance, goal_cents=form.cleaned_data["goal"], needs_review=form.needs_review()
    )
    return render(request, "fundraisers/fundraiser_manage.html", {**_manage_context(fundraiser), "saved": True})
