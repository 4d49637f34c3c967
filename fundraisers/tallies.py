"""
The only writer of FundraiserTally: donations.services.tallies.gift_save decides what a gift counts
(the one money rule) and calls this in the gift's transaction; nothing else writes the rows.
"""

from django.utils import timezone

from core.counters import counters_add

from .models import FundraiserTally


def fundraiser_tally_add(*, fundraiser_id: int, deltas: dict[str, int]) -> None:
    """Move a fundraiser's tally by `deltas` (creating the row on first use); the update takes the row lock."""
    counters_add(model=FundraiserTally, lookup={"fundraiser_id": fundraiser_id}, deltas=deltas)


def fundraiser_tallies_store(*, totals: dict[int, dict[str, int]]) -> None:
    """Set fundraisers' tallies to recomputed values: {fundraiser id: values}."""
    now = timezone.now()
    for fundraiser_id, values in totals.items():
        FundraiserTally.objects.update_or_create(fundraiser_id=fundraiser_id, defaults={**values, "updated_at": now})
