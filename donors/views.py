"""
The donor's own pages, opened by an emailed single-use link (donors.access). Every page reads only
the address the link was sent to: another donor's gift id in a URL is a 404, like a missing one.
"""

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core import money, ratelimit
from donations import selectors, services

from . import access, pdf, statements, tributes
from .forms import DoorForm, OpenForm, PreferencesForm, TributeCardForm


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def donor_required(view):
    """The view runs with `email` (the address the link opened); without a live grant, the door's 'expired' page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        email = access.access_email(session=request.session)
        if email is None:
            return render(request, "donors/expired.html", status=403)
        response = view(request, *args, email=email, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response

    return never_cache(wrapper)


@never_cache
@require_http_methods(["GET", "POST"])
def door(request):
    """
    A donor asks for a link to their pages. Template: donors/door.html (context: form, sent,
    rate_limited). Whatever the address, the answer is the same, so the page never tells who gives.
    """
    form = DoorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        allowed = ratelimit.hit(scope="donor-door-ip", key=ratelimit.client_ip(request), limit=10, window_seconds=3600)
        allowed = ratelimit.hit(scope="donor-door-email", key=email, limit=3, window_seconds=3600) and allowed
        if not allowed:
            return render(request, "donors/door.html", {"form": form, "rate_limited": True}, status=429)
        response = render(request, "donors/door.html", {"form": None, "sent": True})
        access.access_link_request(
            email=email, language=(get_language() or settings.LANGUAGE_CODE)[:8], response=response
        )
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "donors/door.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def open_link(request):
    """
    Where the emailed link lands; the token is in its #fragment and is posted by the donor's
    button press. Template: donors/open.html (context: form, invalid).
    """
    form = OpenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        allowed = ratelimit.hit(scope="donor-open-ip", key=ratelimit.client_ip(request), limit=30, window_seconds=3600)
        if allowed and access.access_token_use(token=form.cleaned_data["token"], session=request.session):
            return _see_other(reverse("donors:home"))
        return render(request, "donors/open.html", {"form": OpenForm(), "invalid": True}, status=400)
    status = 400 if request.method == "POST" else 200
    return render(request, "donors/open.html", {"form": form}, status=status)


@donor_required
def home(request, *, email: str):
    """
    Every gift, plan and tribute of the address. Template: donors/home.html (context: email,
    gifts, plans, tributes, years).
    """
    gifts = [
        {
            "gift": gift,
            "total": money.format_cents(gift.total_cents),
            "has_receipt": selectors.gift_receipt_context(gift=gift) is not None,
        }
        for gift in selectors.donor_gifts(email=email)
    ]
    plans = [
        {"plan": plan, "amount": money.format_cents(plan.amount_cents + plan.fee_cents)}
        for plan in selectors.donor_plans(email=email)
    ]
    cards = tributes.cards_for_gifts(gift_ids=[row["gift"].pk for row in gifts if row["gift"].dedication])
    for row in gifts:
        row["card"] = cards.get(row["gift"].pk)
    context = {
        "email": email,
        "gifts": gifts,
        "plans": plans,
        "tributes": [row for row in gifts if row["gift"].dedication],
        "years": selectors.donor_statement_years(email=email),
    }
    return render(request, "donors/home.html", context)


@require_POST
@donor_required
def sign_out(request, *, email: str):
    access.access_end(session=request.session)
    return _see_other(reverse("donors:door"))


def _receipt_context(*, email: str, gift_id: int) -> dict:
    gift = selectors.donor_gift(email=email, gift_id=gift_id)
    context = selectors.gift_receipt_context(gift=gift) if gift is not None else None
    if context is None:
        raise Http404("No such receipt.")
    return context


@donor_required
def receipt(request, gift_id: int, *, email: str):
    """A gift's receipt, the same figures as the emailed one. Template: donors/receipt.html."""
    return render(request, "donors/receipt.html", _receipt_context(email=email, gift_id=gift_id))


@donor_required
def receipt_pdf(request, gift_id: int, *, email: str):
    """The receipt as a PDF (template donors/receipt_pdf.html): what a tax office asks for."""
    context = _receipt_context(email=email, gift_id=gift_id)
    body = pdf.pdf_render(template="donors/receipt_pdf.html", context=context)
    return _pdf_response(body, filename=f"receipt-{context['receipt_number']}.pdf")


def _statement(*, email: str, year: int):
    if year not in selectors.donor_statement_years(email=email):
        raise Http404("No statement for that year.")
    return selectors.donor_statement(email=email, year=year)


@donor_required
def statement(request, year: int, *, email: str):
    """The annual giving statement. Template: donors/statement.html."""
    return render(
        request, "donors/statement.html", statements.statement_context(statement=_statement(email=email, year=year))
    )


@donor_required
def statement_pdf(request, year: int, *, email: str):
    found = _statement(email=email, year=year)
    return _pdf_response(
        statements.statement_pdf(statement=found), filename=statements.statement_filename(statement=found)
    )


@require_POST
@donor_required
def plan_open(request, plan_id: int, *, email: str):
    """Open one of the donor's plans on its management page (donations:manage_plan)."""
    plan = selectors.donor_plan(email=email, plan_id=plan_id)
    if plan is None:
        raise Http404("No such plan.")
    services.plan_manage_session_grant(plan=plan, session=request.session)
    return _see_other(reverse("donations:manage_plan"))


def _pdf_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Tributes ------------------------------------------------------------------------------------


def _tribute_gift(request, gift_id: int):
    """A paid gift in honor or memory this visitor may add a card to: theirs by the emailed link, or by this browser."""
    email = access.access_email(session=request.session)
    gift = selectors.donor_gift(email=email, gift_id=gift_id) if email else None
    if gift is None:
        gift = selectors.gift_started_by_browser(session=request.session, gift_id=gift_id)
    if gift is None or not gift.dedication or not selectors.gift_is_paid(gift=gift):
        raise Http404("No such tribute gift.")
    return gift


@never_cache
@require_http_methods(["GET", "POST"])
def card_new(request, gift_id: int):
    """
    The card for a gift in honor or memory. Template: donors/card_form.html (context: form, gift,
    designs, card — the card once made).
    """
    gift = _tribute_gift(request, gift_id)
    existing = tributes.card_for_gift(gift_id=gift.pk)
    if existing is not None:
        return render(request, "donors/card_form.html", {"gift": gift, "card": existing, "made": False})
    form = TributeCardForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        card = tributes.card_create(gift=gift, data=form.cleaned_data)
        return render(request, "donors/card_form.html", {"gift": gift, "card": card, "made": True})
    status = 400 if request.method == "POST" else 200
    response = render(request, "donors/card_form.html", {"gift": gift, "form": form}, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def card(request, key: str):
    """An e-card's page, by its unguessable key. Template: donors/card.html (context: card, amount)."""
    found = tributes.card_by_key(key=key)
    if found is None:
        raise Http404("No such card.")
    response = render(request, "donors/card.html", {"card": found, "amount": tributes.card_amount(found)})
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def honoree(request, key: str):
    """
    The private tribute page of one honoree: who gave in their honor or memory and their messages,
    never an amount. Template: donors/honoree.html (context: honoree, cards).
    """
    found = tributes.honoree_by_key(key=key)
    if found is None:
        raise Http404("No such page.")
    response = render(
        request, "donors/honoree.html", {"honoree": found, "cards": tributes.honoree_cards(honoree=found)}
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
@donor_required
def preferences(request, *, email: str):
    """Contact details and email preferences. Template: donors/preferences.html (context: form, saved)."""
    from . import preferences as prefs

    current = prefs.preferences_for(email=email)
    initial = {
        "receipt_name": current.receipt_name,
        "mailing_address": current.mailing_address,
        "newsletter": current.newsletter,
    }
    form = PreferencesForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        prefs.preferences_save(email=email, **form.cleaned_data)
        return render(request, "donors/preferences.html", {"form": form, "saved": True, "email": email})
    status = 400 if request.method == "POST" else 200
    return render(request, "donors/preferences.html", {"form": form, "email": email}, status=status)
