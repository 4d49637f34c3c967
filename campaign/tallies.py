"""
The only writer of the meter's stored totals (Tally, CampaignDonor): this app owns those tables,
so the SQL that names them lives here. donations decides what a gift counts (its services.tallies)
and calls these functions; nothing else writes the rows.
"""

import random
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Sum
from django.utils import timezone

from .models import CampaignDonor, Tally

# The counters a Tally row carries (all summed over its stripes by the readers).
TALLY_COUNTERS = (
    "raised_cents",
    "online_cents",
    "offline_cents",
    "pledged_cents",
    "gift_count",
    "donor_count",
    "matched_cents",
)


def _stripes_create(*, campaign_id: int, designation_id: int | None) -> None:
    """Every stripe row of a total at once (on its first gift): later payments only UPDATE."""
    Tally.objects.bulk_create(
        [
            Tally(campaign_id=campaign_id, designation_id=designation_id, stripe=stripe)
            for stripe in range(settings.TALLY_STRIPES)
        ],
        ignore_conflicts=True,
    )


def tally_add(*, campaign_id: int, designation_id: int | None, deltas: dict[str, int]) -> None:
    """
    Move one stripe of a total by `deltas` (creating the stripes on first use). On PostgreSQL
    the stripe is the first one, from a random start, that no other transaction holds
    (FOR UPDATE SKIP LOCKED, in the UPDATE itself: one round trip), so two payments to one
    campaign wait on each other only when every stripe is held; then (or on SQLite, which
    serialises writers anyway) the random stripe is updated and its lock waited for.
    The lock order across a payment stays the same (fundraiser, campaign, designation), and
    a payment takes one stripe of each total, so striping adds no deadlock.
    """
    deltas = {name: value for name, value in deltas.items() if value}
    if not deltas:
        return
    sets = ", ".join(f"{connection.ops.quote_name(name)} = {connection.ops.quote_name(name)} + %s" for name in deltas)
    values: list[Any] = [*deltas.values(), timezone.now()]
    which = "designation_id = %s" if designation_id is not None else "designation_id IS NULL"
    keys = [campaign_id] + ([designation_id] if designation_id is not None else [])
    start = random.randrange(settings.TALLY_STRIPES)  # noqa: S311 (spreads load, guards nothing)
    # Only column names and the two fixed WHERE forms are formatted in; every value is bound.
    skip_locked = (
        f"UPDATE campaign_tally SET {sets}, updated_at = %s WHERE id = (SELECT id FROM campaign_tally "  # noqa: S608
        f"WHERE campaign_id = %s AND {which} ORDER BY stripe < %s, stripe LIMIT 1 FOR UPDATE SKIP LOCKED)"
    )
    one = f"UPDATE campaign_tally SET {sets}, updated_at = %s WHERE campaign_id = %s AND {which} AND stripe = %s"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(skip_locked, [*values, *keys, start])
            if cursor.rowcount == 1:
                return
        cursor.execute(one, [*values, *keys, start])
        if cursor.rowcount == 1:
            return
    # No stripes yet (the total's first gift), or fewer than TALLY_STRIPES now says.
    _stripes_create(campaign_id=campaign_id, designation_id=designation_id)
    with connection.cursor() as cursor:
        cursor.execute(one, [*values, *keys, start])


# --- Reading: always the sum of the stripes, in one query whatever their number ----------------------------------


@dataclass(frozen=True)
class TallyTotals:
    """A total as the meter reads it: its stripes summed."""

    campaign_id: int
    designation_id: int | None
    raised_cents: int = 0
    online_cents: int = 0
    offline_cents: int = 0
    pledged_cents: int = 0
    gift_count: int = 0
    donor_count: int = 0
    matched_cents: int = 0
    updated_at: Any = None


_SUMS = {**{name: Sum(name) for name in TALLY_COUNTERS}, "updated_at": Max("updated_at")}


def _totals(row: dict) -> TallyTotals:
    return TallyTotals(
        campaign_id=row["campaign_id"],
        designation_id=row["designation_id"],
        **{name: row[name] or 0 for name in TALLY_COUNTERS},
        updated_at=row["updated_at"],
    )


def tallies_summed(**filters) -> list[TallyTotals]:
    """Every (campaign, designation) total matching `filters` (Tally lookups), stripes summed: one query."""
    rows = (
        Tally.objects.filter(**filters)
        .values("campaign_id", "designation_id")
        .annotate(**_SUMS, stripes=Count("pk"))
        .order_by()
    )
    return [_totals(row) for row in rows]


def tally_totals(*, campaign, designation=None) -> TallyTotals | None:
    """A campaign's whole total (designation None) or a designation's; None before its first gift. One query."""
    lookup = {"campaign": campaign}
    lookup.update({"designation": designation} if designation is not None else {"designation__isnull": True})
    found = tallies_summed(**lookup)
    return found[0] if found else None


# One statement each way (an upsert, a guarded decrement), each taking the row lock itself:
# this runs for every payment, and a round trip saved here is one saved per gift.
# (PostgreSQL and SQLite alike; the table is CampaignDonor's.)
DONOR_ADD_SQL = (
    "INSERT INTO campaign_campaigndonor (campaign_id, donor_key, gift_count) VALUES (%s, %s, 1) "
    "ON CONFLICT (campaign_id, donor_key) DO UPDATE SET gift_count = campaign_campaigndonor.gift_count + 1 "
    "RETURNING gift_count"
)


DONOR_REMOVE_SQL = (
    "UPDATE campaign_campaigndonor SET gift_count = gift_count - 1 "
    "WHERE campaign_id = %s AND donor_key = %s AND gift_count > 0 RETURNING gift_count"
)


def donor_count_move(*, campaign_id: int, donor_key: str, change: int) -> int:
    """Count the donor's gifts in the campaign up or down; return how donor_count moves (-1, 0, +1)."""
    with connection.cursor() as cursor:
        cursor.execute(DONOR_ADD_SQL if change > 0 else DONOR_REMOVE_SQL, [campaign_id, donor_key])
        row = cursor.fetchone()
    if change > 0:
        return 1 if row[0] == 1 else 0
    return -1 if row is not None and row[0] == 0 else 0


def tallies_store(*, campaign_id: int, rows: dict[int | None, dict[str, int]]) -> None:
    """
    Set totals to recomputed values, {designation id: values}: the whole value in stripe 0, the
    other stripes zeroed (the caller holds their locks: tally_recompute).
    """
    now = timezone.now()
    for designation_id, values in rows.items():
        stripes = Tally.objects.filter(campaign_id=campaign_id, designation_id=designation_id)
        stripes.exclude(stripe=0).update(updated_at=now, **dict.fromkeys(TALLY_COUNTERS, 0))
        if not stripes.filter(stripe=0).update(updated_at=now, **values):
            Tally.objects.create(
                campaign_id=campaign_id, designation_id=designation_id, stripe=0, updated_at=now, **values
            )


def donors_store(
    *, campaign_id: int, creates: list[tuple[str, int]], updates: list[tuple[int, int]], chunk_size: int
) -> None:
    """Create donor rows (donor key, gift count) and correct others (row pk, gift count)."""
    for start in range(0, len(creates), chunk_size):
        CampaignDonor.objects.bulk_create(
            CampaignDonor(campaign_id=campaign_id, donor_key=key, gift_count=count)
            for key, count in creates[start : start + chunk_size]
        )
    CampaignDonor.objects.bulk_update(
        [CampaignDonor(pk=pk, gift_count=count) for pk, count in updates], ["gift_count"], batch_size=chunk_size
    )
