"""Writes for campaigns and updates (the meter's totals are written by campaign.tallies only)."""

from django.db import transaction

from core.cache import pages_invalidate_on_commit

from . import images
from .models import Campaign, Update


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
