"""
The pages a foundation must publish (issue 17): privacy for donors and for Destination Care
families, terms, contact; staff-edited with a Spanish version, seeded, cached like every public
page, linked from every footer with the foundation's legal name and EIN, and from forms and emails.
"""

import io

import pytest
from django.core.management import call_command

from pages.models import SitePage
from pages.seed import seed_site_pages
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "/privacy/": "privacy",
    "/privacy/destination-care/": "privacy-families",
    "/terms/": "terms",
    "/contact/": "contact",
}


@pytest.fixture
def seeded():
    seed_site_pages()


@pytest.mark.parametrize("path", PAGES)
def test_each_page_is_public_cached_and_in_the_footer(client, seeded, path):
    first = client.get(path)
    second = client.get(path)

    assert first.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert first["Cache-Control"].startswith("public")
    assert f'<a href="{path}">' in first.content.decode()


def test_the_footer_of_every_page_names_the_legal_entity_and_ein(client, seeded, settings):
    settings.ORG_LEGAL_NAME, settings.ORG_TAX_ID = "Kids Hospital Foundation, Inc.", "12-3456789"
    CampaignFactory(is_featured=True)
    for path in ["/", "/donate/", "/destination-care/", "/updates/", "/contact/", "/no-such-page/"]:
        html = client.get(path).content.decode()
        assert (
            "Kids Hospital Foundation, Inc. is a nonprofit, tax-exempt organization under Section 501(c)(3) "
            "of the Internal Revenue Code (EIN 12-3456789). Gifts are tax-deductible to the extent allowed by law."
        ) in html, path


def test_the_privacy_pages_say_what_how_long_who_and_how_to_delete(client, seeded):
    donors = client.get("/privacy/").content.decode()
    families = client.get("/privacy/destination-care/").content.decode()

    for text in ("What we collect", "Why", "How long", "Who sees it", "delete"):
        assert text in donors and text in families
    assert "180 days after it is closed" in families
    assert "never shown to development staff" in families
    assert "Stripe" in donors


def test_spanish_versions(client, seeded):
    client.cookies["django_language"] = "es"
    html = client.get("/contact/").content.decode()

    assert "<h1>Contacto</h1>" in html
    assert "Nuestra oficina de desarrollo" in html
    assert "es una organización sin fines de lucro" in html


def test_staff_edits_show_at_once_and_seeding_again_keeps_them(client, seeded, django_capture_on_commit_callbacks):
    client.get("/terms/")
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-and-good-password")
    staff = client.__class__()
    staff.force_login(admin)
    page = SitePage.objects.get(kind="terms")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/admin/pages/sitepage/{page.pk}/change/",
            {"title": "Terms of use", "body": "Our new terms.", "title_es": "", "body_es": ""},
        )
    assert response.status_code == 302

    assert "Our new terms." in client.get("/terms/").content.decode()
    call_command("seed_demo", stdout=io.StringIO())
    assert SitePage.objects.count() == 4
    assert SitePage.objects.get(kind="terms").body == "Our new terms."


def test_a_missing_page_is_a_404_not_a_500(client):
    assert client.get("/privacy/").status_code == 404


def test_forms_link_to_their_privacy_policy(client, seeded):
    CampaignFactory(is_featured=True)
    assert '<a href="/privacy/">How we use your details</a>' in client.get("/donate/").content.decode()
    assert '<a href="/privacy/destination-care/">' in client.get("/destination-care/").content.decode()
