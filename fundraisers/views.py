from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.cache import CONTENT, FIGURES, page_cache

from . import selectors
from .models import Fundraiser


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
