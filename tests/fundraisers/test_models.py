"""Fundraisers' pages and teams: statuses, photos stripped of metadata, the staff review in the admin."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from fundraisers.models import Fundraiser
from tests.factories import CampaignFactory, FundraiserFactory, GiftFactory, TeamFactory
from tests.staff import make_staff

pytestmark = pytest.mark.django_db

GPS_TAG = 0x8825  # the EXIF GPS IFD pointer


def phone_photo(*, width=1200, height=900) -> bytes:
    """A JPEG as a phone writes it: EXIF with a GPS position, the camera's model, a rotation."""
    image = Image.new("RGB", (width, height), (90, 140, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° to show upright
    exif.get_ifd(GPS_TAG).update({1: "N", 2: (40.0, 26.0, 46.0), 3: "W", 4: (79.0, 58.0, 56.0)})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_the_test_photo_really_carries_a_gps_position():
    with Image.open(io.BytesIO(phone_photo())) as image:
        assert image.getexif().get_ifd(GPS_TAG)[1] == "N"


def test_a_phone_photo_is_stored_without_its_location_or_camera_and_upright():
    fundraiser = FundraiserFactory(photo=SimpleUploadedFile("IMG_0001.jpg", phone_photo(), "image/jpeg"))

    stored = [fundraiser.photo.name, *fundraiser.photo_renditions["jpeg"].values()]
    stored += fundraiser.photo_renditions["webp"].values()
    assert len(stored) == 1 + 2 + 2  # the original and two web sizes (480, 960) in two formats
    for name in stored:
        with default_storage.open(name, "rb") as handle, Image.open(handle) as image:
            assert dict(image.getexif()) == {}, name
            assert "exif" not in image.info and "xmp" not in image.info, name
            assert image.width < image.height, name  # the rotation was applied before EXIF went
    assert fundraiser.photo.name.endswith(".jpg")
    assert fundraiser.photo_renditions["width"] == 900
    assert fundraiser.picture.width == 900


def test_a_file_that_is_not_a_picture_is_refused():
    fundraiser = FundraiserFactory.build(photo=SimpleUploadedFile("me.jpg", b"%PDF-1.4", "image/jpeg"))
    with pytest.raises(ValidationError) as error:
        fundraiser.full_clean(exclude=["campaign", "team"])
    assert error.value.message_dict["photo"] == [
        "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF picture."
    ]


def test_status_sets_and_open_pages():
    today = timezone.localdate()
    assert {Fundraiser.Status.APPROVED} == Fundraiser.PUBLIC_STATUSES
    assert {Fundraiser.Status.HIDDEN, Fundraiser.Status.CLOSED} == Fundraiser.WITHDRAWN_STATUSES
    page = FundraiserFactory.build(ends_on=today)
    assert page.is_open(today=today) is True
    assert page.is_open(today=today + datetime.timedelta(days=1)) is False
    assert FundraiserFactory.build(status=Fundraiser.Status.PENDING).is_open() is False
    assert FundraiserFactory.build(ends_on=None).is_open() is True


def test_a_new_page_waits_for_review_and_records_consent_and_approval_times():
    campaign = CampaignFactory()
    fundraiser = FundraiserFactory(campaign=campaign, status=Fundraiser.Status.PENDING)
    assert Fundraiser._meta.get_field("status").default == Fundraiser.Status.PENDING
    assert fundraiser.share_consent_at is not None
    assert fundraiser.approved_at is None
    assert fundraiser.donate_url() == f"/donate/?campaign={campaign.slug}&fundraiser={fundraiser.slug}"


# --- The admin ---------------------------------------------------------------------------------------


@pytest.fixture
def dev_client(client, django_user_model):
    user = make_staff(django_user_model, "dev.fund", "Development staff")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "action, status", [("mark_approved", "approved"), ("mark_hidden", "hidden"), ("mark_closed", "closed")]
)
def test_development_staff_approve_hide_and_close_pages(dev_client, action, status):
    waiting = FundraiserFactory(status=Fundraiser.Status.PENDING)
    other = FundraiserFactory(status=Fundraiser.Status.PENDING)
    response = dev_client.post(
        "/admin/fundraisers/fundraiser/", {"action": action, "_selected_action": [waiting.pk]}, follow=True
    )
    assert response.status_code == 200
    waiting.refresh_from_db()
    other.refresh_from_db()
    assert (waiting.status, other.status) == (status, "pending")
    assert (waiting.approved_at is not None) is (status == "approved")


def test_the_list_shows_each_page_and_team_with_its_total(dev_client):
    team = TeamFactory(name="Night nurses")
    fundraiser = FundraiserFactory(campaign=team.campaign, team=team, title="Nurses run")
    GiftFactory(campaign=team.campaign, fundraiser=fundraiser, amount_cents=123_45)
    GiftFactory(campaign=team.campaign, fundraiser=fundraiser, amount_cents=10_00, status="failed")

    pages = dev_client.get("/admin/fundraisers/fundraiser/").content.decode()
    teams = dev_client.get("/admin/fundraisers/team/").content.decode()
    assert "Nurses run" in pages and "$123.45" in pages
    assert "Night nurses" in teams and "$123.45" in teams


def test_development_staff_cannot_delete_a_page(dev_client):
    fundraiser = FundraiserFactory()
    assert dev_client.post(f"/admin/fundraisers/fundraiser/{fundraiser.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Fundraiser.objects.filter(pk=fundraiser.pk).exists()
