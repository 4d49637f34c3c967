"""
The only writer of FundraiserTally: donations.services.tallies.gift_save decides what a gift counts
(the one money rule) and calls this in the gift's transaction; nothing else writes the rows.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import FundraiserTally


def fundraiser_tally_add(*, fundraiser_id: int, deltas: dict[str, int]) -> None:
    """Move a fundraiser's tally by `deltas` (creating the row on first use); the update takes the row lock."""
    if not any(deltas.values()):
        return
    updates = {name: F(name) + value for name, value in deltas.items() if value}
    updates["updated_at"] = timezone.now()
    rows = FundraiserTally.objects.filter(fundraiser_id=fundraiser_id)
    if rows.update(**updates):
        return
    try:
        with transaction.atomic():
            FundraiserTally.objects.create(fundraiser_id=fundraiser_id)
    except IntegrityError:
        pass  # another transaction created it first; the update below waits for its lock
    rows.update(**updates)


def fundraiser_tallies_store(*, totals: dict[int, dict[str, int]]) -> None:
    """Set fundraisers' tallies to recomputed values: {fundraiser id: values}."""
    now = timezone.now()
    for fundraiser_id, values in totals.items():
        FundraiserTally.objects.update_or_create(fundraiser_id=fundraiser_id, defaults={**values, "updated_at": now})
