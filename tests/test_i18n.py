"""
Spanish: the committed catalogue, the language switch, public pages and forms in Spanish, staff
content's Spanish versions with their English fallback, and dollar amounts in Spanish.
"""

import datetime
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import timezone, translation

from campaign.models import Figure, Milestone
from core import money
from core.localization import localized
from tests.factories import CampaignFactory, DesignationFactory, GiftFactory, UpdateFactory

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def spanish(client):
    """The browser of someone who chose Español with the switch (the cookie it sets)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


@pytest.fixture
def campaign():
    campaign = CampaignFactory(
        title="Infusion & Dialysis",
        title_es="Infusión y Diálisis",
        slug="infusion",
        tagline="Care close to home",
        tagline_es="Atención cerca de casa",
        story="## Our story in English",
        story_es="## Nuestra historia en español",
        goal_cents=1_000_000_00,
        preset_amounts="25, 100",
        is_featured=True,
    )
    Figure.objects.create(campaign=campaign, value="3,000+", label="infusions a year", label_es="infusiones al año")
    campaign.divisions.create(name="Gastroenterology", name_es="Gastroenterología")
    DesignationFactory(
        campaign=campaign,
        name="Infusion Center",
        name_es="Centro de Infusión",
        slug="infusion-center",
        description="Twelve chairs.",
    )
    Milestone.objects.create(campaign=campaign, amount_cents=100_000_00, label="Design complete", label_es="")
    return campaign


# --- The catalogue ---------------------------------------------------------------------------------


def test_every_msgid_has_a_spanish_translation_none_fuzzy():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert len(po) > 500
    assert po.metadata["Language"] == "es"
    assert not po.metadata_is_fuzzy
    assert [entry.msgid for entry in po if "fuzzy" in entry.flags] == []
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.obsolete_entries()] == []
    for entry in po:
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), entry.msgid
        # Every placeholder of the English survives into the Spanish (a lost one is a KeyError).
        for source, translated in [(entry.msgid, entry.msgstr)] if not entry.msgid_plural else []:
            assert sorted(re.findall(r"%\(\w+\)[sd]", source)) == sorted(re.findall(r"%\(\w+\)[sd]", translated))


def test_the_committed_mo_is_compiled_from_the_committed_po():
    """Nothing compiles at run or test time: the .mo in git must say exactly what the .po says."""
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))

    def messages(catalog):
        return {
            (entry.msgctxt, entry.msgid): (
                entry.msgstr if not entry.msgid_plural else tuple(sorted(entry.msgstr_plural.items()))
            )
            for entry in catalog
            if entry.msgid and not entry.obsolete and "fuzzy" not in entry.flags
        }

    assert messages(mo) == messages(po)


def test_django_reads_the_committed_catalogue():
    with translation.override("es"):
        assert translation.gettext("No goods or services were provided in exchange for this contribution.") == (
            "No se proporcionaron bienes ni servicios a cambio de esta contribución."
        )
        assert translation.ngettext("day left", "days left", 3) == "días restantes"


# --- Choosing the language -------------------------------------------------------------------------


def test_english_by_default_spanish_from_accept_language_or_the_cookie(client, campaign):
    english = text(client.get("/campaigns/infusion/"))
    assert '<html lang="en">' in english
    assert "Make a gift" in english

    by_header = text(client.get("/campaigns/infusion/", headers={"accept-language": "es-US,es;q=0.9,en;q=0.5"}))
    assert '<html lang="es">' in by_header
    assert "Haga una donación" in by_header

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    by_cookie = client.get("/campaigns/infusion/", headers={"accept-language": "en-US"})
    assert by_cookie["Content-Language"] == "es"
    assert '<html lang="es">' in text(by_cookie)  # the visitor's choice wins over the browser's


def test_the_switch_is_a_plain_form_on_every_public_page(client, spanish, campaign):
    GiftFactory(campaign=campaign)
    for path in ("/campaigns/infusion/", "/donate/?campaign=infusion&amount=25", "/updates/", "/destination-care/"):
        html = text(client.get(path))
        assert '<form class="language-switch" action="/i18n/setlang/" method="post">' in html, path
        assert f'<input type="hidden" name="next" value="{path.replace("&", "&amp;")}">' in html, path
        # Spanish page: the button offers English, labelled in English.
        assert 'name="language" value="en" lang="en">English</button>' in html, path
        assert 'value="es" lang="es"' not in html, path

    client.cookies.clear()
    assert 'name="language" value="es" lang="es">Español</button>' in text(client.get("/campaigns/infusion/"))


def test_switching_sets_a_lasting_cookie_and_returns_to_the_same_page(client, campaign):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/donate/?campaign=infusion&amount=25"})

    assert response.status_code == 302
    assert response["Location"] == "/donate/?campaign=infusion&amount=25"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax"
    assert '<html lang="es">' in text(client.get("/donate/?campaign=infusion"))  # the client kept the cookie


def test_switching_needs_no_csrf_token(campaign):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/i18n/setlang/", {"language": "es", "next": "/updates/"})
    assert (response.status_code, response["Location"]) == (302, "/updates/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/phish",
        "//evil.example/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "\\\\evil.example",
    ],
)
def test_an_off_site_next_is_refused(client, next_url):
    response = client.post("/i18n/setlang/", {"language": "es", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


def test_an_off_site_referer_is_refused_too(client):
    response = client.post("/i18n/setlang/", {"language": "es"}, headers={"referer": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_unknown_language_changes_nothing(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/updates/"})
    assert response["Location"] == "/updates/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switch_only_accepts_posts(client):
    assert client.get("/i18n/setlang/?language=es&next=/updates/").status_code == 405


# --- Public pages in Spanish -----------------------------------------------------------------------


def test_campaign_page_in_spanish_shows_the_spanish_content_and_chrome(spanish, campaign):
    GiftFactory(campaign=campaign, amount_cents=1_250_00, display_name="Ana")
    html = text(spanish.get("/campaigns/infusion/"))

    assert '<html lang="es">' in html
    assert "<title>Infusión y Diálisis · " in html
    assert '<h1 id="campaign-title" class="campaign-title">Infusión y Diálisis</h1>' in html
    assert '<p class="campaign-tagline">Atención cerca de casa</p>' in html
    assert "<h2>Nuestra historia en español</h2>" in html
    assert "Our story in English" not in html
    assert '<span class="figure-value">3,000+</span> <span class="figure-label">infusiones al año</span>' in html
    assert "<li>Gastroenterología</li>" in html
    assert '<h3 class="designation-name">Centro de Infusión</h3>' in html
    assert "Donar: Centro de Infusión" in html
    assert "<p>Twelve chairs.</p>" in html  # no Spanish description: the English is shown
    assert '<span class="meter-milestone-label">Design complete</span>' in html  # blank label_es
    assert "Haga una donación" in html
    assert "A dónde va su donación" in html
    assert "Nuestro progreso" in html
    assert 'aria-valuetext="$1,250 recaudados de la meta de $1,000,000, el 0 por ciento."' in html
    assert '<span class="donor-wall-amount">$1,250</span>' in html
    assert "Skip to main content" not in html
    assert "Ir al contenido principal" in html


def test_english_readers_never_see_the_spanish_content(client, campaign):
    html = text(client.get("/campaigns/infusion/"))
    assert '<h1 id="campaign-title" class="campaign-title">Infusion &amp; Dialysis</h1>' in html
    for spanish_text in ("Infusión y Diálisis", "Atención cerca de casa", "infusiones al año", "Centro de Infusión"):
        assert spanish_text not in html


def test_blank_or_whitespace_spanish_falls_back_to_english(campaign):
    campaign.tagline_es = "   "
    with translation.override("es"):
        assert localized(campaign, "tagline") == "Care close to home"
        assert localized(campaign, "title") == "Infusión y Diálisis"
        assert campaign.localized.title == "Infusión y Diálisis"
    with translation.override("en"):
        assert campaign.localized.title == "Infusion & Dialysis"
    assert localized(campaign, "title", language="es") == "Infusión y Diálisis"
    assert localized(campaign, "title", language="es-us") == "Infusión y Diálisis"


def test_gift_form_in_spanish(spanish, campaign):
    html = text(spanish.get("/donate/?campaign=infusion"))
    assert "<title>Done a Infusión y Diálisis · " in html
    assert "Frecuencia" in html
    assert "Una sola vez" in html and "Mensual" in html
    assert "Otro monto (dólares estadounidenses)" in html
    assert '<option value="infusion-center">Centro de Infusión</option>' in html
    assert "Donde más se necesite</option>" in html
    assert "Continuar al pago seguro" in html
    # The fee examples: US dollar format in Spanish too.
    assert f"$25 → +{money.format_cents(money.fee_cents(25_00))}" in html


def test_gift_form_errors_in_spanish(spanish, campaign):
    response = spanish.post(
        "/donate/",
        {
            "campaign": "infusion",
            "frequency": "weekly",
            "amount": "other",
            "other_amount": "12,34.5",
            "dedication": "honor",
        },
    )
    assert response.status_code == 400
    html = text(response)
    assert "Revise los campos señalados abajo." in html
    assert "Elija una sola vez o mensual." in html
    assert "Escriba el monto en dólares, como 50 o 50.00." in html
    assert "Escriba un nombre para el muro de donantes, o elija donar de forma anónima." in html
    assert "Escriba el nombre de la persona a quien rinde homenaje." in html


def test_gift_form_amount_limits_in_spanish_with_us_dollar_amounts(spanish, campaign):
    data = {"campaign": "infusion", "frequency": "one_time", "display_name": "Ana", "amount": "other"}
    too_small = text(spanish.post("/donate/", {**data, "other_amount": "0.50"}))
    too_large = text(spanish.post("/donate/", {**data, "other_amount": "2,000,000"}))
    assert f"La donación mínima que podemos recibir en línea es de {money.format_cents(settings.GIFT_MIN_CENTS)}." in (
        too_small
    )
    assert money.format_cents(settings.GIFT_MAX_CENTS) in too_large
    assert "Las donaciones en línea tienen un límite de $" in too_large


def test_update_pages_in_spanish_with_spanish_dates(spanish, campaign):
    UpdateFactory(
        campaign=campaign,
        slug="launch",
        title="We launched",
        title_es="Lanzamos la campaña",
        summary="It began.",
        summary_es="",
        body="English body",
        body_es="Texto en **español**",
        publish_at=timezone.make_aware(datetime.datetime(2026, 3, 5, 10, 0)),
    )
    listing = text(spanish.get("/updates/"))
    assert "Lanzamos la campaña</a>" in listing
    assert '<p class="update-card-summary">It began.</p>' in listing  # English fallback
    assert ">5 de marzo de 2026</time>" in listing

    detail = text(spanish.get("/updates/launch/"))
    assert '<h1 id="update-title" class="update-title">Lanzamos la campaña</h1>' in detail
    assert "Texto en <strong>español</strong>" in detail
    assert "English body" not in detail
    assert "Apoye la campaña Infusión y Diálisis" in detail


def test_update_dates_in_english(client, campaign):
    UpdateFactory(campaign=campaign, slug="launch", publish_at=timezone.make_aware(datetime.datetime(2026, 3, 5, 10)))
    assert ">March 5, 2026</time>" in text(client.get("/updates/"))


def test_feeds_stay_english_for_spanish_readers(spanish, campaign):
    UpdateFactory(campaign=campaign, slug="launch", title="We launched", title_es="Lanzamos la campaña")
    for path in ("/updates/feed/", "/updates/rss/"):
        response = spanish.get(path)
        body = response.content.decode()
        assert response["Content-Language"] == "en"
        assert "Campaign updates" in body and "Noticias de la campaña" not in body
        assert "We launched" in body and "Lanzamos" not in body


def test_not_found_page_in_spanish(spanish):
    response = spanish.get("/no-such-page/")
    html = text(response)
    assert response.status_code == 404
    assert '<html lang="es">' in html
    assert "No encontramos esa página" in html


def test_server_error_page_in_spanish():
    from django.template.loader import render_to_string

    with translation.override("es"):
        html = render_to_string("500.html")
    assert '<html lang="es">' in html
    assert "Lo sentimos, algo salió mal de nuestro lado" in html


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
