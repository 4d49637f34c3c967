"""Stripe's example objects (the fake's shapes), form-encoded request bodies decoded, and a recorded request."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

FIXTURES_PATH = Path("/work/shared/stripe/fixtures3.json")
_FIXTURES: dict[str, Any] | None = None


def fixture(name: str) -> dict[str, Any]:
    """A deep copy of Stripe's example object of that type ("checkout.session", "invoice", …)."""
    global _FIXTURES
    if _FIXTURES is None:
        _FIXTURES = json.loads(FIXTURES_PATH.read_text())["resources"]
    return copy.deepcopy(_FIXTURES[name])


def decode_form(text: str) -> dict[str, Any]:
    """Stripe's form encoding (`line_items[0][price_data][currency]=usd`) back into nested data."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(text or "", keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node: Any = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            nxt = None if last else parts[index + 1]
            container: Any = [] if nxt is not None and nxt.isdigit() else {}
            if isinstance(node, list):
                position = int(part)
                while len(node) <= position:
                    node.append(None)
                if last:
                    node[position] = value
                else:
                    if node[position] is None:
                        node[position] = container
                    node = node[position]
            else:
                if last:
                    node[part] = value
                else:
                    node = node.setdefault(part, container)
    return root


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None
    headers: dict[str, str] = field(repr=False, default_factory=dict)
