import logging
import re

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core import consent, money

from . import antifraud, demo, extensions, form_cache, receipts, selectors, services, stripe_gateway, webhooks
from .forms import ATTRIBUTION_FIELDS, GiftForm, PlanChangeForm, PlanManageOpenForm
from .models import DemoCheckoutSession, Gift, RecurringPlan

log = logging.getLogger(__name__)

SESSION_ID_RE = re.compile(r"^cs_(test|live)_[A-Za-z0-9]{8,250}$")
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")
# The Checkout Sessions this browser started: the thank-you page shows a gift's details only to them.
BROWSER_SESSIONS_KEY = selectors.BROWSER_SESSIONS_KEY


def _campaign_slug(value) -> str | None:
    value = str(value or "")
    return value if SLUG_RE.match(value) else None


@never_cache
@require_http_methods(["GET", "POST"])
def gift_form(request):
    """
    The gift form. Template: donations/gift_form.html (context: form, campaign).
    POST: a valid form records a pending gift, creates its Checkout Session and answers 303 to it.
    """
    cached = form_cache.lookup(request) if request.method == "GET" else None
    if cached is not None and cached.response is not None:
        return cached.response
    data = request.POST if request.method == "POST" else request.GET
    slug = _campaign_slug(data.get("campaign"))
    campaign = selectors.campaign_for_gift_form(slug=slug)
    if campaign is None:
        # An unknown campaign: show the featured one (a POST for it then fails validation, with a message).
        campaign = selectors.campaign_for_gift_form(slug=None)
    if campaign is None:
        return render(request, "donations/gift_unavailable.html", status=404)

    fundraiser = selectors.fundraiser_for_gift_form(campaign=campaign, slug=_campaign_slug(data.get("fundraiser")))

    # A gift extension's offer (?naming=<space id>): refused, the plain form says why (400, or 409
    # when someone else holds it right now) and nothing is recorded.
    offer, extension = None, None
    try:
        offer, extension = _offer_from(data, campaign=campaign)
    except extensions.OfferRefused as refused:
        initial = GiftForm.initial_from_query(request.GET, campaign=campaign)
        form = GiftForm(initial=initial, campaign=campaign, fundraiser=fundraiser)
        return _gift_form_page(
            request,
            form=form,
            campaign=campaign,
            challenge=antifraud.challenge_required(),
            offer_error=refused.message,
            status=409 if refused.taken else 400,
        )

    if request.method == "GET" and offer is not None:
        initial = GiftForm.initial_from_query(request.GET, campaign=campaign)
        form = GiftForm(initial=initial, campaign=campaign, fundraiser=fundraiser, offer=offer)
        return _gift_form_page(request, form=form, campaign=campaign, challenge=antifraud.challenge_required())
    if request.method == "GET":
        known = cached.campaign if cached.campaign is not None and cached.campaign.slug == campaign.slug else None
        initial = GiftForm.initial_from_query(
            request.GET, campaign=campaign, designation_slugs=known.designation_slugs if known else None
        )
        form = GiftForm(initial=initial, campaign=campaign, fundraiser=fundraiser)
        challenge = cached.challenge_mode if cached.challenge_mode is not None else antifraud.challenge_required()
        cached = cached if known else None
        return _gift_form_page(request, form=form, campaign=campaign, challenge=challenge, cached=cached)

    form = GiftForm(request.POST, campaign=campaign, fundraiser=fundraiser, offer=offer)
    if not form.is_valid():
        challenge = antifraud.challenge_required()
        return _gift_form_page(request, form=form, campaign=campaign, challenge=challenge, status=400)
    decision = antifraud.gift_attempt_check(request=request, honeypot=form.cleaned_data[antifraud.HONEYPOT_FIELD])
    if decision.verdict == antifraud.Verdict.CHALLENGE:
        status = 400 if decision.reason == "captcha-failed" else 429
        return _gift_form_page(
            request, form=form, campaign=campaign, challenge=True, challenge_reason=decision.reason, status=status
        )
    if decision.verdict != antifraud.Verdict.ALLOW:
        return _held_back_page(request, decision=decision, campaign=campaign)

    data = form.cleaned_data
    # With an offer, the gift and its hold are recorded together or not at all, and the session
    # expires with the hold (the donor's time in Checkout).
    expires_at = timezone.now() + extensions.RESERVE_FOR if offer is not None else None
    try:
        with transaction.atomic():
            gift = _gift_create_pending(campaign=campaign, data=data)
            if offer is not None and extension is not None:
                extension.reserve(offer=offer, gift_id=gift.pk, name=data["recognition_name"], expires_at=expires_at)
    except extensions.OfferRefused as refused:
        form = GiftForm(request.POST, campaign=campaign, fundraiser=fundraiser)
        form.is_valid()
        form.errors.clear()
        return _gift_form_page(
            request,
            form=form,
            campaign=campaign,
            challenge=antifraud.challenge_required(),
            offer_error=refused.message,
            status=409 if refused.taken else 400,
        )
    try:
        url = services.gift_checkout_start(gift=gift, expires_at=expires_at, offer=offer)
    except stripe_gateway.PaymentError as error:
        log.error("Checkout Session for gift %s failed: %r", gift.pk, error)
        return render(
            request,
            "donations/gift_checkout_error.html",
            {"message": error.user_message, "campaign": campaign},
            status=503 if not isinstance(error, stripe_gateway.PaymentDeclined) else 402,
        )
    started = request.session.get(BROWSER_SESSIONS_KEY, [])
    request.session[BROWSER_SESSIONS_KEY] = [*started[-9:], gift.stripe_checkout_session_id]
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _offer_from(data, *, campaign) -> tuple[extensions.GiftOffer | None, extensions.GiftExtension | None]:
    """The offer a registered gift extension makes for its query parameter, if one is given. OfferRefused."""
    for extension in extensions.registered():
        if extension.key in data:
            ref = str(data.get(extension.key) or "")[:40]
            return extension.offer(ref=ref, campaign=campaign), extension
    return None, None


def _gift_create_pending(*, campaign, data) -> Gift:
    return services.gift_create_pending(
        campaign=campaign,
        designation=data["designation"],
        amount_cents=data["amount_cents"],
        fee_cents=data["fee_cents"],
        frequency=data["frequency"],
        display_name=data["display_name"].strip(),
        is_anonymous=data["is_anonymous"],
        dedication=data["dedication"] or "",
        honoree_name=data["honoree_name"].strip(),
        honoree_email=data["honoree_email"],
        message=data["message"].strip(),
        language=(get_language() or settings.LANGUAGE_CODE)[:8],
        fundraiser=data["fundraiser"],
        installments=data["installments"],
        attribution=services.Attribution(
            utm_source=data["utm_source"],
            utm_medium=data["utm_medium"],
            utm_campaign=data["utm_campaign"],
            source_code=data["source"],
        ),
        recovery_email=data["reminder_email"],
        newsletter_wording=str(consent.NEWSLETTER_WORDING) if data["newsletter"] else "",
        amount_shown_to_fundraiser=bool(data["fundraiser"] and data["amount_shown_to_fundraiser"]),
        employer_name=data["employer_name"],
    )


def _gift_form_page(
    request,
    *,
    form,
    campaign,
    challenge: bool,
    challenge_reason: str = "",
    offer_error: str = "",
    status: int = 200,
    cached: form_cache.Lookup | None = None,
):
    """
    The gift form; with `challenge`, the check too (and the CSP that lets its script, frame or workers run).
    Rendered with slots for what is each request's own, then filled in (donations.form_cache); with
    `cached` (a GET whose prefill may be cached), the page with its slots is stored for the next visitor.
    """
    context = {
        "returned": bool(form.initial.get("returned")),
        "form": form,
        "gift_offer": form.offer,
        "offer_error": offer_error,
        "offer_amount": money.format_cents(form.offer.amount_cents) if form.offer else "",
        "campaign": campaign,
        "pledge_max_cents": settings.PLEDGE_MAX_CENTS,
        "pledge_sentences": services.pledge_sentences(),
        "challenge_reason": challenge_reason,  # "" on a GET: the note at the top comes with a POST only
        "slots": form_cache.MARKERS,
        "csrf_token": form_cache.MARKERS["csrf"],
    }
    parts = form_cache.split(render_to_string("donations/gift_form.html", context, request))
    if cached is not None and cached.key:
        form_cache.store(cached, parts)
    attribution = {name: form[name].value() for name in ATTRIBUTION_FIELDS}
    response = form_cache.respond(
        request,
        parts,
        campaign_id=campaign.pk,
        challenge=challenge,
        challenge_reason=challenge_reason,
        attribution=attribution,
        found=cached.found if cached is not None else None,
        status=status,
    )
    if cached is not None and cached.key:
        response[form_cache.HEADER] = "miss"
    return response


def _held_back_page(request, *, decision, campaign):
    """Template: donations/gift_held_back.html (context: reason, campaign, retry_minutes). Nothing was recorded."""
    if decision.verdict == antifraud.Verdict.UNAVAILABLE:
        status, retry_seconds = 503, 60
    elif decision.reason == "honeypot":
        status, retry_seconds = 400, 0
    elif decision.reason == "global":
        status, retry_seconds = 429, settings.GIFT_CHALLENGE_SECONDS
    else:
        status, retry_seconds = 429, settings.GIFT_ADDRESS_WINDOW_SECONDS
    context = {
        "reason": decision.reason,
        "campaign": campaign,
        "retry_minutes": max(1, -(-retry_seconds // 60)),
    }
    response = render(request, "donations/gift_held_back.html", context, status=status)
    if retry_seconds:
        response["Retry-After"] = str(retry_seconds)
    return response


def _thanks_state(gift: Gift | None) -> str:
    if gift is None:
        return "unknown"
    if gift.status in Gift.SETTLED_STATUSES:
        return "received"
    if gift.status == Gift.Status.PENDING:
        return "processing"
    return "failed"


@never_cache
def gift_thanks(request):
    """
    Back from Checkout. Template: donations/gift_thanks.html (context: state, gift — the gift only
    for the browser that started its session, else None). Re-reads the session from Stripe and runs
    the same fulfilment as the webhook; an unknown or foreign session id shows the generic page.
    """
    session_id = str(request.GET.get("session_id", ""))
    gift = None
    if SESSION_ID_RE.match(session_id):
        gift = selectors.gift_for_checkout_session(session_id=session_id)
    if gift is not None and gift.status == Gift.Status.PENDING:
        try:
            gift = services.gift_fulfil_checkout_session_id(session_id=session_id) or gift
        except stripe_gateway.PaymentError as error:
            log.warning("Thank-you page could not re-read session %s: %r", session_id, error)
        except services.EventRejected as error:
            log.error("Thank-you page: session %s not applied: %s", session_id, error)
    own = gift is not None and session_id in request.session.get(BROWSER_SESSIONS_KEY, [])
    context = {
        "state": _thanks_state(gift) if own else "unknown",
        "gift": gift if own else None,
        "amount": money.format_cents(gift.amount_cents) if own else "",
        "fee": money.format_cents(gift.fee_cents) if own and gift.fee_cents else "",
        "campaign": gift.campaign if own else None,
        # What the printed page needs to serve as a receipt (the same facts as the emailed one).
        "receipt": receipts.receipt_context(gift=gift) if own and _thanks_state(gift) == "received" else None,
        "pledge_schedule": services.pledge_schedule_text(
            installment_cents=gift.pledge.installment_cents,
            installments=gift.pledge.installments,
            frequency=gift.pledge.frequency,
        )
        if own and gift.pledge_id
        else "",
    }
    return render(request, "donations/gift_thanks.html", context)


def _own_unpaid_gift(request) -> Gift | None:
    """The ?gift= this browser started (its Checkout Session is in this session) and did not pay."""
    gift_id = str(request.GET.get("gift", ""))
    if not gift_id.isdigit() or len(gift_id) > 12:
        return None
    gift = (
        Gift.objects.select_related("campaign", "designation", "fundraiser")
        .filter(pk=int(gift_id), source=Gift.Source.ONLINE)
        .exclude(stripe_checkout_session_id="")
        .first()
    )
    if gift is None or gift.stripe_checkout_session_id not in request.session.get(BROWSER_SESSIONS_KEY, []):
        return None
    if gift.status not in (Gift.Status.PENDING, Gift.Status.FAILED, Gift.Status.EXPIRED):
        return None
    return gift


@never_cache
def gift_cancelled(request):
    """
    Back from Checkout without paying. Records nothing. For the browser that started the gift
    (?gift=<id>), the gift form again, holding everything they entered (donations/gift_form.html
    with `returned`); otherwise donations/gift_cancelled.html.
    """
    gift = _own_unpaid_gift(request)
    if gift is not None and selectors.campaign_for_gift_form(slug=gift.campaign.slug) is not None:
        fundraiser = selectors.fundraiser_for_gift_form(
            campaign=gift.campaign, slug=gift.fundraiser.slug if gift.fundraiser_id else None
        )
        initial = GiftForm.initial_from_gift(gift)
        offer = _offer_again(gift, initial)
        form = GiftForm(initial=initial, campaign=gift.campaign, fundraiser=fundraiser, offer=offer)
        return _gift_form_page(request, form=form, campaign=gift.campaign, challenge=antifraud.challenge_required())
    return render(request, "donations/gift_cancelled.html", {"campaign": selectors.campaign_for_gift_form(slug=None)})


def _offer_again(gift: Gift, initial: dict) -> extensions.GiftOffer | None:
    """
    The donor left Checkout: what the gift reserved (a space to name) is offered again. Its session
    is expired at Stripe first (it can no longer be paid) and the hold given back, so the donor's
    next press of "Continue" reserves it afresh; if that fails, or someone else has it now, None.
    """
    for extension in extensions.registered():
        held = extension.held_for(gift_id=gift.pk)
        if held is None:
            continue
        ref, name = held
        if gift.status == Gift.Status.PENDING:
            try:
                stripe_gateway.checkout_session_expire(gift.stripe_checkout_session_id)
            except stripe_gateway.PaymentError as error:
                log.warning("Could not expire the session of gift %s on its return: %r", gift.pk, error)
                return None
            with transaction.atomic():  # the checkout.session.expired event records the gift expired
                extension.checkout_expired(gift_id=gift.pk, ref=ref)
        try:
            offer = extension.offer(ref=ref, campaign=gift.campaign)
        except extensions.OfferRefused:
            return None
        initial[extension.key], initial["recognition_name"] = ref, name
        return offer
    return None


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe events, verified on the raw body (donations.webhooks)."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > webhooks.WEBHOOK_MAX_BYTES:
        return JsonResponse({"error": "Body too large."}, status=413)
    status, body = webhooks.webhook_receive(
        payload=request.body, signature_header=request.headers.get("Stripe-Signature")
    )
    return JsonResponse(body, status=status)


# --- Demo payments ---------------------------------------------------------------------------------


def _demo_only():
    if not settings.DEMO_PAYMENTS:
        raise Http404("Demo payments are off.")


@never_cache
@require_http_methods(["GET", "POST"])
def demo_checkout(request, session_id: str):
    """A stand-in for Stripe Checkout in demo mode. Template: donations/demo_checkout.html."""
    _demo_only()
    if not SESSION_ID_RE.match(session_id):
        raise Http404("Not a Checkout Session id.")
    demo_session = get_object_or_404(DemoCheckoutSession, session_id=session_id)
    session = demo_session.data
    gift = get_object_or_404(Gift.objects.select_related("campaign", "designation"), pk=session["client_reference_id"])
    success_url = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "pay":
            email = (request.POST.get("email") or "").strip()[:254] or "demo.donor@example.com"
            name = (request.POST.get("name") or "").strip()[:200] or "Demo Donor"
            demo.demo_checkout_pay(session_id=session_id, email=email, name=name)
            return redirect(_local(success_url))
        if action == "decline":
            demo.demo_checkout_decline(session_id=session_id)
            return redirect(_local(success_url))
        return redirect(_local(session["cancel_url"]))
    context = {
        "gift": gift,
        "session": session,
        "total": money.format_cents(session["amount_total"]),
        "is_open": session["status"] == "open",
    }
    return render(request, "donations/demo_checkout.html", context)


def _local(url: str) -> str:
    """The path of one of our own absolute URLs, so the demo works on whatever host it is served."""
    if url.startswith(settings.SITE_URL + "/"):
        url = url[len(settings.SITE_URL) :]
    # Only a path on this site: never "//host", "/\\host" or a scheme, whatever the session holds.
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts=set()) and url.startswith("/") else "/"


# --- Managing a monthly gift -----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def plan_manage_open(request):
    """
    Where the emailed link lands. The token is in the link's #fragment (never sent to any
    server, so never in a log); a tiny script copies it into this form, and the donor presses
    the button (a POST: mail scanners following links spend nothing). A valid token is spent
    and lets this browser open the plan's page for 15 minutes.

    Template: donations/plan_manage_open.html (context: form, invalid).
    """
    form = PlanManageOpenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        plan = services.plan_manage_token_use(token=form.cleaned_data["token"], session=request.session)
        if plan is not None:
            response = HttpResponseRedirect(reverse("donations:manage_plan"))
            response.status_code = 303
            return response
        return render(request, "donations/plan_manage_link.html", {"invalid": True}, status=400)
    status = 400 if request.method == "POST" else 200
    return render(request, "donations/plan_manage_open.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def plan_manage_plan(request):
    """
    The plan a browser opened with an emailed token. Template: donations/plan_manage_link.html.
    POST opens the Stripe Customer Portal (in demo mode it cancels the plan here) and ends
    this browser's access: another visit needs a new link.
    """
    plan = selectors.plan_for_manage_session(session=request.session)
    if plan is None:
        return render(request, "donations/plan_manage_link.html", {"invalid": True}, status=400)
    context = _plan_context(plan)
    if request.method == "POST":
        if settings.DEMO_PAYMENTS:
            if plan.status != RecurringPlan.Status.CANCELED:
                demo.demo_plan_cancel(plan=plan)
                plan.refresh_from_db()
            request.session.pop(selectors.PLAN_SESSION_KEY, None)
            return render(request, "donations/plan_manage_link.html", {**context, "cancelled": True})
        try:
            portal_url = services.plan_portal_url(plan=plan, return_url=settings.SITE_URL + reverse("donors:home"))
        except stripe_gateway.PaymentError as error:
            log.error("Customer Portal for plan %s failed: %r", plan.pk, error)
            return render(request, "donations/plan_manage_link.html", {**context, "error": error.user_message}, 503)
        request.session.pop(selectors.PLAN_SESSION_KEY, None)
        response = HttpResponseRedirect(portal_url)
        response.status_code = 303
        return response
    return render(request, "donations/plan_manage_link.html", context)


def _plan_context(plan: RecurringPlan, form: PlanChangeForm | None = None) -> dict:
    from .models import Pledge

    return {
        "plan": plan,
        "amount": money.format_cents(plan.amount_cents + plan.fee_cents),
        "change_form": form or PlanChangeForm(initial={"frequency": plan.frequency, "months": 1}),
        "is_pledge": Pledge.objects.filter(plan=plan).exists(),
        "changes": plan.changes.all()[:10],
        "paused_until": plan.paused_until if plan.paused_until and plan.paused_until > timezone.now() else None,
    }


_CHANGE_DONE = {
    "amount": lambda: _("Your amount is changed. We have emailed you a confirmation."),
    "frequency": lambda: _("How often you give is changed. We have emailed you a confirmation."),
    "pause": lambda: _("Your gift is paused. We have emailed you a confirmation."),
    "resume": lambda: _("Your gift has resumed. We have emailed you a confirmation."),
    "cancel": lambda: _("Your gift is cancelled. We have emailed you a confirmation."),
}


@never_cache
@require_POST
def plan_manage_change(request):
    """
    One change to the plan this browser opened (from the donor's pages or an emailed link): the
    plan is the session's, never one named in the form. A bad value is told on the page (400).
    """
    plan = selectors.plan_for_manage_session(session=request.session)
    if plan is None:
        return render(request, "donations/plan_manage_link.html", {"invalid": True}, status=400)
    form = PlanChangeForm(request.POST)
    if not form.is_valid():
        return render(request, "donations/plan_manage_link.html", _plan_context(plan, form), status=400)
    action, data = form.cleaned_data["action"], form.cleaned_data
    try:
        if action == "amount":
            services.plan_change_amount(plan_id=plan.pk, amount_cents=data["amount_cents"])
        elif action == "frequency":
            services.plan_change_frequency(plan_id=plan.pk, frequency=data["frequency"])
        elif action == "pause":
            services.plan_pause(plan_id=plan.pk, months=data["months"])
        elif action == "resume":
            services.plan_resume(plan_id=plan.pk)
        else:
            services.plan_cancel(plan_id=plan.pk)
    except services.PlanChangeRefused as refused:
        form.add_error(None, refused.message)
        return render(request, "donations/plan_manage_link.html", _plan_context(plan, form), status=400)
    except stripe_gateway.PaymentError as error:
        log.error("Change %s to plan %s failed at Stripe: %r", action, plan.pk, error)
        context = {**_plan_context(plan, form), "error": error.user_message}
        return render(request, "donations/plan_manage_link.html", context, status=503)
    messages.success(request, _CHANGE_DONE[action]())
    response = HttpResponseRedirect(reverse("donations:manage_plan"))
    response.status_code = 303
    return response
