from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from core import ratelimit
from core.cache import CONTENT, page_cache
from core.localization import localized
from core.markdown import render_markdown
from destination import selectors, services
from destination.forms import FORMS
from destination.models import CareRequest

RATE_LIMIT_WINDOW_SECONDS = 60 * 60


def _render_page(request, *, active: str, bound_form=None, status: int = 200):
    forms = {kind: form_class() for kind, form_class in FORMS.items()}
    if bound_form is not None:
        forms[bound_form.kind] = bound_form
    context = {
        "page": selectors.destination_page_get(),
        "inquiry_form": forms[CareRequest.Kind.INQUIRY],
        "referral_form": forms[CareRequest.Kind.REFERRAL],
        "active": active,
    }
    return render(request, "destination/destinationpage_detail.html", context, status=status)


@require_GET
def destination_page(request):
    """
    The Destination Care page and its two forms; `?form=referral` opens the physicians' form
    (the tabs are plain links, so they work without JavaScript).

    Template: destination/destinationpage_detail.html. Context: page (a DestinationPage or None),
    inquiry_form, referral_form, active ("inquiry" or "referral").
    """
    active = request.GET.get("form")
    if active not in CareRequest.Kind.values:
        active = CareRequest.Kind.INQUIRY
    return _render_page(request, active=active)


# Should this view ever fail, Django's error reports must not carry what a family typed.
@sensitive_variables()
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def care_request_submit(request, kind: str):
    """
    POST an inquiry or referral. Valid: store it and redirect to the confirmation page. Invalid:
    the page again with the errors (status 400). A filled honeypot gets the very same redirect
    and nothing is stored. Over the per-address limit: 429 and nothing stored.
    """
    if request.method == "GET":  # a reload of an error page: back to the form
        return redirect(f"{reverse('destination:page')}?form={kind}#form")
    form = FORMS[kind](request.POST)
    is_bot = form.is_bot
    if not is_bot and not form.is_valid():
        return _render_page(request, active=kind, bound_form=form, status=400)
    allowed = ratelimit.hit(
        scope="destination",
        key=ratelimit.client_ip(request),
        limit=settings.DESTINATION_RATE_LIMIT_PER_HOUR,
        window_seconds=RATE_LIMIT_WINDOW_SECONDS,
    )
    if not allowed:
        response = render(request, "destination/carerequest_ratelimited.html", status=429)
        response["Retry-After"] = str(RATE_LIMIT_WINDOW_SECONDS)
        return response
    if not is_bot:
        services.care_request_create(
            kind=kind, data=form.cleaned_data, language=get_language() or settings.LANGUAGE_CODE
        )
    return HttpResponseRedirect(reverse("destination:thanks"), status=303)


@require_GET
def care_request_thanks(request):
    """
    The confirmation page. It repeats nothing that was sent (anyone may open this URL).
    Template: destination/carerequest_thanks.html.
    """
    return render(request, "destination/carerequest_thanks.html")


@page_cache(depends_on=(CONTENT,))
@require_safe
def story_detail(request, slug: str):
    """
    One patient story on its own page, with the way back to the stories and to the inquiry form.
    Cached: staff saves of the Destination Care page (its stories inline) make it stale.

    Template: destination/patientstory_detail.html. Context: story, body (sanitised HTML).
    """
    story = selectors.story_get(slug=slug)
    if story is None:
        raise Http404("No such story")
    body = render_markdown(localized(story, "body"))
    return render(request, "destination/patientstory_detail.html", {"story": story, "body": body})
