"""
Card-testing defenses for the one request that costs money when abused: creating a Checkout
Session (the gift form's POST). Card testers send thousands of small gifts with stolen cards,
from one address or from many; each session they get is a chance to test a card, and each
fraudulent charge that goes through becomes a dispute fee.

The policy, decided once here (settings in README's Configuration table). "The check" is
Cloudflare Turnstile when its keys are set, otherwise a self-hosted proof of work
(core.proof_of_work): there is always one, so a real donor is asked, never turned away.

- A filled honeypot field is refused at once.
- Per address: GIFT_SESSIONS_PER_ADDRESS sessions per GIFT_ADDRESS_WINDOW_SECONDS. Beyond that
  the address must pass the check (a family or an office behind one address can still give),
  up to GIFT_SESSIONS_PER_ADDRESS_MAX, after which it is refused whatever it proves.
- Globally: GIFT_SESSIONS_GLOBAL_PER_MINUTE and GIFT_SESSIONS_GLOBAL_PER_HOUR sessions without a
  check pass. When either trips (a burst from many addresses), the form asks *everyone* for the
  check for GIFT_CHALLENGE_SECONDS: bots stop, real donors solve it and still give.
- An address already over its own limit never counts towards the global ones: one client alone
  cannot switch the check on for everyone else.
- Cloudflare unreachable: TURNSTILE_FAIL_OPEN decides (default off: refuse with "try again").

All counters live in the shared cache (core.ratelimit), so they hold across processes and hosts.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

from core import proof_of_work, ratelimit

from . import turnstile

log = logging.getLogger(__name__)

HONEYPOT_FIELD = "leave_blank"
CHALLENGE_MODE_KEY = "gift-challenge-mode"


class Verdict(enum.StrEnum):
    ALLOW = "allow"  # create the session
    CHALLENGE = "challenge"  # show the form again with the CAPTCHA
    REFUSE = "refuse"  # held back: a friendly page, nothing recorded
    UNAVAILABLE = "unavailable"  # the CAPTCHA service cannot be reached and we do not fail open


@dataclasses.dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str


def challenge_mode_on() -> bool:
    """True while a recent global burst makes everyone prove they are a person."""
    return bool(cache.get(CHALLENGE_MODE_KEY))


def challenge_required() -> bool:
    """Whether the form should show the check before the donor even submits it."""
    return challenge_mode_on()


def challenge_kind() -> str:
    """Which check this site asks: "turnstile" with its keys, else the self-hosted "altcha"."""
    return "turnstile" if turnstile.enabled() else "altcha"


def _address_tag(address: str) -> str:
    # Log lines correlate attempts from one address without holding the address itself.
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:12]


def gift_attempt_check(*, request, honeypot: str) -> Decision:
    """
    Decide whether this (valid) gift form POST may create a Checkout Session. Every call counts
    against the limits, so call it once per attempt, after the form validated, before any write.
    """
    address = ratelimit.client_ip(request)
    decision = _decide(request=request, address=address, honeypot=honeypot)
    if decision.verdict != Verdict.ALLOW:
        # INFO: an attack is thousands of these; the switch into challenge mode is the warning.
        log.info(
            "gift attempt held back verdict=%s reason=%s address=%s",
            decision.verdict,
            decision.reason,
            _address_tag(address),
        )
    return decision


def _decide(*, request, address: str, honeypot: str) -> Decision:
    if honeypot:
        return Decision(Verdict.REFUSE, "honeypot")
    per_address = ratelimit.hit_count(
        scope="gift-address", key=address, window_seconds=settings.GIFT_ADDRESS_WINDOW_SECONDS
    )
    if per_address > settings.GIFT_SESSIONS_PER_ADDRESS_MAX:
        return Decision(Verdict.REFUSE, "address-max")

    proof = _proof_offered(request=request, address=address)
    if proof is not None:
        return proof

    if per_address > settings.GIFT_SESSIONS_PER_ADDRESS:
        # Before the global counters: an address over its own limit must not draw on them.
        return Decision(Verdict.CHALLENGE, "address")

    # No check passed: the attempt draws on the budgets for unproven traffic.
    per_minute = ratelimit.hit_count(scope="gift-global-minute", key="all", window_seconds=60)
    per_hour = ratelimit.hit_count(scope="gift-global-hour", key="all", window_seconds=3600)
    over_global = (
        per_minute > settings.GIFT_SESSIONS_GLOBAL_PER_MINUTE or per_hour > settings.GIFT_SESSIONS_GLOBAL_PER_HOUR
    )
    if over_global:
        if not challenge_mode_on():
            log.warning(
                "gift sessions over the global limit (%s this minute, %s this hour): "
                "check (%s) asked of everyone for %s s",
                per_minute,
                per_hour,
                challenge_kind(),
                settings.GIFT_CHALLENGE_SECONDS,
            )
        # Held for a while after the last trip, so a burst cannot resume at each new window.
        cache.set(CHALLENGE_MODE_KEY, True, timeout=settings.GIFT_CHALLENGE_SECONDS)
    if over_global or challenge_mode_on():
        return Decision(Verdict.CHALLENGE, "global")
    return Decision(Verdict.ALLOW, "within-limits")


def _proof_offered(*, request, address: str) -> Decision | None:
    """The verdict on a check the form sent back, or None when it sent none."""
    if turnstile.enabled():
        token = str(request.POST.get(turnstile.RESPONSE_FIELD, ""))
        if not token:
            return None
        outcome = turnstile.verify(token=token, remote_ip=address)
        if outcome == turnstile.Outcome.PASSED:
            return Decision(Verdict.ALLOW, "captcha-passed")
        if outcome == turnstile.Outcome.UNAVAILABLE:
            if settings.TURNSTILE_FAIL_OPEN:
                log.warning("Turnstile unreachable: gift attempt let through (TURNSTILE_FAIL_OPEN is on)")
                return Decision(Verdict.ALLOW, "captcha-unavailable-fail-open")
            return Decision(Verdict.UNAVAILABLE, "captcha-unavailable")
        return Decision(Verdict.CHALLENGE, "captcha-failed")
    payload = str(request.POST.get(proof_of_work.RESPONSE_FIELD, ""))
    if not payload:
        return None
    if proof_of_work.verify(payload=payload) == proof_of_work.Outcome.PASSED:
        return Decision(Verdict.ALLOW, "captcha-passed")
    return Decision(Verdict.CHALLENGE, "captcha-failed")
