"""
The gift form from the shared cache. Under a burst (a giving day, an appeal email landing) the
form was rendered afresh for every visitor, about 35 ms each (two thirds of it crispy-forms
rendering fifteen fields); the page cache (core.cache) cannot keep it because its CSRF token is
each visitor's own. So the page is rendered once per language and prefill and kept as a
*skeleton*: the HTML with slots for what is each request's own, filled in per request:

- `csrf`: the visitor's masked CSRF token, from django.middleware.csrf.get_token(request), which
  also sets their cookie: the token is the one Django would have rendered, so the POST's check is
  Django's own, unchanged (origin, then token against cookie);
- `challenge` and `challenge_script`: the check asked while a burst of gift attempts is on
  (donations.antifraud): a fresh ALTCHA challenge per visitor, or Turnstile's widget and its
  script with this response's CSP nonce (the only use of the nonce on this page), plus the CSP
  that lets it run;
- `utm_source`, `utm_medium`, `utm_campaign`, `source`: the landing URL's attribution, cleaned
  as the form cleans it (forms.attribution_value), so a made-up value never makes a new entry;
- `next`: the language switch's return path (this request's own path and query);
- `offer` and `offer_script`: "Your gift will be matched" with the pot left. It changes with every
  matched payment (FIGURES) and when a challenge starts or ends (the clock), so it is a small
  fragment of its own (one query to rebuild), cached per campaign and language until either.

Which requests: a GET without a session or messages cookie (those may show messages: rendered
fresh), whose query holds only the known prefills (campaign, amount, frequency, installments,
designation, utm_*, source), each once, each kept by GiftForm.initial_from_query; the amount must
be one of the campaign's presets (a typed amount would make one entry per amount). The key is
the prefill *as cleaned* (amount=50 and amount=50.00 share one), the language and the build (the
templates, translations, static manifest and settings the page is made of). Anything else
(fundraiser pages, ?naming=, an unknown campaign, a bad value) is rendered as before, every time.
So the entries are bounded by campaigns × languages × presets × frequencies × instalments ×
designations.

To check a prefill without a query, the live campaigns' slugs, presets and designations are
cached as one entry (the catalogue). Invalidation is core.cache's: the catalogue and the
skeletons carry the CONTENT version they were rendered under (bumped after staff save a
campaign, designation, challenge…), the offer carries CONTENT and FIGURES and the time the clock
next changes it. Versions are read before rendering, so nothing rendered from old data is stored
under a new version. While one process re-renders a stale offer (after a payment), the others
serve the copy from before it (the campaign page does the same); a stale skeleton is re-rendered
at once.

Every response stays `Cache-Control: private, no-store` (never_cache) with `Vary: Cookie` from
the CSRF middleware: only the server keeps the skeleton.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape

from campaign.models import Campaign
from core import cache as page_cache
from core import money, proof_of_work

from . import antifraud, selectors, turnstile
from .forms import ATTRIBUTION_FIELDS, OTHER, GiftForm

log = logging.getLogger(__name__)

HEADER = "X-Form-Cache"
# The versions, not this, keep an entry current: the timeout only lets unused entries go.
ENTRY_SECONDS = 24 * 3600
RENDER_LOCK_SECONDS = 10
PREFILLS = frozenset({"campaign", "amount", "frequency", "installments", "designation", *ATTRIBUTION_FIELDS})
SLOTS = ("csrf", "next", "offer", "offer_script", "challenge", "challenge_script", *ATTRIBUTION_FIELDS)

# Slot markers: random per process, so no text in the page (a campaign's title, a posted message)
# can pose as one. A stored skeleton holds no marker: it is stored already split at them.
_MARK = "fc" + secrets.token_hex(8)
_SLOT_RE = re.compile(rf"{_MARK}([a-z_]+){_MARK}")
MARKERS = {name: f"{_MARK}{name}{_MARK}" for name in SLOTS}


@dataclass(frozen=True)
class CatalogueCampaign:
    """What the cache key needs of a live campaign (GiftForm.initial_from_query reads these)."""

    pk: int
    slug: str
    preset_amounts_cents: tuple[int, ...]
    monthly_by_default: bool
    designation_slugs: frozenset[str]


@dataclass
class Lookup:
    """What a GET found in the cache; `response` when it could be served, else where to store its render."""

    response: HttpResponse | None = None
    key: str | None = None
    version: str = ""
    campaign: CatalogueCampaign | None = None
    challenge_mode: bool | None = None
    found: dict = field(default_factory=dict)


# --- The build: what the page is made of besides the database --------------------------------


@lru_cache(maxsize=1)
def _build() -> str:
    """A digest of the templates, translations, static file names, libraries and settings behind the page."""
    digest = hashlib.blake2b(digest_size=8)
    for name in ("GIFT_MIN_CENTS", "GIFT_MAX_CENTS", "PLEDGE_MAX_CENTS", "DEMO_PAYMENTS", "SITE_URL", "STATIC_URL"):
        digest.update(repr((name, getattr(settings, name, None))).encode())
    for name in ("ORG_NAME", "ORG_LEGAL_NAME", "ORG_TAX_ID", "LANGUAGES", "LANGUAGE_CODE"):
        digest.update(repr((name, getattr(settings, name, None))).encode())
    digest.update(repr((money.FEE_PERCENT, money.FEE_FIXED_CENTS)).encode())
    for package in ("django", "django-crispy-forms", "crispy-bootstrap5"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{package}={metadata.version(package)}".encode())
    root = Path(settings.BASE_DIR)
    files = [*root.glob("templates/**/*.html"), *root.glob("locale/**/*.mo"), Path(__file__)]
    files.append(root / "donations" / "forms.py")
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    from django.contrib.staticfiles.storage import staticfiles_storage

    digest.update(repr(sorted(getattr(staticfiles_storage, "hashed_files", {}).items())).encode())
    return digest.hexdigest()


@receiver(setting_changed)
def _forget_build(**kwargs):
    _build.cache_clear()
    _recent.clear()
    _plans.clear()


# --- Serving -----------------------------------------------------------------------------------


def _catalogue_key() -> str:
    return f"giftform:{_build()}:campaigns"


def _page_key(language: str, campaign: CatalogueCampaign, initial: dict) -> str:
    prefill = sorted((name, str(value)) for name, value in initial.items() if name not in ATTRIBUTION_FIELDS)
    basis = repr((language, campaign.slug, prefill))
    return f"giftform:{_build()}:page:" + hashlib.blake2b(basis.encode(), digest_size=16).hexdigest()


def _offer_key(language: str, campaign_id: int) -> str:
    return f"giftform:{_build()}:offer:{language}:{campaign_id}"


def _catalogue() -> dict:
    """{"campaigns": {slug: CatalogueCampaign}, "featured": slug | None}: one query."""
    campaigns = Campaign.objects.live()
    if not campaigns.ordered:
        campaigns = campaigns.order_by("pk")
    rows = campaigns.values_list(
        "pk", "slug", "preset_amounts", "monthly_by_default", "is_featured", "designations__slug"
    )
    by_slug: dict[str, dict] = {}
    featured = None
    for pk, slug, presets, monthly, is_featured, designation in rows:
        entry = by_slug.setdefault(slug, {"pk": pk, "presets": presets, "monthly": monthly, "designations": set()})
        if designation:
            entry["designations"].add(designation)
        if is_featured and featured is None:
            featured = slug
    return {
        "campaigns": {
            slug: CatalogueCampaign(
                pk=entry["pk"],
                slug=slug,
                preset_amounts_cents=tuple(dollars * 100 for dollars in money.parse_preset_amounts(entry["presets"])),
                monthly_by_default=entry["monthly"],
                designation_slugs=frozenset(entry["designations"]),
            )
            for slug, entry in by_slug.items()
        },
        "featured": featured or next(iter(by_slug), None),
    }


def _cacheable_request(request) -> bool:
    if request.method != "GET":
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False  # they may have messages to show, or a session the page reads
    return all(name in PREFILLS and len(values) == 1 for name, values in request.GET.lists())


def _prefill_kept(query, initial: dict) -> bool:
    """Every prefill given was kept as given (cleaned): a dropped or typed value is rendered fresh."""
    for name, value in query.items():
        if name == "amount":
            if initial.get("amount") in (None, OTHER):
                return False
        elif name in ("frequency", "designation"):
            if initial.get(name) != value:
                return False
        elif name == "installments":
            if "installments" not in initial:
                return False
        elif name in ATTRIBUTION_FIELDS and value and not initial.get(name):
            return False
    return True


@dataclass(frozen=True)
class _Plan:
    campaign: CatalogueCampaign
    initial: dict
    key: str
    offer_key: str


def _plan(request, catalogue: dict, language: str) -> _Plan | None:
    """Where this request's page is kept, by its prefill as cleaned; None when it is not one to cache."""
    slug = request.GET.get("campaign") or catalogue["featured"]
    campaign = catalogue["campaigns"].get(slug) if slug else None
    if campaign is None:
        return None  # no campaign open, or not one we know: the view says what to do
    initial = GiftForm.initial_from_query(request.GET, campaign=campaign, designation_slugs=campaign.designation_slugs)
    if not _prefill_kept(request.GET, initial):
        return None
    return _Plan(campaign, initial, _page_key(language, campaign, initial), _offer_key(language, campaign.pk))


# The plans this process worked out, by catalogue version, language and query string: bounded.
_plans: dict[tuple[str, str, str], _Plan | None] = {}
PLANS_MAX = 1024


def _plan_remembered(request, local: tuple[str, str, dict], language: str) -> _Plan | None:
    key = (local[1], language, request.META.get("QUERY_STRING", ""))
    if key not in _plans:
        if len(_plans) >= PLANS_MAX:
            _plans.clear()
        _plans[key] = _plan(request, local[2], language)
    return _plans[key]


# What this process last read from the shared cache for a page, {key: (when, found)}, kept for
# FORM_CACHE_RECHECK_SECONDS: within it a worker serves the page with no round trip at all (a
# burst is many readers of a few pages). Bounded: the oldest entries go first.
_recent: OrderedDict[str, tuple[float, dict]] = OrderedDict()
RECENT_MAX = 256


def _recently_read(key: str) -> dict | None:
    seconds = settings.FORM_CACHE_RECHECK_SECONDS
    seen = _recent.get(key) if seconds > 0 else None
    if seen is None or time.monotonic() - seen[0] >= seconds:
        return None
    return seen[1]


def _remember(key: str, found: dict) -> None:
    if settings.FORM_CACHE_RECHECK_SECONDS > 0:
        _recent[key] = (time.monotonic(), found)
        _recent.move_to_end(key)
        while len(_recent) > RECENT_MAX:
            _recent.popitem(last=False)


# This process's copy of the catalogue, (build, CONTENT version, catalogue): while the version read
# with the page is still its own, the page and the versions come in one round trip to the cache.
_local_catalogue: tuple[str, str, dict] | None = None


def lookup(request) -> Lookup:
    """For a GET of the gift form: the cached page filled in for this request, or where to store a render."""
    global _local_catalogue
    if not _cacheable_request(request):
        return Lookup()
    try:
        language = translation.get_language()
        build = _build()
        local = _local_catalogue if _local_catalogue is not None and _local_catalogue[0] == build else None
        plan = _plan_remembered(request, local, language) if local is not None else None
        recent = _recently_read(plan.key) if plan is not None else None
        served = _served(request, plan, recent, version=local[1]) if recent is not None else None
        if served is not None:
            return served
        names = [*page_cache.version_keys(page_cache.CONTENT, page_cache.FIGURES), antifraud.CHALLENGE_MODE_KEY]
        found = cache.get_many(names + ([plan.key, plan.offer_key] if plan else []))
        (version,) = page_cache.current_versions(found, page_cache.CONTENT)
        if local is None or local[1] != version:
            # A change was saved (or this process is new): the shared copy, else the database.
            catalogue = cache.get(_catalogue_key())
            if catalogue is None or catalogue[0] != version:
                catalogue = (version, _catalogue())
                cache.set(_catalogue_key(), catalogue, ENTRY_SECONDS)
            _local_catalogue = (build, version, catalogue[1])
            plan = _plan(request, catalogue[1], language)
            if plan is not None:
                found = {name: value for name, value in found.items() if name in names}
                found.update(cache.get_many([plan.key, plan.offer_key]))
        if plan is None:
            return Lookup()
    except Exception:
        log.exception("Gift form cache unavailable; rendering the form")
        return Lookup()
    _remember(plan.key, found)
    served = _served(request, plan, found, version=version)
    if served is not None:
        return served
    challenge_mode = bool(found.get(antifraud.CHALLENGE_MODE_KEY))
    return Lookup(key=plan.key, version=version, campaign=plan.campaign, challenge_mode=challenge_mode, found=found)


def _served(request, plan: _Plan, found: dict, *, version: str) -> Lookup | None:
    """The cached page filled in for this request, when `found` holds it rendered under `version`."""
    entry = found.get(plan.key)
    if entry is None or entry[0] != version:
        return None
    utm = {name: plan.initial.get(name, "") for name in ATTRIBUTION_FIELDS}
    challenge_mode = bool(found.get(antifraud.CHALLENGE_MODE_KEY))
    response = respond(
        request, entry[1], campaign_id=plan.campaign.pk, challenge=challenge_mode, attribution=utm, found=found
    )
    response[HEADER] = "hit"
    return Lookup(response=response)


def store(lookup_: Lookup, parts: list[str]) -> None:
    lookup_.found[lookup_.key] = (lookup_.version, parts)  # what this process remembers, too
    try:
        cache.set(lookup_.key, (lookup_.version, parts), ENTRY_SECONDS)
    except Exception:
        log.exception("Could not store the gift form in the cache")


# --- Rendering and filling in --------------------------------------------------------------------


def split(html: str) -> list[str]:
    """The page as [text, slot name, text, slot name, …, text]."""
    return _SLOT_RE.split(html)


def _challenge_parts(request, *, reason: str) -> tuple[str, str, dict | None]:
    kind = antifraud.challenge_kind()
    context = {
        "challenge_reason": reason,
        "challenge_kind": kind,
        "turnstile_site_key": settings.TURNSTILE_SITE_KEY if kind == "turnstile" else "",
        "turnstile_script": turnstile.SCRIPT_URL,
        "turnstile_action": turnstile.ACTION,
        "proof_of_work_widget": proof_of_work.widget_html() if kind == "altcha" else "",
    }
    block = render_to_string("donations/gift_form_parts.html#challenge", context, request)
    script = render_to_string("donations/gift_form_parts.html#challenge-script", context, request)
    csp = turnstile.csp_config() if kind == "turnstile" else proof_of_work.csp_config()
    return block, script, csp


def _offer_parts(*, campaign_id: int, found: dict | None) -> tuple[str, str]:
    """The matching offer and its script, from the cache while its versions and clock hold."""
    key = _offer_key(translation.get_language(), campaign_id)
    names = (page_cache.CONTENT, page_cache.FIGURES)
    if found is None:  # else lookup() read them with the page
        found = cache.get_many([*page_cache.version_keys(*names), key])
    versions = page_cache.current_versions(found, *names)
    now = timezone.now().timestamp()
    entry = found.get(key)
    if entry is not None and now < entry[1]:
        if entry[0] == versions:
            return entry[2]
        if not cache.add(key + ":lock", 1, timeout=RENDER_LOCK_SECONDS):
            # Another process is rebuilding it (a payment moved the pot): the copy from before, which
            # this process may go on serving until it next reads the cache.
            found[key] = (versions, entry[1], entry[2])
            return entry[2]
        locked = True
    else:
        locked = False
    offer, changes_at = selectors.match_offer_and_next_change(campaign_id=campaign_id)
    context = {"offer": offer, "offer_id": "form"}
    parts = (
        render_to_string("includes/match_offer.html#offer", context),
        render_to_string("donations/gift_form_parts.html#offer-script", context),
    )
    valid_until = changes_at.timestamp() if changes_at is not None else now + ENTRY_SECONDS
    found[key] = (versions, valid_until, parts)
    try:
        cache.set(key, found[key], ENTRY_SECONDS)
    finally:
        if locked:
            cache.delete(key + ":lock")
    return parts


def respond(
    request,
    parts: list[str],
    *,
    campaign_id: int,
    challenge: bool,
    attribution: dict,
    challenge_reason: str = "",
    found: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page for this request: the skeleton's slots filled in with what is this request's own."""
    offer, offer_script = _offer_parts(campaign_id=campaign_id, found=found)
    values = {
        "csrf": get_token(request),
        "next": escape(request.get_full_path()),
        "offer": offer,
        "offer_script": offer_script,
        **{name: escape(attribution.get(name) or "") for name in ATTRIBUTION_FIELDS},
    }
    csp = None
    if challenge:
        values["challenge"], values["challenge_script"], csp = _challenge_parts(request, reason=challenge_reason)
    else:
        values["challenge"] = values["challenge_script"] = ""
    chunks = list(parts)
    for index in range(1, len(chunks), 2):
        chunks[index] = values[chunks[index]]
    response = HttpResponse("".join(chunks), status=status)
    if csp is not None:
        response._csp_config = csp
    return response
