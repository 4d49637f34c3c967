"""
Stripe's own example objects (fixtures3.json from Stripe's public OpenAPI repository, see the
README here), for the test fake and the demo checkout: both build every object they return from
these and never add a field an example lacks.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

FIXTURES_FILE = Path(__file__).with_name("fixtures3.json")

# Fields of an example that the pinned API version (stripe_gateway.STRIPE_API_VERSION) no longer
# has: removed from every object built from it. Since 2025-03-31.basil an invoice names no
# subscription at the top level (it is under parent.subscription_details), and stripe-python
# 16.1.0's Invoice type, generated for 2026-10-28.endive, has no such field.
REMOVED_IN_PINNED_VERSION: dict[str, tuple[str, ...]] = {"invoice": ("subscription",)}

# Optional fields that the pinned version defines but the example leaves out (the example fills
# only the required part of a sub-object). Each is in stripe-python 16.1.0's generated type:
# InvoicePayment.Payment.payment_intent ("ID of the PaymentIntent associated with this payment
# when `type` is `payment_intent`"). Without it the Invoice Payments API would name no payment.
OMITTED_BY_EXAMPLE: dict[str, tuple[str, ...]] = {"invoice_payment": ("payment.payment_intent",)}


@functools.cache
def _resources() -> dict[str, Any]:
    return json.loads(FIXTURES_FILE.read_text(encoding="utf-8"))["resources"]


def fixture(name: str) -> dict[str, Any]:
    """A deep copy of Stripe's example object of that type ("checkout.session", "invoice", …)."""
    obj = copy.deepcopy(_resources()[name])
    for field in REMOVED_IN_PINNED_VERSION.get(name, ()):
        obj.pop(field, None)
    return obj


def _allowed_extra(name: str, path: str) -> bool:
    return path in OMITTED_BY_EXAMPLE.get(name, ())


def fields_not_in_fixture(obj: Any, name: str) -> list[str]:
    """
    The dotted paths of `obj` that Stripe's example of `name` does not have (an empty list when
    `obj` is shaped as Stripe shapes it). Lists are checked item by item against the example's
    first item; where the example's value is null or an empty list, the field's contents cannot
    be checked against it and are accepted, as are the keys of `metadata` (the site's own).
    """
    template = fixture(name)
    problems: list[str] = []

    def walk(value: Any, example: Any, path: str) -> None:
        if isinstance(value, dict) and isinstance(example, dict):
            for key, item in value.items():
                child = f"{path}.{key}" if path else key
                if key == "metadata":
                    continue  # the site's own key-value pairs, free by design
                if key in example:
                    walk(item, example[key], child)
                elif not _allowed_extra(name, child):
                    problems.append(child)
        elif isinstance(value, list) and isinstance(example, list) and example:
            for item in value:
                walk(item, example[0], path + "[]")

    walk(obj, template, "")
    return problems
