"""
Gift extensions: what another app adds to an online gift without donations knowing that app (a
space of the new centers named by the gift, say: recognition). donations never imports those apps;
they register an extension here from their AppConfig.ready().

An extension has a `key`. It is the gift form's query parameter (`?naming=<id>`) and a key of the
Checkout Session's metadata, which is how a Stripe event about the session finds the extension
again: an ordinary gift (no such key) costs the hooks nothing, not even a query.

The gift form asks the extension for an `GiftOffer` (what it fixes about the gift: the amount, the
designation, a name to ask for) and, in the transaction that records the pending gift, to
`reserve` what the gift is for until the Checkout Session expires. Then the extension hears what
became of the gift: Checkout not started, completed, expired, refunded. Each hook runs in the
transaction that changes the gift, so both commit or neither.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Protocol

# How long the donor has in Checkout when the gift holds something (Stripe's shortest session is 30
# minutes after its creation; the hold's expiry, computed a moment before, is the session's).
RESERVE_FOR = datetime.timedelta(minutes=35)


class OfferRefused(Exception):
    """The offer cannot be made (an unknown space, taken, over the online maximum…): `message` says why, to a person."""

    def __init__(self, message: str, *, taken: bool = False):
        super().__init__(message)
        self.message = message
        self.taken = taken  # someone else holds it right now (the form answers 409, not 400)


@dataclass(frozen=True)
class GiftOffer:
    """What an extension fixes about a gift: a one-time gift of `amount_cents` for `title`."""

    key: str  # the extension's key
    ref: str  # the extension's own id for it, as text (the query value, checked)
    title: str  # shown on the form ("You are naming: Infusion bay 3")
    amount_cents: int
    designation_slug: str  # "" for the campaign's default
    campaign_id: int
    name_label: str  # the one thing the donor is asked for (the recognition name)
    name_help: str
    name_max_length: int


class GiftExtension(Protocol):
    key: str

    def offer(self, *, ref: str, campaign: Any) -> GiftOffer:
        """The offer for `ref` on this campaign's form; OfferRefused when there is none to make."""
        ...

    def reserve(self, *, offer: GiftOffer, gift_id: int, name: str, expires_at: datetime.datetime) -> None:
        """Hold it for this pending gift until `expires_at` (the session's expiry); OfferRefused(taken=True)."""
        ...

    def held_for(self, *, gift_id: int) -> tuple[str, str] | None:
        """(ref, name) this gift reserved, if it did: the donor back from Checkout gets the same offer again."""
        ...

    def checkout_not_started(self, *, gift_id: int) -> None:
        """Stripe refused to create the session: give back what `reserve` held."""
        ...

    def checkout_completed(self, *, gift_id: int, ref: str) -> None:
        """The gift is paid (checkout.session.completed, or the thank-you page's re-read)."""
        ...

    def checkout_expired(self, *, gift_id: int, ref: str) -> None:
        """The session expired unpaid (checkout.session.expired): give back what `reserve` held."""
        ...

    def gift_refunded(self, *, gift_id: int) -> None:
        """Part or all of the gift was refunded or disputed (any gift: the extension checks whether it is its own)."""
        ...


_extensions: dict[str, GiftExtension] = {}


def register(extension: GiftExtension) -> None:
    """Called from an app's AppConfig.ready(); registering the same key twice replaces it (tests)."""
    _extensions[extension.key] = extension


def registered() -> list[GiftExtension]:
    return list(_extensions.values())


def get(key: str) -> GiftExtension | None:
    return _extensions.get(key)


def from_metadata(metadata: dict[str, str]) -> list[tuple[GiftExtension, str]]:
    """The extensions a Checkout Session's metadata names, with their refs."""
    return [(ext, str(metadata[key])) for key, ext in _extensions.items() if metadata.get(key)]
