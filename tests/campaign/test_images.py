import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaign.images import validate_image_upload
from campaign.models import Campaign, Update
from campaign.services import campaign_save, update_save
from tests.factories import CampaignFactory, UpdateFactory

pytestmark = pytest.mark.django_db


def image_bytes(width=2000, height=1000, fmt="JPEG", mode="RGB", color=(200, 120, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), color).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name="hero.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content if content is not None else image_bytes(), content_type=content_type)


def test_a_jpeg_upload_is_accepted():
    validate_image_upload(upload())


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"%PDF-1.4 not an image", "hero.jpg", "not an image we can read"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "hero.svg", "not an image"),
        (b"", "empty.jpg", "not an image we can read"),
    ],
)
def test_files_that_are_not_images_are_refused_with_a_clear_message(content, name, message):
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(name=name, content=content))

    assert message in str(error.value)


def test_formats_browsers_cannot_show_are_refused():
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(name="hero.tiff", content=image_bytes(40, 40, fmt="TIFF")))

    assert "TIFF images can't be shown on the web" in str(error.value)


def test_uploads_over_the_size_limit_are_refused(settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1000

    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(content=b"x" * 5000))

    assert error.value.messages == [
        "This image is 4.9\xa0KB; the limit is 1000\xa0bytes. "
        "Export it smaller (2,000 pixels wide is plenty) and upload it again."
    ]


def test_images_with_too_many_pixels_are_refused(settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100

    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(content=image_bytes(101, 100, fmt="PNG", mode="L", color=0)))

    assert "101 × 100 pixels, too large to process" in str(error.value)


def test_saving_a_campaign_writes_web_sizes_in_jpeg_and_webp():
    campaign = CampaignFactory.build(slug="hero-test")
    campaign.hero_image.save("hero.jpg", ContentFile(image_bytes(2000, 1000)), save=False)

    campaign_save(campaign=campaign)

    campaign.refresh_from_db()
    renditions = campaign.hero_renditions
    assert renditions["source"] == campaign.hero_image.name
    assert (renditions["width"], renditions["height"]) == (2000, 1000)
    assert sorted(renditions["jpeg"], key=int) == ["480", "960", "1600"]
    assert sorted(renditions["webp"], key=int) == ["480", "960", "1600"]
    for kind, fmt in (("jpeg", "JPEG"), ("webp", "WEBP")):
        for width, name in renditions[kind].items():
            with default_storage.open(name) as handle, Image.open(handle) as image:
                assert (image.format, image.size) == (fmt, (int(width), int(width) // 2))
    picture = campaign.hero_picture
    assert picture.width == 1600 and picture.height == 800
    assert picture.jpeg_srcset.endswith("-1600.jpeg 1600w")
    assert picture.jpeg_srcset.count("w, ") == 2


def test_a_small_image_is_never_upscaled():
    campaign = CampaignFactory.build(slug="small-hero")
    transparent = image_bytes(700, 350, fmt="PNG", mode="RGBA", color=(0, 0, 0, 0))
    campaign.hero_image.save("small.png", ContentFile(transparent), save=False)

    campaign_save(campaign=campaign)

    assert sorted(campaign.hero_renditions["jpeg"], key=int) == ["480", "700"]
    with default_storage.open(campaign.hero_renditions["jpeg"]["700"]) as handle, Image.open(handle) as image:
        assert image.getpixel((10, 10)) == (255, 255, 255)  # transparency on white, not black


def test_renditions_are_rebuilt_only_when_the_image_changes():
    campaign = CampaignFactory.build(slug="rebuild")
    campaign.hero_image.save("first.jpg", ContentFile(image_bytes()), save=False)
    campaign_save(campaign=campaign)
    first = dict(campaign.hero_renditions)

    campaign.title = "Renamed"
    campaign_save(campaign=campaign)
    assert campaign.hero_renditions == first

    campaign.hero_image.save("second.jpg", ContentFile(image_bytes(1000, 500)), save=False)
    campaign_save(campaign=campaign)
    assert campaign.hero_renditions["source"] == campaign.hero_image.name
    assert not default_storage.exists(first["jpeg"]["480"])

    campaign.hero_image = ""
    campaign_save(campaign=campaign)
    assert Campaign.objects.get(pk=campaign.pk).hero_renditions == {}
    assert campaign.hero_picture is None


def test_update_images_get_renditions_and_shown_in_the_page(client):
    update = UpdateFactory.build(campaign=CampaignFactory(), slug="with-image", image_alt="Ground-breaking day")
    update.image.save("photo.jpg", ContentFile(image_bytes(1200, 630)), save=False)
    update_save(update=update)

    text = client.get("/updates/with-image/").content.decode()

    assert Update.objects.get(pk=update.pk).image_renditions["jpeg"].keys() == {"480", "960", "1200"}
    assert 'alt="Ground-breaking day"' in text
    assert '<source type="image/webp" srcset="/media/updates/renditions/photo-480.webp 480w' in text
    assert '<meta property="og:image" content="http://127.0.0.1:8000/media/updates/renditions/photo-1200.jpeg">' in text


# --- The admin ------------------------------------------------------------------------------


@pytest.fixture
def admin_client_logged_in(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", "admin@example.org", "a-long-password-123"))
    return client


def campaign_form(**overrides):
    data = {
        "title": "New campaign",
        "slug": "new-campaign",
        "tagline": "",
        "story": "A story",
        "hero_image_alt": "",
        "goal_cents": "1000",
        "starts_on": "2026-01-01",
        "ends_on": "",
        "preset_amounts": "25, 50",
        "is_published": "on",
    }
    for prefix in ("figures", "divisions", "designations", "milestones"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


def test_admin_refuses_a_non_image_upload_with_a_clear_message(admin_client_logged_in):
    response = admin_client_logged_in.post(
        "/admin/campaign/campaign/add/",
        campaign_form(hero_image=upload(name="virus.jpg", content=b"MZ\x90\x00 not a picture")),
    )

    assert response.status_code == 200
    assert "Upload a valid image. The file you uploaded was either not an image or a corrupted image." in (
        response.content.decode()
    )
    assert not Campaign.objects.filter(slug="new-campaign").exists()


def test_admin_refuses_a_huge_upload(admin_client_logged_in, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 2000

    response = admin_client_logged_in.post(
        "/admin/campaign/campaign/add/", campaign_form(hero_image=upload(content=image_bytes(800, 800)))
    )

    assert response.status_code == 200
    assert "the limit is 2.0\xa0KB" in response.content.decode()
    assert not Campaign.objects.filter(slug="new-campaign").exists()


def test_admin_saves_a_campaign_with_inlines_and_builds_renditions(admin_client_logged_in):
    data = campaign_form(
        hero_image=upload(content=image_bytes(1000, 500)),
        **{
            "figures-TOTAL_FORMS": "1",
            "figures-0-value": "3,000+",
            "figures-0-label": "infusions a year",
            "figures-0-position": "0",
            "designations-TOTAL_FORMS": "1",
            "designations-0-name": "Greatest need",
            "designations-0-slug": "greatest-need",
            "designations-0-position": "0",
            "milestones-TOTAL_FORMS": "1",
            "milestones-0-amount_cents": "500.00",
            "milestones-0-label": "Halfway",
        },
    )

    response = admin_client_logged_in.post("/admin/campaign/campaign/add/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(slug="new-campaign")
    assert list(campaign.figures.values_list("value", flat=True)) == ["3,000+"]
    assert list(campaign.designations.values_list("slug", flat=True)) == ["greatest-need"]
    assert list(campaign.milestones.values_list("amount_cents", flat=True)) == [50000]
    assert sorted(campaign.hero_renditions["jpeg"], key=int) == ["480", "960", "1000"]


def test_admin_saves_an_update_with_its_author(admin_client_logged_in):
    campaign = CampaignFactory()

    response = admin_client_logged_in.post(
        "/admin/campaign/update/add/",
        {
            "campaign": campaign.pk,
            "title": "News",
            "slug": "news",
            "summary": "",
            "body": "Body",
            "image_alt": "",
            "author_name": "",
            "status": "published",
            "publish_at_0": "2026-01-01",
            "publish_at_1": "10:00:00",
        },
    )

    assert response.status_code == 302
    update = Update.objects.get(slug="news")
    assert update.author.username == "admin"
    assert update.image_renditions == {}
