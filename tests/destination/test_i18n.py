"""Destination Care in Spanish: page chrome and content, form errors, and the sender's email."""

import re

import pytest
from django.conf import settings
from django.core import mail

from destination.models import CareRequest, DestinationPage, PatientStory
from destination.seed import seed_destination_content

pytestmark = pytest.mark.django_db

PAGE = "/destination-care/"
INQUIRY = "/destination-care/inquiry/"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def spanish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


def test_page_in_spanish_with_the_seeded_spanish_content(spanish, seeded):
    html = text(spanish.get(PAGE))
    assert '<html lang="es">' in html
    assert (
        '<h1 id="dc-title">Vamos más allá de lo imaginable para cuidar a las familias, estén cerca o lejos.</h1>'
        in html
    )
    assert '<h2 id="why-title">¿Por qué elegir Connecticut Children’s?</h2>' in html
    assert '<h2 id="stay-title">Su estadía</h2>' in html
    assert "Más allá de la atrofia muscular espinal: la historia de Fifi" in html
    assert "Coordinador financiero" in html
    assert "Unos 30 minutos en auto (16 millas)" in html
    assert "Pregunte por la atención para su hijo" in html
    assert "Soy padre, madre o tutor" in html
    assert "Enviar consulta" in html
    assert "Su nombre (padre, madre o tutor)" in html
    assert "Tenga en cuenta que enviar este formulario no garantiza la atención." in html
    # A Spanish reader is offered Spanish as the language to be called in.
    assert '<option value="es" selected>Español</option>' in html
    assert "Why Choose" not in html


def test_page_content_without_spanish_falls_back_to_english(spanish, seeded):
    PatientStory.objects.filter(position=1).update(title_es="", place_es="  ")
    DestinationPage.objects.update(team_heading_es="")
    html = text(spanish.get(PAGE))
    assert "Beyond Ventricular Septal Defect (VSD): Kiki’s Story" in html
    assert "Nigeria, West Africa" in html
    assert '<h2 id="team-title">Our Team</h2>' in html
    assert "Pregunte por la atención para su hijo" in html  # the chrome stays Spanish


def test_english_page_is_unchanged(client, seeded):
    html = text(client.get(PAGE))
    assert '<html lang="en">' in html
    assert "Why Choose Connecticut Children’s?" in html
    assert "Vamos más allá" not in html
    assert '<option value="en" selected>English</option>' in html


def test_form_errors_in_spanish(spanish, seeded):
    response = spanish.post(INQUIRY, {"email": "nope", "age_value": "-2", "preferred_contact": "phone"})
    assert response.status_code == 400
    html = text(response)
    assert "Revise los campos señalados:" in html
    for message in (
        "Escriba su nombre para saber por quién preguntar.",
        "Escriba un correo electrónico como nombre@ejemplo.com.",
        "Elija el país donde vive.",
        "Escriba un número de teléfono, ya que prefiere que le llamemos o le enviemos mensajes.",
        "Cuéntenos brevemente cómo podemos ayudar a su hijo.",
        "Marque la casilla para que podamos guardar estos datos y comunicarnos con usted.",
    ):
        assert message in html, message
    assert "Enter your name" not in html


def test_the_sender_is_confirmed_in_spanish_and_coordinators_read_english(
    spanish, settings, inquiry_data, django_capture_on_commit_callbacks
):
    settings.DESTINATION_NOTIFY_EMAILS = ["coordinators@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        response = spanish.post(INQUIRY, {**inquiry_data, "preferred_language": "es"})
    assert response.status_code == 303

    care_request = CareRequest.objects.get()
    assert care_request.language == "es"
    to_coordinators, to_sender = mail.outbox
    assert to_coordinators.subject == f"New Destination Care inquiry {care_request.reference}"
    assert "A new family inquiry has arrived" in to_coordinators.body
    assert to_sender.subject == f"Recibimos su consulta ({care_request.reference})"
    assert to_sender.body.startswith("Hola:\n")
    assert "Gracias por comunicarse con Destination Care." in to_sender.body
    assert f"Su referencia: {care_request.reference}" in to_sender.body
    assert "Para proteger su privacidad, este correo no repite lo que nos envió." in to_sender.body
    assert '<html lang="es">' in to_sender.alternatives[0][0]

    thanks = text(spanish.get(response["Location"]))
    assert "Gracias: recibimos su solicitud" in thanks


def test_an_english_sender_is_confirmed_in_english(client, inquiry_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(INQUIRY, inquiry_data)
    (to_sender,) = mail.outbox
    assert CareRequest.objects.get().language == "en"
    assert to_sender.subject.startswith("We received your inquiry (")


def test_seeding_spanish_twice_changes_nothing_and_keeps_staff_edits(db):
    seed_destination_content()
    page = DestinationPage.objects.get()
    page.why_heading = "Why families choose us"  # staff rewrote the English: the seed's Spanish no longer fits
    page.why_heading_es = ""
    page.team_heading_es = "Las personas que le acompañan"  # staff's own translation
    page.save()

    seed_destination_content()

    page.refresh_from_db()
    assert page.why_heading_es == ""
    assert page.team_heading_es == "Las personas que le acompañan"
    assert page.hero_heading_es.startswith("Vamos más allá")
