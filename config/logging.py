"""
Logging that is safe to ship to a log service: one JSON object a line (LOG_FORMAT=json, the
production default) or plain lines (LOG_FORMAT=plain, development), both through a filter that
redacts what must never be in a log, whoever logged it (our code, Django, stripe-python, SMTP
errors): email addresses, card-like numbers, Stripe and Turnstile secrets, credentials in URLs,
the values of configured secrets, and any extra field with a sensitive name.

The site's own code logs ids and types only; this filter is the net under that rule.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
from typing import Any

REDACTED = "[redacted]"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Credentials in URLs first (smtp://user:password@host), before the email pattern eats them.
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/:@]+:[^\s/@]+@"), r"\1[credentials]@"),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"), "[email]"),
    (re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9_]{4,}"), "[stripe-key]"),
    (re.compile(r"\bwhsec_[A-Za-z0-9_]{4,}"), "[stripe-webhook-secret]"),
    # 13 to 19 digits, perhaps in groups: a card number's shape (no card data reaches this site).
    (re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])"), "[card-number]"),
]

# Extra fields (logger.info(..., extra={...})) whose names say they hold personal data or secrets.
SENSITIVE_KEY_PARTS = (
    "email",
    "name",
    "message",
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "authorization",
    "cookie",
    "signature",
    "card",
    "cvc",
    "phone",
    "address",
    "details",
    "condition",
    "initials",
    "honoree",
)

# What every LogRecord has; anything else on a record came in through `extra`.
_STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def _configured_secrets() -> list[str]:
    """Literal values of the site's secrets, so that even an unusual format of one is caught."""
    try:
        from django.conf import settings

        names = ("SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "TURNSTILE_SECRET_KEY")
        values = [getattr(settings, name, "") for name in names]
        for mailer in getattr(settings, "MAILERS", {}).values():
            values.append((mailer.get("OPTIONS") or {}).get("password", ""))
    except Exception:  # settings not configured (a script importing this module)
        return []
    return sorted({v for v in values if isinstance(v, str) and len(v) >= 8}, key=len, reverse=True)


def redact(text: str) -> str:
    for secret in _configured_secrets():
        text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _is_sensitive_key(key: str) -> bool:
    lowered = key.lower()
    return any(part in lowered for part in SENSITIVE_KEY_PARTS)


def redact_value(key: str, value: Any) -> Any:
    if _is_sensitive_key(key):
        return REDACTED
    if hasattr(value, "META") and hasattr(value, "path"):
        # Django's request loggers attach the request, whose repr has the query string: keep the path.
        return f"{getattr(value, 'method', '')} {redact(value.path)}"
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {str(k): redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(key, v) for v in value]
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return redact(str(value))


class RedactingFilter(logging.Filter):
    """Rewrite each record in place: its message (args merged in), extras and traceback, redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(message), ()
        for key in [k for k in record.__dict__ if k not in _STANDARD_ATTRS]:
            record.__dict__[key] = redact_value(key, record.__dict__[key])
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
            # The traceback is now text only, so no formatter re-renders the raw exception.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and key not in entry:
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None), list, dict)) else str(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING dict for settings: console output in `log_format` (json or plain), redacted."""
    if log_format not in ("json", "plain"):
        raise ValueError(f"LOG_FORMAT must be json or plain, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": "config.logging.RedactingFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {"()": "config.logging.JsonFormatter"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["redact"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # SQL with its parameters (donor details) is logged at DEBUG: never let it through.
            "django.db.backends": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
        },
    }
