"""Writes for campaigns and updates, and the rebuild of the meter's tallies from the gifts."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core.cache import pages_invalidate_on_commit
from donations.models import Gift
from donations.services import gift_counted_cents, gift_donor_key

from . import images
from .models import Campaign, CampaignDonor, Tally, Update


def _refresh_renditions(*, file_field, current: dict) -> dict | None:
    """New renditions when the image changed, {} when it was removed, None when unchanged."""
    name = file_field.name or ""
    if name == (current or {}).get("source", ""):
        return None
    images.renditions_delete(current)
    if not name:
        return {}
    return images.renditions_build(source_name=name, storage=file_field.storage)


@transaction.atomic
def campaign_save(*, campaign: Campaign) -> Campaign:
    """Save a campaign; write its hero image's web sizes when the image changed."""
    campaign.save()
    renditions = _refresh_renditions(file_field=campaign.hero_image, current=campaign.hero_renditions)
    if renditions is not None:
        campaign.hero_renditions = renditions
        campaign.__dict__.pop("hero_picture", None)
        campaign.save(update_fields=["hero_renditions"])
    pages_invalidate_on_commit(content=True)
    return campaign


@transaction.atomic
def update_save(*, update: Update) -> Update:
    """Save an update (blog post); write its image's web sizes when the image changed."""
    update.save()
    renditions = _refresh_renditions(file_field=update.image, current=update.image_renditions)
    if renditions is not None:
        update.image_renditions = renditions
        update.__dict__.pop("picture", None)
        update.save(update_fields=["image_renditions"])
    pages_invalidate_on_commit(content=True)
    return update


# --- Tallies --------------------------------------------------------------------------------

TALLY_FIELDS = ("raised_cents", "online_cents", "offline_cents", "pledged_cents", "gift_count", "donor_count")


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
    drifts: list[TallyDrift] = field(default_factory=list)

    @property
    def has_drift(self) -> bool:
        return bool(self.drifts or self.gifts_fixed or self.donors_fixed)


def _contribution(gift: Gift, counted: int) -> dict[str, int]:
    # Mirrors donations.services: which column a counted gift lands in depends on its source.
    return {
        "raised_cents": counted,
        "online_cents": counted if gift.source == Gift.Source.ONLINE else 0,
        "offline_cents": counted if gift.source not in (Gift.Source.ONLINE, Gift.Source.PLEDGE) else 0,
        "pledged_cents": counted if gift.source == Gift.Source.PLEDGE else 0,
        "gift_count": 1 if counted > 0 else 0,
    }


def tally_recompute(
    *,
    campaign: Campaign,
    fix: bool,
    chunk_size: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> TallyReport:
    """
    Recompute a campaign's Tally and CampaignDonor rows from its gifts, using the same rules
    as gift_save (donations.services.gift_counted_cents / gift_donor_key), and report every
    difference from what is stored. With fix=True, store the recomputed values.

    The campaign's tally rows are locked first (and the whole rebuild is one transaction), so a
    gift saved meanwhile either commits before the gifts are read, or waits and then adds its
    change on top of the rebuilt totals: nothing is lost or counted twice.
    """
    report = TallyReport()
    with transaction.atomic():
        stored = {
            tally.designation_id: tally
            for tally in Tally.objects.select_for_update().filter(campaign=campaign).order_by("pk")
        }
        totals: dict[int | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(TALLY_FIELDS, 0))
        donor_gifts: dict[str, int] = defaultdict(int)
        gift_fixes: list[Gift] = []

        gifts = Gift.objects.filter(campaign=campaign).order_by("pk")
        total = gifts.count()
        fields = ["pk", "campaign_id", "designation_id", "amount_cents", "fee_cents", "refunded_cents", "status"]
        fields += ["source", "donor_email", "donor_name", "counted_cents", "counted_donor_key"]
        for gift in gifts.only(*fields).iterator(chunk_size=chunk_size):
            report.gifts_read += 1
            counted = gift_counted_cents(gift)
            donor_key = gift_donor_key(gift) if counted > 0 else ""
            if counted > 0:
                targets = [None] + ([gift.designation_id] if gift.designation_id else [])
                for target in targets:
                    for name, value in _contribution(gift, counted).items():
                        totals[target][name] += value
                donor_gifts[donor_key] += 1
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
            CampaignDonor(pk=pk, gift_count=donor_gifts.get(key, 0))
            for key, (pk, count) in stored_donors.items()
            if count != donor_gifts.get(key, 0)
        ]
        report.donors_fixed = len(donor_creates) + len(donor_updates)

        if not fix:
            return report

        now = timezone.now()
        for drift in report.drifts:
            row = stored.get(drift.designation_id)
            if row is None:
                Tally.objects.create(
                    campaign=campaign, designation_id=drift.designation_id, updated_at=now, **drift.new
                )
            else:
                Tally.objects.filter(pk=row.pk).update(updated_at=now, **drift.new)
        Gift.objects.bulk_update(gift_fixes, ["counted_cents", "counted_donor_key"], batch_size=chunk_size)
        for start in range(0, len(donor_creates), chunk_size):
            CampaignDonor.objects.bulk_create(
                CampaignDonor(campaign=campaign, donor_key=key, gift_count=count)
                for key, count in donor_creates[start : start + chunk_size]
            )
        CampaignDonor.objects.bulk_update(donor_updates, ["gift_count"], batch_size=chunk_size)
        if report.has_drift:
            pages_invalidate_on_commit(figures=True)
        # Donors with no counted gift left are kept at zero: gift_save treats a zero row as "not a donor".
    return report
