"""A donor's language is remembered: receipts, later months, the manage link, the thank-you page."""

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation

from donations.models import Gift, RecurringPlan
from tests.factories import CampaignFactory, DesignationFactory

pytestmark = pytest.mark.django_db

LEGAL_ES = "No se proporcionaron bienes ni servicios a cambio de esta contribución."
LEGAL_EN = "No goods or services were provided in exchange for this contribution."


@pytest.fixture
def spanish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


@pytest.fixture
def campaign():
    campaign = CampaignFactory(title="Infusion Centers", title_es="Centros de Infusión")
    DesignationFactory(campaign=campaign, name="Dialysis Center", name_es="Centro de Diálisis", slug="dialysis")
    return campaign


def test_a_gift_made_in_spanish_gets_a_spanish_receipt(spanish, paid_gift, campaign, fake_stripe):
    gift = paid_gift(
        campaign,
        amount="1000",
        cover_fee="on",
        designation="dialysis",
        dedication="memory",
        honoree_name="Abuela Rosa",
        honoree_email="familia@example.com",
    )

    assert gift.language == "es"
    receipt, notice = mail.outbox
    assert receipt.subject == f"Su recibo de donación {gift.receipt_number} de {settings.ORG_NAME}"
    html = receipt.alternatives[0].content
    assert '<html lang="es">' in html
    total = f"${(gift.total_cents // 100):,}.{gift.total_cents % 100:02d}"
    for body in (receipt.body, html):
        assert "Gracias por su donación. Conserve este recibo para su declaración de impuestos." in body
        assert LEGAL_ES in body
        assert LEGAL_EN not in body
        assert "Con gratitud," in body
        assert "$1,000.00" in body  # US dollar format in Spanish
        assert total in body
        assert "Centros de Infusión" in body
        assert "Centro de Diálisis" in body
        assert "En memoria de" in body
    assert "Número de recibo: " + gift.receipt_number in receipt.body
    assert "Donación: $1,000.00\n" in receipt.body
    assert "Campaña: Centros de Infusión\n" in receipt.body
    paid = timezone.localtime(gift.paid_at)
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
              "noviembre", "diciembre"]  # fmt: skip
    assert f"Fecha: {paid.day} de {months[paid.month - 1]} de {paid.year}\n" in receipt.body

    assert notice.to == ["familia@example.com"]
    assert notice.subject == "Una donación en memoria"
    assert "hizo una donación a" in notice.body
    assert "en memoria de Abuela Rosa." in notice.body
    assert "La donación apoya la campaña Centros de Infusión" in notice.body
    assert "$" not in notice.body


def test_a_gift_made_in_english_gets_an_english_receipt(client, paid_gift, campaign):
    gift = paid_gift(campaign, amount="1000", designation="dialysis")

    assert gift.language == "en"
    (receipt,) = mail.outbox
    assert receipt.subject == f"Your gift receipt {gift.receipt_number} from {settings.ORG_NAME}"
    assert '<html lang="en">' in receipt.alternatives[0].content
    assert LEGAL_EN in receipt.body
    assert LEGAL_ES not in receipt.body
    assert "Gift: $1,000.00\n" in receipt.body
    assert "Campaign: Infusion Centers\n" in receipt.body
    assert "Designation: Dialysis Center\n" in receipt.body
    assert "Centro" not in receipt.body


def test_the_receipt_follows_the_gift_not_the_language_active_when_it_is_sent(paid_gift, spanish, campaign):
    gift = paid_gift(campaign)
    Gift.objects.filter(pk=gift.pk).update(language="en", receipt_sent_at=None)
    mail.outbox.clear()
    from donations.services import gift_receipt_send

    with translation.override("es"):
        assert gift_receipt_send(gift_id=gift.pk) == "sent"
    assert LEGAL_EN in mail.outbox[0].body


def test_checkout_shows_the_spanish_title_and_locale(spanish, start_gift, campaign, fake_stripe):
    start_gift(campaign, designation="dialysis")
    (create,) = fake_stripe.calls("POST", "/v1/checkout/sessions")
    params = create.params
    assert params["locale"] == "es"
    assert params["line_items"][0]["price_data"]["product_data"]["name"] == (
        "Donación a Centros de Infusión: Centro de Diálisis"
    )


def test_thank_you_page_in_spanish(spanish, start_gift, campaign, fake_stripe):
    gift = start_gift(campaign, amount="100")
    fake_stripe.complete_session(gift.stripe_checkout_session_id)

    response = spanish.get(f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}")

    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "¡Gracias! Recibimos su donación." in html
    assert "Recibimos su donación de $100.00 a Centros de Infusión." in html
    assert "Le estamos enviando por correo electrónico un recibo para su declaración de impuestos." in html


def test_cancel_page_in_spanish(spanish, campaign):
    html = spanish.get("/donate/cancelled/").content.decode()
    assert "No se realizó ningún pago" in html
    assert "Salió de la página de pago antes de terminar, así que no se le cobró nada." in html


def test_later_months_of_a_plan_begun_in_spanish_are_receipted_in_spanish(
    spanish, start_gift, deliver, campaign, fake_stripe
):
    gift = start_gift(campaign, frequency="monthly", amount="25")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id, email="rivera@example.com")
    deliver("checkout.session.completed", session)
    deliver("invoice.paid", fake_stripe.invoices[session["invoice"]])
    plan = RecurringPlan.objects.get()
    assert plan.language == "es"

    # Month two arrives by webhook, in no one's browser (Stripe sends no language): the plan
    # carries the donor's language (here it differs from the first gift's row, to prove which is read).
    Gift.objects.filter(pk=gift.pk).update(language="en")
    second = fake_stripe.invoice_for(session["subscription"])
    with translation.override("en"):
        deliver("invoice.paid", second)

    month2 = Gift.objects.get(stripe_invoice_id=second["id"])
    assert month2.language == "es"
    assert [message.subject.startswith("Su recibo de donación") for message in mail.outbox] == [True, True]
    assert LEGAL_ES in mail.outbox[1].body
    assert "(donación mensual)" in mail.outbox[1].body


def test_the_manage_link_email_is_in_the_plans_language(
    client, start_gift, deliver, campaign, fake_stripe, django_capture_on_commit_callbacks
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    gift = start_gift(campaign, frequency="monthly", amount="25")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id, email="rivera@example.com")
    deliver("checkout.session.completed", session)
    mail.outbox.clear()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # asked for from an English page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/donate/manage/", {"email": "rivera@example.com"})

    assert response.status_code == 200
    (message,) = mail.outbox
    assert message.subject == "Sus donaciones a Children's Hospital Foundation"
    assert "Usted pidió un enlace a sus donaciones, recibos y constancias anuales." in message.body
    assert "Abra este enlace dentro de 30 minutos (funciona una sola vez):" in message.body


def test_manage_page_errors_in_spanish(spanish):
    response = spanish.post("/donate/manage/", {"email": "not-an-address"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Escriba un correo electrónico válido, como nombre@ejemplo.com." in html
    assert "El correo electrónico con el que donó" in html
