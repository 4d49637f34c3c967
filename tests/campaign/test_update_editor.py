"""
The update editor: a live preview rendered by the server with the published page's own sanitiser,
and pictures uploaded into an update's text, checked like hero images and stored without metadata.
"""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaign.models import UpdateImage
from core.markdown import render_markdown
from tests.campaign.test_images import image_bytes
from tests.fundraisers.test_models import GPS_TAG, phone_photo

pytestmark = pytest.mark.django_db

PREVIEW = "/admin/campaign/update/preview/"
PICTURE = "/admin/campaign/update/picture/"


def test_the_editor_page_has_the_preview_and_picture_controls(dev_client):
    page = dev_client.get("/admin/campaign/update/add/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("data-md-editor") == 2  # body and its Spanish version
    assert 'data-preview-url="/admin/campaign/update/preview/"' in html
    assert "js/update-editor" in html


@pytest.mark.parametrize(
    "text",
    [
        "## Chairs\n\nSix **new** chairs. <script>alert(1)</script> [x](javascript:alert(1))",
        '<img src=x onerror="alert(1)"> <iframe src="https://evil.example"></iframe>',
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "",
    ],
)
def test_the_preview_is_exactly_what_the_published_page_renders(dev_client, text):
    response = dev_client.post(PREVIEW, {"text": text})
    assert response.status_code == 200
    assert response.json()["html"] == str(render_markdown(text))
    assert "<script" not in response.json()["html"] and "onerror" not in response.json()["html"]
    assert "no-store" in response["Cache-Control"]


def test_the_preview_refuses_a_huge_text_and_a_get(dev_client):
    assert dev_client.post(PREVIEW, {"text": "a" * 100_001}).status_code == 400
    assert dev_client.get(PREVIEW).status_code == 405


def test_the_preview_and_upload_are_staff_only(care_coordinator):
    from django.test import Client

    anonymous = Client()
    assert anonymous.post(PREVIEW, {"text": "x"}).status_code == 302  # to sign-in
    assert anonymous.post(PICTURE, {}).status_code == 302
    # A coordinator (Destination Care only) may not write updates.
    for user in (care_coordinator,):
        staff = Client()
        staff.force_login(user)
        assert staff.post(PREVIEW, {"text": "x"}).status_code == 403, user
        assert staff.post(PICTURE, {}).status_code == 403, user


@pytest.mark.real_two_factor
def test_a_password_only_session_cannot_preview(development_officer):
    from django.test import Client

    from tests.staff import PASSWORD

    fresh = Client()
    fresh.post("/admin/login/", {"username": development_officer.username, "password": PASSWORD})
    assert fresh.post(PREVIEW, {"text": "x"}).status_code == 302


def test_a_phone_photo_is_stored_without_its_location_and_web_sized(dev_client):
    photo = SimpleUploadedFile("IMG_0001.jpg", phone_photo(width=4000, height=3000), "image/jpeg")
    response = dev_client.post(PICTURE, {"picture": photo, "description": "The [new] chairs"})
    assert response.status_code == 200, response.content
    picture = UpdateImage.objects.get()
    data = response.json()
    assert data["url"] == picture.image.url
    assert data["markdown"] == f"![The (new) chairs]({picture.image.url})"
    with default_storage.open(picture.image.name, "rb") as handle, Image.open(handle) as image:
        assert dict(image.getexif()) == {} and GPS_TAG not in image.getexif()
        assert image.format == "JPEG"
        assert image.size == (1600, 2133)  # turned upright (3000 × 4000), then scaled to 1,600 wide
    assert (picture.width, picture.height) == (1600, 2133)
    # The Markdown it returns renders to a picture on the published page.
    html = str(render_markdown(data["markdown"]))
    assert f'src="{picture.image.url}"' in html and 'alt="The (new) chairs"' in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "not an image"),
        ("fake.jpg", b"\xff\xd8\xff\xe0 not really", "not an image"),
        ("pic.tiff", None, "can't be shown on the web"),
    ],
)
def test_files_that_are_not_web_pictures_are_refused_with_the_reason(dev_client, name, content, message):
    if content is None:
        buffer = io.BytesIO()
        Image.new("RGB", (20, 20)).save(buffer, format="TIFF")
        content = buffer.getvalue()
    response = dev_client.post(PICTURE, {"picture": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not UpdateImage.objects.exists()


def test_too_large_or_too_many_pixels_or_nothing_is_refused(dev_client, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1000
    big = SimpleUploadedFile("big.jpg", image_bytes(800, 800), "image/jpeg")
    response = dev_client.post(PICTURE, {"picture": big})
    assert response.status_code == 400 and "the limit is" in response.json()["error"]
    settings.IMAGE_UPLOAD_MAX_BYTES = 10_000_000
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100
    many = SimpleUploadedFile("many.png", image_bytes(50, 50, fmt="PNG"), "image/png")
    response = dev_client.post(PICTURE, {"picture": many})
    assert response.status_code == 400 and "pixels" in response.json()["error"]
    assert dev_client.post(PICTURE, {}).status_code == 400
    assert not UpdateImage.objects.exists()
