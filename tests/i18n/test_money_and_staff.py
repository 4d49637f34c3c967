"""Dollar amounts written the US way in both languages; staff write the Spanish versions in the admin."""

import pytest
from django.utils import translation

from core import money
from tests.factories import CampaignFactory, UpdateFactory
from tests.readings import page_text as text

pytestmark = pytest.mark.django_db


# --- Money in Spanish ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_dollar_amounts_are_written_the_us_way_in_both_languages(language):
    """US Spanish writes $1,000.00 (as US bank statements and Stripe's receipts do), not $1.000,00."""
    with translation.override(language):
        assert money.format_cents(1_000_00) == "$1,000.00"
        assert money.format_cents(1_234_567_89) == "$1,234,567.89"
        assert money.format_cents(5_000_000_00, whole=True) == "$5,000,000"
        assert money.format_cents(12_50, whole=True) == "$12.50"
        assert money.format_cents(-30) == "-$0.30"


def test_counts_use_us_grouping_in_spanish_too():
    from django.contrib.humanize.templatetags.humanize import intcomma

    with translation.override("es"):
        assert intcomma(12345) == "12,345"


def test_the_cacheable_embed_varies_on_the_language_cookie_and_header(client, campaign):
    english = client.get("/campaigns/infusion/embed/")
    spanish_response = client.get("/campaigns/infusion/embed/", headers={"accept-language": "es"})

    assert english["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    vary = {value.strip().lower() for value in english["Vary"].split(",")}
    assert {"cookie", "accept-language"} <= vary
    assert "Infusion &amp; Dialysis" in english.content.decode()
    assert "Infusión y Diálisis" in spanish_response.content.decode()
    assert spanish_response["Content-Language"] == "es"


def test_fee_examples_are_formatted_amounts_in_both_languages():
    from donations.forms import GiftForm

    form = GiftForm(campaign=CampaignFactory(preset_amounts="1000, 2500"))
    for language in ("en", "es"):
        with translation.override(language):
            assert form.fee_examples() == [("$1,000", "$30.18"), ("$2,500", "$74.98")]


def test_staff_can_write_the_spanish_versions_in_the_admin(client, django_user_model, campaign):
    from destination.seed import seed_destination_content

    seed_destination_content()
    client.force_login(django_user_model.objects.create_superuser("admin", "admin@example.com", "x"))

    page = client.get(f"/admin/campaign/campaign/{campaign.pk}/change/").content.decode()
    for name in (
        "title_es",
        "tagline_es",
        "story_es",
        "hero_image_alt_es",
        "figures-0-label_es",
        "divisions-0-name_es",
    ):
        assert f'name="{name}"' in page, name
    assert 'value="Infusión y Diálisis"' in page

    from destination.models import DestinationPage

    dc_page = DestinationPage.objects.get()
    html = client.get(f"/admin/destination/destinationpage/{dc_page.pk}/change/").content.decode()
    for name in ("hero_heading_es", "form_notice_es", "stories-0-title_es", "airports-0-driving_time_es"):
        assert f'name="{name}"' in html, name


def test_update_list_pager_in_spanish(spanish, campaign):
    UpdateFactory.create_batch(11, campaign=campaign)
    html = text(spanish.get("/updates/"))
    assert '<span class="page-link" aria-current="page">Página 1 de 2</span>' in html
    assert 'rel="next">Anteriores</a>' in html
