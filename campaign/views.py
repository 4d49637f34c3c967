from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from core.cache import CONTENT, FIGURES, JSON_CACHE_CONTROL, page_cache

from . import selectors

# The embed is meant for other sites' iframes: same policy as everywhere, but any ancestor.
EMBED_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}
UPDATES_PER_PAGE = 10


def _campaign_context(campaign) -> dict:
    return {
        "campaign": campaign,
        "progress": selectors.campaign_progress(campaign=campaign),
        "recent_gifts": selectors.campaign_recent_gifts(campaign=campaign, limit=8),
        "updates": list(selectors.update_list_published(campaign=campaign)[:3]),
        "donate_options": campaign.donate_options(),
    }


@page_cache(depends_on=(CONTENT, FIGURES))
@require_safe
def campaign_home(request):
    """
    The featured campaign (or the most recently started one) at "/".

    Template: campaign/campaign_detail.html (campaign/campaign_none.html, status 404, when no
    campaign is published). Context as campaign_detail.
    """
    campaign = selectors.campaign_for_page()
    if campaign is None:
        return render(request, "campaign/campaign_none.html", status=404)
    return render(request, "campaign/campaign_detail.html", {**_campaign_context(campaign), "is_home": True})


@page_cache(depends_on=(CONTENT, FIGURES))
@require_safe
def campaign_detail(request, slug):
    """
    A campaign: story, progress meter, figures, divisions, designations, latest updates,
    donate buttons and the donor wall.

    Template: campaign/campaign_detail.html. Context: campaign, progress (selectors.Progress),
    recent_gifts (list of selectors.WallGift), updates (up to 3), donate_options.
    """
    campaign = selectors.campaign_for_page(slug=slug)
    if campaign is None:
        raise Http404("No such campaign")
    return render(request, "campaign/campaign_detail.html", _campaign_context(campaign))


@page_cache(depends_on=(CONTENT, FIGURES))
@require_safe
@xframe_options_exempt
@csp_override(EMBED_CSP)
def campaign_embed(request, slug):
    """
    The progress meter alone, for an <iframe> on a partner's site.

    Template: campaign/campaign_embed.html. Context: campaign, progress.
    """
    campaign = selectors.campaign_for_meter(slug=slug)
    if campaign is None:
        raise Http404("No such campaign")
    return render(
        request,
        "campaign/campaign_embed.html",
        {"campaign": campaign, "progress": selectors.campaign_progress(campaign=campaign)},
    )


@page_cache(depends_on=(CONTENT, FIGURES), cache_control=JSON_CACHE_CONTROL)
@require_safe
def campaign_progress_json(request, slug):
    """The meter's figures as JSON, for partner sites and the page's own live refresh."""
    campaign = selectors.campaign_for_meter(slug=slug)
    if campaign is None:
        response = JsonResponse({"error": "not_found", "detail": "No published campaign has this slug."}, status=404)
    else:
        response = JsonResponse(selectors.progress_as_json(selectors.campaign_progress(campaign=campaign)))
    # Public, read-only figures: any site may read them from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@page_cache(depends_on=(CONTENT,), query_params=("page",))
@require_safe
def update_list(request):
    """
    The blog: published updates, newest first, 10 a page. A bad ?page= shows the first page
    (or the last, when it is past the end), never an error.

    Template: campaign/update_list.html. Context: page_obj, updates, paginator.
    """
    paginator = Paginator(selectors.update_list_published(), UPDATES_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "campaign/update_list.html",
        {"page_obj": page_obj, "updates": page_obj.object_list, "paginator": paginator},
    )


@page_cache(depends_on=(CONTENT,))
@require_safe
def update_detail(request, slug):
    """
    One update, with Open Graph and canonical metadata and a call to give. Drafts and scheduled
    updates are 404 to the public; staff who may change updates see a marked preview.

    Template: campaign/update_detail.html. Context: update, is_preview.
    """
    update = selectors.update_get_public(slug=slug)
    is_preview = False
    if update is None:
        update = selectors.update_get_any(slug=slug)
        if update is None or not (request.user.is_staff and request.user.has_perm("campaign.change_update")):
            raise Http404("No such update")
        is_preview = True
    response = render(request, "campaign/update_detail.html", {"update": update, "is_preview": is_preview})
    if is_preview:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
    return response
