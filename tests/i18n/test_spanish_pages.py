"""Public pages and forms in Spanish, with the English fallback for blank Spanish content."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone, translation

from core import money
from core.localization import localized
from tests.factories import GiftFactory, UpdateFactory
from tests.readings import page_text as text

pytestmark = pytest.mark.django_db


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
    assert "Elija con qué frecuencia dona: una vez, mensual, trimestral o anual." in html
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
