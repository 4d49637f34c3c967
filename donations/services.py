"""Writes to gifts. Every change to a gift that can move the meter goes through gift_save()."""

import hashlib
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from campaign.models import CampaignDonor, Tally

from .models import Gift

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


def _donor_delta(*, campaign_id: int, donor_key: str, change: int) -> int:
    """Count the donor's gifts in the campaign up or down; return how donor_count moves (-1, 0, +1)."""
    if change > 0:
        donor, _ = CampaignDonor.objects.select_for_update().get_or_create(campaign_id=campaign_id, donor_key=donor_key)
        CampaignDonor.objects.filter(pk=donor.pk).update(gift_count=F("gift_count") + 1)
        return 1 if donor.gift_count == 0 else 0
    donor = CampaignDonor.objects.select_for_update().filter(campaign_id=campaign_id, donor_key=donor_key).first()
    if donor is None or donor.gift_count == 0:
        return 0
    CampaignDonor.objects.filter(pk=donor.pk).update(gift_count=F("gift_count") - 1)
    return -1 if donor.gift_count == 1 else 0


def _contribution(gift: Gift, counted: int) -> dict[str, int]:
    return {
        "raised_cents": counted,
        "online_cents": counted if gift.source == Gift.Source.ONLINE else 0,
        "offline_cents": counted if gift.source not in (Gift.Source.ONLINE, Gift.Source.PLEDGE) else 0,
        "pledged_cents": counted if gift.source == Gift.Source.PLEDGE else 0,
        "gift_count": 1 if counted > 0 else 0,
    }


def _tally_targets(gift: Gift) -> list[tuple[int, int | None]]:
    """The tallies a gift counts in: its campaign's, and its designation's if it has one."""
    targets = [(gift.campaign_id, None)]
    if gift.designation_id:
        targets.append((gift.campaign_id, gift.designation_id))
    return targets


@transaction.atomic
def gift_save(gift: Gift) -> Gift:
    """
    Save a gift and move its campaign's tallies by exactly the change in what it counts.

    The previous state is read under a row lock, so two concurrent changes to one gift (a webhook
    and the thank-you page, say) are applied one after the other and never both counted.
    """
    previous = None
    if gift.pk:
        previous = Gift.objects.select_for_update().filter(pk=gift.pk).first()
    if previous is None and gift.pk is None:
        gift.save()  # a pk first: an anonymous offline gift's donor key is derived from it

    counted = gift_counted_cents(gift)
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

    # A gift whose donor and campaign stay the same keeps its place in the donor count.
    if len(donor_moves) == 2 and donor_moves[0][:2] == donor_moves[1][:2]:
        donor_moves = []
    for campaign_id, key, change in donor_moves:
        deltas[(campaign_id, None)]["donor_count"] += _donor_delta(
            campaign_id=campaign_id, donor_key=key, change=change
        )

    for (campaign_id, designation_id), values in sorted(deltas.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        _tally_add(campaign_id=campaign_id, designation_id=designation_id, deltas=dict(values))

    gift.counted_cents = counted
    gift.counted_donor_key = donor_key
    gift.save()
    return gift
