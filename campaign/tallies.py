"""
The only writer of the meter's stored totals (Tally, CampaignDonor): this app owns those tables,
so the SQL that names them lives here. donations decides what a gift counts (its services.tallies)
and calls these functions; nothing else writes the rows.
"""

from django.db import connection
from django.utils import timezone

from core.counters import counters_add

from .models import CampaignDonor, Tally


def tally_add(*, campaign_id: int, designation_id: int | None, deltas: dict[str, int]) -> None:
    """Move one tally row by `deltas` (creating the row on first use); the row lock is taken by the update."""
    counters_add(model=Tally, lookup={"campaign_id": campaign_id, "designation_id": designation_id}, deltas=deltas)


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


def tallies_store(*, campaign_id: int, rows: dict[int | None, tuple[int | None, dict[str, int]]]) -> None:
    """Set tally rows to recomputed values: {designation id: (existing row pk or None, values)}."""
    now = timezone.now()
    for designation_id, (pk, values) in rows.items():
        if pk is None:
            Tally.objects.create(campaign_id=campaign_id, designation_id=designation_id, updated_at=now, **values)
        else:
            Tally.objects.filter(pk=pk).update(updated_at=now, **values)


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
