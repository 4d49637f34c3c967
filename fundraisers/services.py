"""Writes for fundraisers' pages and teams (their totals are written by fundraisers.tallies only)."""

from django.db import transaction
from django.utils import timezone

from campaign import images
from campaign.services import save_with_renditions

from .models import Fundraiser


@transaction.atomic
def fundraiser_save(*, fundraiser: Fundraiser) -> Fundraiser:
    """
    Save a fundraiser's page. A newly uploaded photo is stored without its metadata (a phone photo
    carries where it was taken) and sized for the web; public pages are made stale.
    """
    photo = fundraiser.photo
    if photo and not getattr(photo, "_committed", True):
        stripped = images.image_without_metadata(photo.file)
        photo.save(stripped.name, stripped, save=False)
    if fundraiser.share_consent and fundraiser.share_consent_at is None:
        fundraiser.share_consent_at = timezone.now()
    if fundraiser.status in Fundraiser.PUBLIC_STATUSES and fundraiser.approved_at is None:
        fundraiser.approved_at = timezone.now()
    return save_with_renditions(fundraiser, image="photo", renditions="photo_renditions", picture="picture")


@transaction.atomic
def fundraiser_set_status(*, fundraiser: Fundraiser, status: str) -> Fundraiser:
    """Approve, hide or close a page (staff); the public pages follow at once."""
    fundraiser.status = status
    return fundraiser_save(fundraiser=fundraiser)
