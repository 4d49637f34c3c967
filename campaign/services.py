"""Writes for campaigns and updates (the meter's totals are written by campaign.tallies only)."""

from django.db import transaction

from core.cache import pages_invalidate_on_commit

from . import images
from .models import Campaign, Update, UpdateImage


def _refresh_renditions(*, file_field, current: dict) -> dict | None:
    """New renditions when the image changed, {} when it was removed, None when unchanged."""
    name = file_field.name or ""
    if name == (current or {}).get("source", ""):
        return None
    images.renditions_delete(current)
    if not name:
        return {}
    return images.renditions_build(source_name=name, storage=file_field.storage)


def save_with_renditions(obj, *, image: str, renditions: str, picture: str):
    """
    Save; when the image field changed, store its new web sizes and forget the cached picture.
    (Also used by fundraisers' pages, whose photos are sized the same way.)
    """
    obj.save()
    refreshed = _refresh_renditions(file_field=getattr(obj, image), current=getattr(obj, renditions))
    if refreshed is not None:
        setattr(obj, renditions, refreshed)
        obj.__dict__.pop(picture, None)
        obj.save(update_fields=[renditions])
    pages_invalidate_on_commit(content=True)
    return obj


@transaction.atomic
def campaign_save(*, campaign: Campaign) -> Campaign:
    """Save a campaign; write its hero image's web sizes when the image changed."""
    return save_with_renditions(campaign, image="hero_image", renditions="hero_renditions", picture="hero_picture")


@transaction.atomic
def update_save(*, update: Update) -> Update:
    """Save an update (blog post); write its image's web sizes when the image changed."""
    return save_with_renditions(update, image="image", renditions="image_renditions", picture="picture")


# Wide enough for the update's text column on a 2x screen; a camera original is never served.
BODY_IMAGE_MAX_WIDTH = 1600


def update_image_store(*, file, description: str = "", user=None) -> UpdateImage:
    """
    A picture for an update's text, from the editor's upload: checked as a hero image is (size,
    pixels, type: ValidationError with the message for staff), then re-encoded without metadata
    and at most BODY_IMAGE_MAX_WIDTH wide.
    """
    images.validate_image_upload(file)
    clean = images.image_without_metadata(file, max_width=BODY_IMAGE_MAX_WIDTH)
    picture = UpdateImage(description=description[:300], uploaded_by=user)
    picture.image.save(clean.name, clean, save=False)
    picture.save()
    return picture
