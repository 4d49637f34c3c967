"""
The meter's money rule, written once: what a gift counts and for which donor, gift_save (every
change to a gift that can move the meter goes through it) and the rebuild from the gifts.
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from campaign import tallies
from campaign.models import Campaign, CampaignDonor, Tally
from core.cache import pages_invalidate_on_commit
from fundraisers import tallies as fundraiser_tallies
from fundraisers.models import FundraiserTally

from ..models import Gift
from .matching import gift_match_plan, pot_move_apply


def gift_counted_cents(gift: Gift) -> int:
    """
    What a gift contributes to its campaign's total, the one rule for it: the gift net of refunds
    (a refund comes out of the gift), never below zero; the fee the donor covered is never
    counted, before or after a refund. A $100 gift with a $3.30 covered fee, refunded $40,
    counts $60. Pending, failed, expired, fully refunded and disputed gifts count nothing.
    """
    if gift.status not in Gift.COUNTED_STATUSES:
        return 0
    return max(0, gift.amount_cents - gift.refunded_cents)


def gift_donor_key(gift: Gift) -> str:
    """A stable, non-reversible key for "the same donor" within a campaign."""
    if gift.donor_email:
        basis = "email:" + gift.donor_email.strip().lower()
    elif gift.donor_name:
        basis = "name:" + " ".join(gift.donor_name.lower().split())
    else:
        basis = f"gift:{gift.pk}"
    return hashlib.sha256(basis.encode()).hexdigest()


def _contribution(gift: Gift, counted: int) -> dict[str, int]:
    return {
        "raised_cents": counted,
        "online_cents": counted if gift.source == Gift.Source.ONLINE else 0,
        "offline_cents": counted if gift.source not in (Gift.Source.ONLINE, Gift.Source.PLEDGE) else 0,
        "pledged_cents": counted if gift.source == Gift.Source.PLEDGE else 0,
        "gift_count": 1 if counted > 0 else 0,
        "matched_cents": gift.matched_cents if counted > 0 else 0,
    }


def _public_view(gift: Gift, *, counted: int, donor_key: str) -> tuple | None:
    """What the public pages show of a gift (meter, donor count, donor wall); None if it counts nothing."""
    if counted <= 0:
        return None
    return (
        *(gift.campaign_id, gift.designation_id, counted, donor_key, gift.source, gift.frequency),
        *(
            gift.display_name,
            gift.is_anonymous,
            gift.message,
            gift.message_status,
            gift.paid_at,
            gift.created_at,
            gift.fundraiser_id,
        ),
    )


def _tally_targets(gift: Gift) -> list[tuple[int, int | None]]:
    """The tallies a gift counts in: its campaign's, and its designation's if it has one."""
    targets = [(gift.campaign_id, None)]
    if gift.designation_id:
        targets.append((gift.campaign_id, gift.designation_id))
    return targets


# Receipt numbers, "R<year>-<serial>": unique (the database's unique constraint on (receipt_year,
# receipt_serial) is the guarantee), one series a year, given when a gift is first paid.
#
# On PostgreSQL the serial comes from a SEQUENCE per year (nextval: no row lock, so no payment of
# any campaign waits on another for its number). The price is gaps: a payment rolled back after
# taking its number does not give it back, so the series can skip a number (a failed delivery that
# Stripe then redelivers takes a new one). Gaps are allowed on US receipts (IRS Publication 1771
# asks for a written acknowledgment, not a gap-free series); uniqueness is what must hold, and
# staff's exports list every number given. README, "Receipts", says so for the auditors.
# Numbers follow commit order only roughly (two payments committing together may swap).
#
# On SQLite (one writer at a time anyway) the year's ReceiptSequence row is moved instead, in the
# payment's transaction: no gaps there. The row is also where a year's PostgreSQL sequence starts
# from when it is first created (after the greatest serial of the year already given).
_RECEIPT_NEXT_SQL = (
    "INSERT INTO donations_receiptsequence (year, last) VALUES (%s, 1) "
    "ON CONFLICT (year) DO UPDATE SET last = donations_receiptsequence.last + 1 RETURNING last"
)

_RECEIPT_STORE_SQL = "UPDATE donations_gift SET receipt_year = %s, receipt_serial = %s WHERE id = %s"

# PostgreSQL: the number is taken and written to the saved gift in one statement.
_RECEIPT_NEXTVAL_AND_STORE_SQL = (
    "UPDATE donations_gift SET receipt_year = %s, receipt_serial = nextval(%s::regclass) WHERE id = %s "
    "RETURNING receipt_serial"
)

# Years whose sequence this process has seen committed (one check per process and year after that).
_receipt_sequences_known: set[int] = set()


def _receipt_sequence_name(year: int) -> str:
    return f"donations_receipt_serial_{int(year):04d}"


def _receipt_sequence_ensure(cursor, year: int) -> None:
    """
    Create the year's sequence if it does not exist yet: under a transaction-scoped advisory lock,
    so two first payments of a year never both create it (the second waits for the first to
    commit, then finds it). It starts after every serial of that year already given.
    """
    name = _receipt_sequence_name(year)
    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x52454354, year])  # "RECT", the year
    cursor.execute(
        "SELECT to_regclass(%s) IS NOT NULL, GREATEST("
        "(SELECT MAX(receipt_serial) FROM donations_gift WHERE receipt_year = %s), "
        "(SELECT last FROM donations_receiptsequence WHERE year = %s), 0)",
        [name, year, year],
    )
    exists, last = cursor.fetchone()
    if not exists:
        cursor.execute(f"CREATE SEQUENCE {name} AS integer START WITH {int(last) + 1} MINVALUE 1")
    transaction.on_commit(lambda: _receipt_sequences_known.add(year))


def _receipt_number_due(gift: Gift) -> bool:
    """A gift paid for the first time takes the next number of its year: never at checkout, never twice."""
    if gift.receipt_serial or gift.paid_at is None or gift.is_pledge:
        return False
    return gift.status in Gift.SETTLED_STATUSES


def _receipt_number_assign(gift: Gift) -> None:
    """
    Give the saved gift its receipt number: the last statement of the payment. On SQLite the
    year's sequence row is one for the whole site, locked to the commit; on PostgreSQL nextval
    locks nothing (see above).
    """
    year = timezone.localtime(gift.paid_at).year
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if year not in _receipt_sequences_known:
                _receipt_sequence_ensure(cursor, year)
            cursor.execute(_RECEIPT_NEXTVAL_AND_STORE_SQL, [year, _receipt_sequence_name(year), gift.pk])
            serial = cursor.fetchone()[0]
        else:
            cursor.execute(_RECEIPT_NEXT_SQL, [year])
            serial = cursor.fetchone()[0]
            cursor.execute(_RECEIPT_STORE_SQL, [year, serial, gift.pk])
    gift.receipt_year, gift.receipt_serial = year, serial


# No savepoint: nothing catches an error from here and carries on in the same transaction, and
# this runs for every payment (a savepoint is two more round trips to the database).
@transaction.atomic(savepoint=False)
def gift_save(gift: Gift, *, locked_previous: Gift | None = None) -> Gift:
    """
    Save a gift and move its campaign's tallies by exactly the change in what it counts, and the
    tally of the fundraiser it was given through (a soft credit) by the same amount.

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
    previous_counted = previous.counted_cents if previous is not None else 0
    pot_move = None
    if counted != previous_counted or gift.match_challenge_id is not None:
        # The match as planned (the whole of it); the pot itself is moved just before the tally.
        pot_move = gift_match_plan(gift=gift, previous_counted=previous_counted, counted=counted, donor_key=donor_key)

    deltas: dict[tuple[int, int | None], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    fundraiser_deltas: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    donor_moves: list[tuple[int, str, int]] = []
    if previous is not None and previous.counted_cents > 0:
        for target in _tally_targets(previous):
            for name, value in _contribution(previous, previous.counted_cents).items():
                deltas[target][name] -= value
        donor_moves.append((previous.campaign_id, previous.counted_donor_key, -1))
        if previous.fundraiser_id:
            fundraiser_deltas[previous.fundraiser_id]["raised_cents"] -= previous.counted_cents
            fundraiser_deltas[previous.fundraiser_id]["gift_count"] -= 1
    if counted > 0:
        for target in _tally_targets(gift):
            for name, value in _contribution(gift, counted).items():
                deltas[target][name] += value
        donor_moves.append((gift.campaign_id, donor_key, +1))
        if gift.fundraiser_id:
            fundraiser_deltas[gift.fundraiser_id]["raised_cents"] += counted
            fundraiser_deltas[gift.fundraiser_id]["gift_count"] += 1

    before = None
    if previous is not None:
        before = _public_view(previous, counted=previous.counted_cents, donor_key=previous.counted_donor_key)
    if before != _public_view(gift, counted=counted, donor_key=donor_key):
        pages_invalidate_on_commit(figures=True)

    numbering = _receipt_number_due(gift)
    # The gift first, then its donor, the campaign's tally stripes, the receipt number and the pot:
    # the rows many payments lock come last, the most shared last of all, each held the shortest time.
    gift.counted_cents = counted
    gift.counted_donor_key = donor_key
    gift.save()

    # A gift whose donor and campaign stay the same keeps its place in the donor count.
    if len(donor_moves) == 2 and donor_moves[0][:2] == donor_moves[1][:2]:
        donor_moves = []
    for campaign_id, key, change in donor_moves:
        deltas[(campaign_id, None)]["donor_count"] += tallies.donor_count_move(
            campaign_id=campaign_id, donor_key=key, change=change
        )

    # A fundraiser's row before the campaign's: fewer payments wait on it, so it is locked first.
    for fundraiser_id, values in sorted(fundraiser_deltas.items()):
        fundraiser_tallies.fundraiser_tally_add(fundraiser_id=fundraiser_id, deltas=dict(values))
    # The campaign's tallies: striped, a payment takes a stripe no one holds (campaign.tallies).
    ordered = sorted(deltas.items(), key=lambda item: (item[0][0], item[0][1] or 0))
    for (campaign_id, designation_id), values in ordered:
        tallies.tally_add(campaign_id=campaign_id, designation_id=designation_id, deltas=dict(values))
    if numbering:
        _receipt_number_assign(gift)  # a sequence on PostgreSQL: no lock
    # The sponsor's pot, one row every matched payment of the challenge locks: drawn last, so it
    # is held only from its UPDATE to the commit (scripts/profile_webhook.py: drawn before the
    # tally and the receipt number it was held about twice as long; drawn first, 3x). When the pot
    # gives less than planned (only as it runs out), the tallies' matched money is corrected by
    # one more stripe update.
    if pot_move is not None:
        shortfall = pot_move_apply(gift=gift, move=pot_move)
        if shortfall and counted > 0:
            for campaign_id, designation_id in _tally_targets(gift):
                tallies.tally_add(
                    campaign_id=campaign_id, designation_id=designation_id, deltas={"matched_cents": -shortfall}
                )
    return gift


def _settled_status(gift: Gift) -> str:
    if gift.refunded_cents <= 0:
        return Gift.Status.SUCCEEDED
    if gift.refunded_cents >= gift.total_cents:
        return Gift.Status.REFUNDED
    return Gift.Status.PARTIALLY_REFUNDED


# --- The rebuild from the gifts --------------------------------------------------------------------------------

# The counters a tally row carries, as campaign.tallies (their only writer) names them.
# matched_cents is rebuilt from the gifts' own matched_cents: a match is decided once, at payment,
# from what the pot held then, so it cannot be derived again from the gifts' amounts.
TALLY_FIELDS = tallies.TALLY_COUNTERS


@dataclass
class TallyDrift:
    campaign_id: int
    campaign_title: str
    designation_id: int | None
    designation_name: str
    old: dict[str, int]
    new: dict[str, int]

    @property
    def changed_fields(self) -> list[str]:
        return [name for name in TALLY_FIELDS if self.old.get(name, 0) != self.new.get(name, 0)]


@dataclass
class TallyReport:
    gifts_read: int = 0
    gifts_fixed: int = 0  # gifts whose recorded contribution (counted_cents / donor key) was wrong
    donors_fixed: int = 0  # CampaignDonor rows created, corrected or removed
    fundraisers_fixed: int = 0  # FundraiserTally rows (soft credits) created or corrected
    drifts: list[TallyDrift] = field(default_factory=list)

    @property
    def has_drift(self) -> bool:
        return bool(self.drifts or self.gifts_fixed or self.donors_fixed or self.fundraisers_fixed)


def tally_recompute(
    *,
    campaign: Campaign,
    fix: bool,
    chunk_size: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> TallyReport:
    """
    Recompute a campaign's Tally and CampaignDonor rows from its gifts, using the same rules
    as gift_save (gift_counted_cents / gift_donor_key), and report every
    difference from what is stored. With fix=True, store the recomputed values.

    The campaign's tally rows are locked first (and the whole rebuild is one transaction), so a
    gift saved meanwhile either commits before the gifts are read, or waits and then adds its
    change on top of the rebuilt totals: nothing is lost or counted twice.
    """
    report = TallyReport()
    with transaction.atomic():
        # Every stripe locked (in one order), then summed: the stored totals as the meter reads them.
        list(Tally.objects.select_for_update().filter(campaign=campaign).order_by("pk").values_list("pk"))
        stored = {totals.designation_id: totals for totals in tallies.tallies_summed(campaign=campaign)}
        totals: dict[int | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(TALLY_FIELDS, 0))
        donor_gifts: dict[str, int] = defaultdict(int)
        fundraiser_totals: dict[int, dict[str, int]] = defaultdict(lambda: {"raised_cents": 0, "gift_count": 0})
        gift_fixes: list[Gift] = []

        gifts = Gift.objects.filter(campaign=campaign).order_by("pk")
        total = gifts.count()
        fields = ["pk", "campaign_id", "designation_id", "amount_cents", "fee_cents", "refunded_cents", "status"]
        fields += ["source", "donor_email", "donor_name", "counted_cents", "counted_donor_key", "fundraiser_id"]
        fields += ["matched_cents"]
        for gift in gifts.only(*fields).iterator(chunk_size=chunk_size):
            report.gifts_read += 1
            counted = gift_counted_cents(gift)
            donor_key = gift_donor_key(gift) if counted > 0 else ""
            if counted > 0:
                for _campaign_id, target in _tally_targets(gift):
                    for name, value in _contribution(gift, counted).items():
                        totals[target][name] += value
                donor_gifts[donor_key] += 1
                if gift.fundraiser_id:
                    fundraiser_totals[gift.fundraiser_id]["raised_cents"] += counted
                    fundraiser_totals[gift.fundraiser_id]["gift_count"] += 1
            if (gift.counted_cents, gift.counted_donor_key) != (counted, donor_key):
                gift.counted_cents, gift.counted_donor_key = counted, donor_key
                gift_fixes.append(gift)
            if progress and report.gifts_read % chunk_size == 0:
                progress(report.gifts_read, total)
        if progress:
            progress(report.gifts_read, total)
        totals[None]["donor_count"] = len(donor_gifts)

        report.gifts_fixed = len(gift_fixes)
        names = dict(campaign.designations.values_list("pk", "name"))
        for designation_id in sorted(set(totals) | set(stored), key=lambda key: (key is not None, key or 0)):
            new = dict(totals.get(designation_id) or dict.fromkeys(TALLY_FIELDS, 0))
            row = stored.get(designation_id)
            old = {name: getattr(row, name) for name in TALLY_FIELDS} if row else dict.fromkeys(TALLY_FIELDS, 0)
            if old != new:
                report.drifts.append(
                    TallyDrift(
                        campaign_id=campaign.pk,
                        campaign_title=campaign.title,
                        designation_id=designation_id,
                        designation_name=names.get(designation_id, "") if designation_id else "",
                        old=old,
                        new=new,
                    )
                )

        # Plain tuples, not model instances: a campaign with a million gifts has hundreds of
        # thousands of donors, and an instance each would cost several hundred megabytes.
        stored_donors = {
            key: (pk, count)
            for pk, key, count in CampaignDonor.objects.select_for_update()
            .filter(campaign=campaign)
            .order_by("pk")
            .values_list("pk", "donor_key", "gift_count")
        }
        donor_creates = [(key, count) for key, count in donor_gifts.items() if key not in stored_donors]
        donor_updates = [
            (pk, donor_gifts.get(key, 0))
            for key, (pk, count) in stored_donors.items()
            if count != donor_gifts.get(key, 0)
        ]
        report.donors_fixed = len(donor_creates) + len(donor_updates)

        stored_fundraisers = {
            fundraiser_id: {"raised_cents": raised, "gift_count": count}
            for fundraiser_id, raised, count in FundraiserTally.objects.select_for_update()
            .filter(fundraiser__campaign=campaign)
            .order_by("pk")
            .values_list("fundraiser_id", "raised_cents", "gift_count")
        }
        empty = {"raised_cents": 0, "gift_count": 0}
        fundraiser_fixes = {
            fundraiser_id: fundraiser_totals.get(fundraiser_id, empty)
            for fundraiser_id in set(fundraiser_totals) | set(stored_fundraisers)
            if fundraiser_totals.get(fundraiser_id, empty) != stored_fundraisers.get(fundraiser_id, empty)
        }
        report.fundraisers_fixed = len(fundraiser_fixes)

        if not fix:
            return report

        tallies.tallies_store(
            campaign_id=campaign.pk,
            rows={drift.designation_id: drift.new for drift in report.drifts},
        )
        Gift.objects.bulk_update(gift_fixes, ["counted_cents", "counted_donor_key"], batch_size=chunk_size)
        tallies.donors_store(
            campaign_id=campaign.pk,
            creates=donor_creates,
            updates=donor_updates,
            chunk_size=chunk_size,
        )
        fundraiser_tallies.fundraiser_tallies_store(totals=fundraiser_fixes)
        if report.has_drift:
            pages_invalidate_on_commit(figures=True)
        # Donors with no counted gift left are kept at zero: gift_save treats a zero row as "not a donor".
    return report
