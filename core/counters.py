"""
Stored running totals (the meter's Tally, a fundraiser's FundraiserTally): one row of integer
counters per key, moved in place by a single UPDATE, so concurrent payments never lose a count.
"""

from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone


def counters_add(*, model: type[models.Model], lookup: dict[str, Any], deltas: dict[str, int]) -> None:
    """
    Move the counters of `model`'s row for `lookup` by `deltas` (creating the row on first use;
    the row has an `updated_at`). The UPDATE takes the row lock itself: one round trip when the
    row exists, which it does after a campaign's or a page's first gift.
    """
    if not any(deltas.values()):
        return
    updates: dict[str, Any] = {name: F(name) + value for name, value in deltas.items() if value}
    updates["updated_at"] = timezone.now()
    rows = model._default_manager.filter(**lookup)
    if rows.update(**updates):
        return
    try:
        with transaction.atomic():
            model._default_manager.create(**lookup)
    except IntegrityError:
        pass  # another transaction created it first; the update below waits for its lock
    rows.update(**updates)
