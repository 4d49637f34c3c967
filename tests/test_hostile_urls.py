"""
NUL bytes and ids that are not ids, on every URL of the site (issue 18, finding 5).

PostgreSQL refuses a string holding NUL (psycopg raises before the query is sent), and a
non-numeric or oversized id fails the query's cast: both must be turned away as bad input (a
4xx, a form error, a redirect) before any query, never a 500. Every URL pattern
(tests/urlsweep.py) is requested, as a visitor and as verified staff with every permission:

- each query parameter the page reads (found by watching which names the view asks request.GET
  for, plus the admin changelist's filters, search, ordering and date drill-down) set to a NUL
  byte and to text with a NUL inside it;
- each id in the path replaced by a NUL byte, text around a NUL, a word, a negative number and a
  number too large for any database integer.

CI runs this on SQLite and on PostgreSQL (.ci/run); it matters on PostgreSQL.
"""

from urllib.parse import quote, urlencode

import pytest
from django.http import QueryDict
from django.test import Client

from tests.conftest import otp_verify_session
from tests.urlsweep import seed_site_objects, site_urls

pytestmark = pytest.mark.django_db

HOSTILE_QUERY_VALUES = ("\x00", "1\x00", "a\x00b")
HOSTILE_PATH_VALUES = ("\x00", "1\x00", "abc", "-1", "99999999999999999999")
# Query names every changelist understands.
CHANGELIST_PARAMS = ("q", "o", "p", "_facets", "_to_field", "_popup", "e")
# The admin's catch-all takes any path: nothing of it reaches a query.
PATH_PARAMS_NOT_IDS = {"url"}


class _ReadRecorder:
    """Records the names a view asks request.GET for (QueryDict.get, [], getlist, in)."""

    def __init__(self, monkeypatch):
        self.names: set[str] = set()
        for method in ("get", "__getitem__", "getlist", "__contains__"):
            original = getattr(QueryDict, method)

            def recording(querydict, key, *args, _original=original, **kwargs):
                self.names.add(key)
                return _original(querydict, key, *args, **kwargs)

            monkeypatch.setattr(QueryDict, method, recording)


def _changelist_params(response) -> set[str]:
    changelist = (response.context or {}).get("cl") if response.context is not None else None
    if changelist is None:
        return set()
    names = set(CHANGELIST_PARAMS)
    for spec in changelist.filter_specs:
        names.update(spec.expected_parameters())
    if changelist.date_hierarchy:
        field = changelist.date_hierarchy
        names.update({f"{field}__year", f"{field}__month", f"{field}__day"})
    return names


def _with_path_value(swept, param: str, value: str, objects_url: str) -> str:
    """The URL with the value of path parameter `param` replaced (percent-encoded) by `value`."""
    from tests.urlsweep import _CONVERTER

    route = "/" + swept.route
    encoded = quote(value, safe="")
    # Fill the other parameters from the real URL: split both on "/" and swap one segment.
    route_parts, url_parts = route.split("/"), objects_url.split("/")
    if len(route_parts) != len(url_parts):  # a <path:> value holding "/" (never in these URLs)
        return None
    parts = [
        encoded if _CONVERTER.fullmatch(route_part) and _CONVERTER.fullmatch(route_part)[2] == param else url_part
        for route_part, url_part in zip(route_parts, url_parts, strict=True)
    ]
    return "/".join(parts)


def test_no_url_answers_a_nul_byte_or_a_bad_id_with_a_server_error(django_user_model, monkeypatch):
    objects = seed_site_objects()
    staff = django_user_model.objects.create_superuser("root", "root@foundation.example", "a-long-password-1")
    verified = Client(raise_request_exception=False)
    verified.force_login(staff)
    otp_verify_session(verified, staff)
    visitor = Client(raise_request_exception=False)
    recorder = _ReadRecorder(monkeypatch)

    urls = site_urls(objects)
    tried = 0
    server_errors = []
    for swept in urls:
        clients = (verified,) if swept.url.startswith("/admin/") else (visitor, verified)
        for client in clients:
            recorder.names.clear()
            baseline = client.get(swept.url)
            names = (recorder.names | _changelist_params(baseline)) - {"next"}
            hostile_urls = []
            for name in sorted(names):
                for value in HOSTILE_QUERY_VALUES:
                    hostile_urls.append(swept.url + "?" + urlencode({name: value}))
            for param in swept.path_params:
                if param in PATH_PARAMS_NOT_IDS:
                    continue
                for value in HOSTILE_PATH_VALUES:
                    hostile = _with_path_value(swept, param, value, swept.url)
                    if hostile is not None:
                        hostile_urls.append(hostile)
            for url in hostile_urls:
                tried += 1
                status = client.get(url).status_code
                if status >= 500:
                    server_errors.append((url, status))
    print(f"\nhostile URL sweep: {len(urls)} URLs, {tried} hostile requests, {len(server_errors)} 5xx")
    for url, status in server_errors:
        print(status, url)
    assert server_errors == []
    assert tried >= 1000
