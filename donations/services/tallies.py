"""
The meter's money rule, written once: what a gift counts and for which donor, gift_save (every
change to a gift that can move the meter goes through it) and the rebuild from the gifts.
"""

import hashlib
from collections import defaultdict

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from campaign.models import Tally
from core.cache import pages_invalidate_on_commit

from ..models import Gift

COUNTED_STATUSES = frozenset({Gift.Status.SUCCEEDED, Gift.Status.PARTIALLY_REFUNDED})


def gift_counted_cents(gift: Gift) -> int:
    """
    What a gift contributes to its campaign's total: the gift net of refunds, without the fee
    the donor covered (a refund is taken from the covered fee first). Pending, failed, expired,
    fully refunded and disputed gifts count nothing.
    """
    if gift.status not in COUNTED_STATUSES:
        return 0
    refunded_beyond_fee = max(0, gift.refunded_cents - gift.fee_cents)
    return max(0, gift.amount_cents - refunded_beyond_fee)


def gift_donor_key(gift: Gift) -> str:
    """A stable, non-reversible key for "the same donor" within a campaign."""
    if gift.donor_email:
        basis = "email:" + gift.donor_email.strip().lower()
    elif gift.donor_name:
        basis = "name:" + " ".join(gift.donor_name.lower().split())
    else:
        basis = f"gift:{gift.pk}"
    return hashlib.sha256(basis.encode()).hexdigest()


def _tally_add(*, campaign_id: int, designation_id: int | None, deltas: dict[str, int]) -> None:
    if not any(deltas.values()):
        return
    updates = {name: F(name) + value for name, value in deltas.items() if value}
    updates["updated_at"] = timezone.now()
    rows = Tally.objects.filter(campaign_id=campaign_id, designation_id=designation_id)
    if rows.update(**updates):
        return
    try:
        with transaction.atomic():
            Tally.objects.create(campaign_id=campaign_id, designation_id=designation_id)
    except IntegrityError:
        pass  # another transaction created it first; the update below waits for its lock
    rows.update(**updates)


# One statement each way (an upsert, a guarded decrement), each taking the row lock itself:
# this runs for every payment, and a round trip saved here is one saved per gift.
# (PostgreSQL and SQLite alike; the table is CampaignDonor's.)
_DONOR_ADD_SQL = (
    "INSERT INTO campaign_campaigndonor (campaign_id, donor_key, gift_count) VALUES (%s, %s, 1) "
    "ON CONFLICT (campaign_id, donor_key) DO UPDATE SET gift_count = campaign_campaigndonor.gift_count + 1 "
    "RETURNING gift_count"
)


_DONOR_REMOVE_SQL = (
    "UPDATE campaign_campaigndonor SET gift_count = gift_count - 1 "
    "WHERE campaign_id = %s AND donor_key = %s AND gift_count > 0 RETURNING gift_count"
)


def _donor_delta(*, campaign_id: int, donor_key: str, change: int) -> int:
    """Count the donor's gifts in the campaign up or down; return how donor_count moves (-1, 0, +1)."""
    with connection.cursor() as cursor:
        cursor.execute(_DONOR_ADD_SQL if change > 0 else _DONOR_REMOVE_SQL, [campaign_id, donor_key])
        row = cursor.fetchone()
    if change > 0:
        return 1 if row[0] == 1 else 0
    return -1 if row is not None and row[0] == 0 else 0


def _contribution(gift: Gift, counted: int) -> dict[str, int]:
    return {
        "raised_cents": counted,
        "online_cents": counted if gift.source == Gift.Source.ONLINE else 0,
        "offline_cents": counted if gift.source not in (Gift.Source.ONLINE, Gift.Source.PLEDGE) else 0,
        "pledged_cents": counted if gift.source == Gift.Source.PLEDGE else 0,
        "gift_count": 1 if counted > 0 else 0,
    }


def _public_view(gift: Gift, *, counted: int, donor_key: str) -> tuple | None:
    """What the public pages show of a gift (meter, donor count, donor wall); None if it counts nothing."""
    if counted <= 0:
        return None
    return (
        *(gift.campaign_id, gift.designation_id, counted, donor_key, gift.source, gift.frequency),
        *(gift.display_name, gift.is_anonymous, gift.message, gift.paid_at, gift.created_at),
    )


def _tally_targets(gift: Gift) -> list[tuple[int, int | None]]:
    """The tallies a gift counts in: its campaign's, and its designation's if it has one."""
    targets = [(gift.campaign_id, None)]
    if gift.designation_id:
        targets.append((gift.campaign_id, gift.designation_id))
    return targets


# No savepoint: nothing catches an error from here and carries on in the same transaction, and
# this runs for every payment (a savepoint is two more round trips to the database).
@transaction.atomic(savepoint=False)
def gift_save(gift: Gift, *, locked_previous: Gift | None = None) -> Gift:
    """
    Save a gift and move its campaign's tallies by exactly the change in what it counts.

    The previous state is read under a row lock, so two concurrent changes to one gift (a webhook
    and the thank-you page, say) are applied one after the other and never both counted. A caller
    that has itself just read the row with select_for_update, in the transaction still open, may
    pass an unchanged copy of it as `locked_previous` instead of having it read again.
    """
    previous = locked_previous
    if gift.pk and previous is None:
        previous = Gift.objects.select_for_update().filter(pk=gift.pk).first()
    counted = gift_counted_cents(gift)
    if gift.pk is None and counted > 0 and not (gift.donor_email or gift.donor_name):
        gift.save()  # a pk first: a nameless gift's donor key is derived from it
    donor_key = gift_donor_key(gift) if counted > 0 else ""

    deltas: dict[tuple[int, int | None], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    donor_moves: list[tuple[int, str, int]] = []
    if previous is not None and previous.counted_cents > 0:
        for target in _tally_targets(previous):
            for name, value in _contribution(previous, previous.counted_cents).items():
                deltas[target][name] -= value
        donor_moves.append((previous.campaign_id, previous.counted_donor_key, -1))
    if counted > 0:
        for target in _tally_targets(gift):
            for name, value in _contribution(gift, counted).items():
                deltas[target][name] += value
        donor_moves.append((gift.campaign_id, donor_key, +1))

    before = None
    if previous is not None:
        before = _public_view(previous, counted=previous.counted_cents, donor_key=previous.counted_donor_key)
    if before != _public_view(gift, counted=counted, donor_key=donor_key):
        pages_invalidate_on_commit(figures=True)

    # The gift first, then its donor, then the campaign-wide tally: the tally row is the one every
    # payment to the campaign locks, so it is locked last and held for the shortest time.
    gift.counted_cents = counted
    gift.counted_donor_key = donor_key
    gift.save()

    # A gift whose donor and campaign stay the same keeps its place in the donor count.
    if len(donor_moves) == 2 and donor_moves[0][:2] == donor_moves[1][:2]:
        donor_moves = []
    for campaign_id, key, change in donor_moves:
        deltas[(campaign_id, None)]["donor_count"] += _donor_delta(
            campaign_id=campaign_id, donor_key=key, change=change
        )

    for (campaign_id, designation_id), values in sorted(deltas.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        _tally_add(campaign_id=campaign_id, designation_id=designation_id, deltas=dict(values))
    return gift


SETTLED_STATUSES = frozenset(
    {Gift.Status.SUCCEEDED, Gift.Status.PARTIALLY_REFUNDED, Gift.Status.REFUNDED, Gift.Status.DISPUTED}
)


def _settled_status(gift: Gift) -> str:
    if gift.refunded_cents <= 0:
        return Gift.Status.SUCCEEDED
    if gift.refunded_cents >= gift.total_cents:
        return Gift.Status.REFUNDED
    return Gift.Status.PARTIALLY_REFUNDED
