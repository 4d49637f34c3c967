"""
Cloudflare Turnstile (a CAPTCHA that most people never see): the widget's settings and the
server-side check of its token, by one POST to Cloudflare's siteverify endpoint.

The HTTP call goes through a replaceable transport (`use_transport`), so tests never touch the
network. What happens when Cloudflare cannot be reached is not decided here: verify() says
UNAVAILABLE and the caller applies settings.TURNSTILE_FAIL_OPEN.
"""

from __future__ import annotations

import enum
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings

log = logging.getLogger(__name__)

SITEVERIFY_URL = "https://challenges.cloudflare.com/turnstile/v0/siteverify"
SCRIPT_URL = "https://challenges.cloudflare.com/turnstile/v0/api.js"
ORIGIN = "https://challenges.cloudflare.com"
# The hidden input the widget adds to the form it sits in.
RESPONSE_FIELD = "cf-turnstile-response"
# The widget's action: a token minted for another form (or site sharing the key) is refused.
ACTION = "donate"
MAX_TOKEN_LENGTH = 2048
# Errors on our side (keys) or Cloudflare's: the donor did nothing wrong, so these are "unavailable".
_SERVICE_ERRORS = frozenset({"missing-input-secret", "invalid-input-secret", "internal-error"})

Transport = Callable[[str, dict[str, str], float], Any]


class Outcome(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNAVAILABLE = "unavailable"


def _urllib_transport(url: str, data: dict[str, str], timeout: float) -> Any:
    request = Request(  # noqa: S310 - the fixed https siteverify URL
        url,
        data=urlencode(data).encode(),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urlopen(request, timeout=timeout) as response:  # noqa: S310
        return json.loads(response.read(64 * 1024))


_transport: Transport = _urllib_transport


def use_transport(transport: Transport | None) -> None:
    """Send siteverify calls through `transport(url, form_data, timeout) -> parsed JSON`; None restores urllib."""
    global _transport
    _transport = transport or _urllib_transport


def enabled() -> bool:
    return bool(settings.TURNSTILE_SITE_KEY and settings.TURNSTILE_SECRET_KEY)


def csp_config() -> dict:
    """The site's CSP plus what the widget needs (its script and its iframe), for pages that show it."""
    config = {key: list(value) for key, value in settings.SECURE_CSP.items()}
    config["script-src"] = [*config.get("script-src", []), ORIGIN]
    config["frame-src"] = [*config.get("frame-src", config.get("default-src", [])), ORIGIN]
    return config


def verify(*, token: str, remote_ip: str) -> Outcome:
    """Ask Cloudflare whether `token` is a fresh, unused pass for this site's gift form."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return Outcome.FAILED
    data = {
        "secret": settings.TURNSTILE_SECRET_KEY,
        "response": token,
        "remoteip": remote_ip,
        "idempotency_key": str(uuid.uuid4()),
    }
    try:
        answer = _transport(SITEVERIFY_URL, data, settings.TURNSTILE_TIMEOUT_SECONDS)
    except (OSError, ValueError) as error:  # URLError, HTTPError and timeouts are OSErrors; bad JSON ValueError
        log.warning("Turnstile siteverify unreachable: %s", type(error).__name__)
        return Outcome.UNAVAILABLE
    if not isinstance(answer, dict):
        log.warning("Turnstile siteverify answered something that is not a JSON object")
        return Outcome.UNAVAILABLE
    codes = answer.get("error-codes") or []
    codes = [str(code) for code in codes] if isinstance(codes, list) else []
    if answer.get("success") is True:
        if answer.get("action") not in (None, "", ACTION):
            log.info("Turnstile token for another action refused")
            return Outcome.FAILED
        return Outcome.PASSED
    if _SERVICE_ERRORS.intersection(codes):
        log.error("Turnstile siteverify cannot check tokens: %s (check TURNSTILE_SECRET_KEY)", ",".join(codes))
        return Outcome.UNAVAILABLE
    return Outcome.FAILED
