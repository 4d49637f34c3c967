"""
The self-hosted "prove you are a person" check: an ALTCHA proof-of-work challenge, asked where
Turnstile would be when Turnstile has no keys. The browser spends about a second of work; a card
tester pays that for every attempt. Nothing leaves the site: the challenge is signed here, the
widget's script and styles are our own static files, and the solution is verified here, once
(altcha-django claims each solution in the shared cache, atomically).
"""

from __future__ import annotations

import enum
import logging

from altcha_django import AltchaWidget, ErrorCode, run_verification
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html

log = logging.getLogger(__name__)

# The hidden input the widget adds to its form.
RESPONSE_FIELD = "altcha"
MAX_PAYLOAD_LENGTH = 4096


class Outcome(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"


def widget_html() -> str:
    """The widget with a fresh challenge, its scripts and its stylesheet (the page must not be cached)."""
    # No "Protected by ALTCHA" footer (its link is too faint for WCAG AAA and leads off the site),
    # and no logo link: it has no name and is a 19 px tap target.
    widget = AltchaWidget(auto="onload", configuration={"hideFooter": True, "hideLogo": True})
    scripts = widget.media.render()
    stylesheet = format_html('<link rel="stylesheet" id="altcha-css" href="{}">', static("css/altcha.css"))
    return format_html("{}{}{}", stylesheet, scripts, widget.render(RESPONSE_FIELD, None))


def csp_config() -> dict:
    """The site's CSP plus the widget's workers, which it starts from a blob: URL of its own code."""
    config = {key: list(value) for key, value in settings.SECURE_CSP.items()}
    config["worker-src"] = ["'self'", "blob:"]
    return config


def verify(*, payload: str) -> Outcome:
    """True once for a correct, unexpired solution of a challenge this site signed."""
    if not payload or len(payload) > MAX_PAYLOAD_LENGTH:
        return Outcome.FAILED
    result = run_verification(payload, replay=True)
    if result.verified:
        return Outcome.PASSED
    if result.code == ErrorCode.MISCONFIGURED.value:
        log.error("ALTCHA cannot verify solutions: %s", result.error)
    return Outcome.FAILED
