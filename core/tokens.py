"""
Single-use, expiring tokens emailed in links (a donor's manage-gift link, a staff member's
two-step sign-in invitation): random, stored only as their SHA-256, spent once. The model that
keeps them has `token_hash`, `expires_at` and `used_at`.
"""

import hashlib
import secrets

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

# secrets.token_urlsafe(32) is 43 characters; anything much longer is not one of ours.
TOKEN_MAX_LENGTH = 100


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_create() -> tuple[str, str]:
    """A new token and the hash to store (the token itself is only ever emailed)."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash_of_input(token: str) -> str | None:
    """The hash to look up for a token from a link; None when it cannot be one of ours."""
    token = token.strip()
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return token_hash(token)


def token_spend(tokens: QuerySet) -> bool:
    """Mark the one unspent row of `tokens` used, in one UPDATE; False if none was (spent, or raced)."""
    return tokens.filter(used_at__isnull=True).update(used_at=timezone.now()) == 1


def token_link(path: str, token: str) -> str:
    # The token rides in the fragment, which browsers never send: no server or proxy log holds it.
    return settings.SITE_URL + path + "#" + token
