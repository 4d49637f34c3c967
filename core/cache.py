"""
The public pages' shared cache: whole responses kept in Django's cache (Redis in production,
shared by every process and host) and served to anonymous readers before sessions, auth,
messages or the database are touched.

A view opts in with `@page_cache(depends_on=…)`. Each entry carries the versions of what it
depends on: CONTENT (campaigns, figures, updates: bumped when staff save) and FIGURES (the meter
and the donor wall: bumped when a gift starts or stops counting, or counts a different amount).
A request reads the versions and the entry in one round trip; an entry whose versions are not
the current ones is stale. Versions are bumped after the transaction commits (`pages_invalidate_on_commit`),
so a page rendered from the new data is never stored under an old version, and an entry rendered
from old data is never stored under a new one (the versions a render is stored with are read
before it starts).

While one process re-renders a stale page, the others keep serving the stale copy (a lock per
page), so a burst of gifts during a burst of readers costs one render per page at a time, not one
per reader; and if the re-render fails (a 5xx: the database overloaded or down), the stale copy
is served rather than the error. Entries also expire after PAGE_CACHE_SECONDS, for what changes with the clock alone
(days left, "3 minutes ago", an update whose publication time arrives).

A view behind the cache sees only the query parameters its key holds (the others are removed
from the request), so nothing outside the key can reach a stored page.

What is never served from or stored in the cache: anything but GET/HEAD, a request carrying a
session or messages cookie (staff, previews, flash messages), a response that is not 200, sets a
cookie, is not `public`, or used the CSP nonce (a cached body must not carry a per-request nonce).
"""

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers

log = logging.getLogger(__name__)

CONTENT = "content"
FIGURES = "figures"
_VERSION_KEYS = {CONTENT: "pages:version:content", FIGURES: "pages:version:figures"}

PAGE_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300"
# The meter's JSON is polled by the page and by partner sites: short, so a CDN in front stays close.
JSON_CACHE_CONTROL = "public, max-age=15, stale-while-revalidate=60"
# How long a re-render may take before another process may try (a crashed worker's lock expires).
RENDER_LOCK_SECONDS = 10
HEADER = "X-Page-Cache"


@dataclass(frozen=True)
class PagePolicy:
    depends_on: tuple[str, ...]
    query_params: tuple[str, ...]


def page_cache(*, depends_on: tuple[str, ...], query_params: tuple[str, ...] = (), cache_control=PAGE_CACHE_CONTROL):
    """
    Serve the view from the shared page cache (see the module docstring) and mark its 200s as
    cacheable by a CDN. `query_params` are the only query-string names the view reads (others,
    such as utm_source, neither change the page nor split the cache); their values are cached
    only when they are small numbers (?page=2), and rendered uncached otherwise.
    """
    unknown = set(depends_on) - set(_VERSION_KEYS)
    if unknown or not depends_on:
        raise ValueError(f"depends_on must name some of {sorted(_VERSION_KEYS)}, not {sorted(unknown)}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.has_header("Cache-Control"):
                response["Cache-Control"] = cache_control
                # A CDN must keep the Spanish and English copies apart: the language comes from
                # the language cookie, else Accept-Language (LocaleMiddleware adds that one).
                patch_vary_headers(response, ("Cookie",))
            return response

        wrapper.page_policy = PagePolicy(depends_on=tuple(depends_on), query_params=tuple(query_params))
        return wrapper

    return decorator


# --- Invalidation ----------------------------------------------------------------------------


def _new_version() -> str:
    # Random rather than a counter: a version key lost from the cache and created again can never
    # take a value that an old entry still carries.
    return secrets.token_hex(8)


def pages_invalidate(*, content: bool = False, figures: bool = False) -> None:
    """Make every cached page depending on CONTENT and/or FIGURES stale, now."""
    names = [name for name, wanted in ((CONTENT, content), (FIGURES, figures)) if wanted]
    if not names:
        return
    try:
        cache.set_many({_VERSION_KEYS[name]: _new_version() for name in names}, timeout=None)
    except Exception:
        # The pages expire within PAGE_CACHE_SECONDS anyway; a cache outage must not fail a gift.
        log.exception("Could not invalidate the page cache (%s)", ", ".join(names))


def pages_invalidate_on_commit(*, content: bool = False, figures: bool = False) -> None:
    """Invalidate once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: pages_invalidate(content=content, figures=figures), robust=True)


# --- Serving ---------------------------------------------------------------------------------


def _policy_for(request) -> PagePolicy | None:
    if request.method not in ("GET", "HEAD"):
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    return _policy_for_path(request.path_info)


# URL resolution walks every pattern: remembered per path, it costs a hit nothing. Bounded, so
# a crawler's endless made-up paths only push out older ones.
@lru_cache(maxsize=4096)
def _policy_for_path(path_info: str) -> PagePolicy | None:
    try:
        match = resolve(path_info)
    except Resolver404:
        return None
    return getattr(match.func, "page_policy", None)


@receiver(setting_changed)
def _forget_policies(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":  # tests that swap the URLconf, as Django's own URL caches do
        _policy_for_path.cache_clear()


# The query parameters a cached page may read are small numbers (page numbers): anything else
# would let anyone fill the cache with one entry per made-up value.
_CACHEABLE_PARAM = re.compile(r"^[0-9]{1,4}$")


def _page_key(request, policy: PagePolicy) -> str | None:
    """The page's cache key, or None when its query string is not one worth caching."""
    values = [request.GET.get(name, "") for name in policy.query_params]
    if any(value and not _CACHEABLE_PARAM.match(value) for value in values):
        return None
    language = translation.get_language_from_request(request)
    query = "&".join(f"{name}={value}" for name, value in zip(policy.query_params, values, strict=True))
    basis = f"{request.get_host()}|{language}|{request.path}|{query}"
    return "page:" + hashlib.blake2b(basis.encode(), digest_size=16).hexdigest()


def _keep_only_keyed_query(request, policy: PagePolicy) -> None:
    """
    Hide from the view every query parameter the key does not hold: a page that may be stored
    must not depend on anything outside its key (the language switch's `next`, say, would echo
    the first visitor's ?utm_source=… to everyone who reads the cached copy).
    """
    query = QueryDict(mutable=True)
    for name in policy.query_params:
        value = request.GET.get(name, "")
        if value:
            query[name] = value
    request.META["QUERY_STRING"] = query.urlencode()
    query._mutable = False
    request.GET = query


def version_keys(*names: str) -> list[str]:
    """The cache keys holding the versions of CONTENT and/or FIGURES, to read with an entry in one round trip."""
    return [_VERSION_KEYS[name] for name in names]


def current_versions(found: dict, *names: str) -> tuple[str, ...]:
    """The current versions of `names` from what `cache.get_many(version_keys(*names) + …)` found."""
    return _versions(found, PagePolicy(depends_on=names, query_params=()))


def _versions(found: dict, policy: PagePolicy) -> tuple[str, ...]:
    versions = []
    for name in policy.depends_on:
        key = _VERSION_KEYS[name]
        version = found.get(key)
        if version is None:
            # First use (or the key was lost): create it; if another process did, use theirs.
            cache.add(key, _new_version(), timeout=None)
            version = cache.get(key)
        versions.append(version)
    return tuple(versions)


def _response_from(entry: tuple, *, state: str, request) -> HttpResponse:
    _versions_stored, status, headers, content, etag = entry
    if etag and request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(content, status=status)
    for name, value in headers:
        response.headers[name] = value
    if isinstance(response, HttpResponseNotModified):
        response.headers.pop("Content-Length", None)
        response.headers.pop("Content-Type", None)
    response[HEADER] = state
    return response


def _storable(request, response) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "public" in response.get("Cache-Control", "")
        # A nonce generated for this request would be in the header (and maybe the body).
        and not getattr(request, "_csp_nonce", None)
    )


def _entry(versions: tuple, response) -> tuple:
    content = response.content
    etag = '"' + hashlib.blake2b(content, digest_size=12).hexdigest() + '"'
    response["ETag"] = etag
    headers = [(name, value) for name, value in response.headers.items() if name != HEADER]
    return (versions, response.status_code, headers, content, etag)


class PublicPageCacheMiddleware:
    """
    Serves opted-in pages from the shared cache. Sits right after WhiteNoise and before the
    session middleware, so a hit costs one cache round trip and no database work; the headers
    added by the middleware inside it (CSP, X-Frame-Options, Vary, Content-Language) are stored
    with the page, those outside it (security headers) are added to every response as usual.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        policy = _policy_for(request)
        if policy is None:
            return self.get_response(request)
        try:
            key = _page_key(request, policy)
            if key is None:
                return self.get_response(request)
            _keep_only_keyed_query(request, policy)
            found = cache.get_many([*(_VERSION_KEYS[name] for name in policy.depends_on), key])
            versions = _versions(found, policy)
        except DisallowedHost:
            return self.get_response(request)  # Django answers 400, as for any page
        except Exception:
            log.exception("Page cache unavailable; rendering %s", request.path)
            return self.get_response(request)

        entry = found.get(key)
        locked = False
        if entry is not None:
            if entry[0] == versions:
                return _response_from(entry, state="hit", request=request)
            # Stale: one process re-renders it, the others serve the stale copy meanwhile.
            locked = cache.add(key + ":lock", 1, timeout=RENDER_LOCK_SECONDS)
            if not locked:
                return _response_from(entry, state="stale", request=request)

        response = self.get_response(request)
        try:
            if locked:
                cache.delete(key + ":lock")
            if _storable(request, response):
                # A view may keep its page for less (`response.page_cache_seconds`: a hold that lapses then).
                timeout = min(settings.PAGE_CACHE_SECONDS, getattr(response, "page_cache_seconds", None) or 10**9)
                cache.set(key, _entry(versions, response), timeout=timeout)
            elif entry is not None and response.status_code >= 500:
                # The database is overloaded or down: the last good copy beats an error page.
                log.warning("Serving a stale %s: rendering it answered %s", request.path, response.status_code)
                return _response_from(entry, state="stale-error", request=request)
            elif entry is not None:
                cache.delete(key)  # unpublished, say: the stale copy must not be served again
        except Exception:
            log.exception("Could not store %s in the page cache", request.path)
        response[HEADER] = "miss"
        return response
