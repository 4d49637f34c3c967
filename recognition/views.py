from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from campaign import selectors as campaign_selectors
from core import ratelimit
from core.cache import CONTENT, page_cache

from . import gift_naming, plan, selectors, services
from .forms import NamingInquiryForm
from .models import Center, NamingStatus

RATE_LIMIT_WINDOW_SECONDS = 60 * 60


@page_cache(depends_on=(CONTENT,), query_params=("center", "status", "sort"))
@require_safe
def naming_plan(request, slug):
    """
    The naming opportunities of a campaign: an SVG plan of the two centers drawn from the spaces'
    positions, and the same spaces as a table (?center=, ?status=, ?sort=price|-price; unknown
    values show the whole list with status 400). Only the unfiltered page is cached (the cache
    keeps number parameters only).

    Template: recognition/naming_plan.html. Context: campaign, plan (plan.Plan), rows, plan_filter,
    centers, statuses.
    """
    campaign = campaign_selectors.campaign_published().filter(slug=slug).first()
    if campaign is None:
        raise Http404("No such campaign")
    now = timezone.now()
    opportunities, next_change = selectors.opportunities_as_of(
        list(selectors.opportunities_for_campaign(campaign=campaign)), now=now
    )
    for opportunity in opportunities:
        # Small enough to give online: the gift form names it (a larger one is asked about).
        opportunity.online = opportunity.status == NamingStatus.AVAILABLE and gift_naming.online_price(opportunity)
    # A value the table does not offer (hand-made, or a crawler's) shows the whole list, as a 400:
    # never an error page, and never stored in the cache.
    plan_filter, valid = selectors.PlanFilter.from_query(request.GET)
    context = {
        "campaign": campaign,
        "plan": plan.plan_draw(opportunities),
        "rows": selectors.opportunities_filtered(opportunities=opportunities, plan_filter=plan_filter),
        "plan_filter": plan_filter,
        "centers": [(Center.INFUSION, Center.INFUSION.label), (Center.DIALYSIS, Center.DIALYSIS.label)],
        "statuses": NamingStatus.choices,
    }
    response = render(request, "recognition/naming_plan.html", context, status=200 if valid else 400)
    if next_change is not None:
        # A hold shown here lapses then: the shared cache keeps this copy no longer.
        response.page_cache_seconds = max(1, int((next_change - now).total_seconds()) + 1)
    return response


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def naming_inquiry(request, slug, pk):
    """
    “Ask about naming this space”: a short form (GET), stored and sent to the development office
    (POST, then a 303 to the thanks, ?sent=1). Invalid: the form again (400). A filled honeypot is thanked and
    nothing is stored; over the per-address limit, 429 and nothing stored.

    Template: recognition/naming_inquiry.html. Context: campaign, opportunity, form, sent.
    """
    campaign = campaign_selectors.campaign_published().filter(slug=slug).first()
    opportunity = selectors.opportunity_for_inquiry(campaign=campaign, pk=pk) if campaign else None
    if opportunity is None:
        raise Http404("No such space")
    context = {"campaign": campaign, "opportunity": opportunity, "sent": False}
    if request.method == "GET":
        if request.GET.get("sent") == "1":  # after the POST (a reload sends nothing twice); repeats nothing sent
            return render(request, "recognition/naming_inquiry.html", {**context, "form": None, "sent": True})
        return render(request, "recognition/naming_inquiry.html", {**context, "form": NamingInquiryForm()})
    form = NamingInquiryForm(request.POST)
    is_bot = form.is_bot
    if not is_bot and not form.is_valid():
        return render(request, "recognition/naming_inquiry.html", {**context, "form": form}, status=400)
    allowed = ratelimit.hit(
        scope="naming-inquiry",
        key=ratelimit.client_ip(request),
        limit=settings.NAMING_INQUIRIES_PER_HOUR,
        window_seconds=RATE_LIMIT_WINDOW_SECONDS,
    )
    if not allowed:
        response = render(request, "recognition/naming_ratelimited.html", context, status=429)
        response["Retry-After"] = str(RATE_LIMIT_WINDOW_SECONDS)
        return response
    if not is_bot:
        services.inquiry_create(
            opportunity=opportunity, data=form.cleaned_data, language=get_language() or settings.LANGUAGE_CODE
        )
    return HttpResponseRedirect(request.path + "?sent=1", status=303)
