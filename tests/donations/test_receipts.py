import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core import money
from donations.models import Gift
from tests.factories import CampaignFactory, DesignationFactory

pytestmark = pytest.mark.django_db


def test_receipt_has_the_legal_wording_amounts_designation_and_dedication(fake_stripe, paid_gift, settings):
    settings.ORG_LEGAL_NAME, settings.ORG_TAX_ID = "Kids Hospital Foundation, Inc.", "12-3456789"
    designation = DesignationFactory(name="Infusion Center")
    gift = paid_gift(
        designation.campaign,
        amount="100",
        cover_fee="on",
        designation=designation.slug,
        dedication="honor",
        honoree_name="Dr. Ruiz",
        honoree_email="ruiz@example.com",
    )

    receipt, notice = mail.outbox
    assert receipt.to == ["ada@example.com"]
    assert receipt.subject == f"Your gift receipt {gift.receipt_number} from {settings.ORG_NAME}"
    html = receipt.alternatives[0].content
    fee = money.format_cents(gift.fee_cents)
    for body in (receipt.body, html):
        assert "Kids Hospital Foundation, Inc." in body
        assert "12-3456789" in body
        assert settings.ORG_ADDRESS in body
        assert gift.receipt_number in body
        assert "$100.00" in body
        assert fee in body
        assert money.format_cents(gift.total_cents) in body
        assert "Infusion Center" in body
        assert "Dr. Ruiz" in body
        assert "No goods or services were provided in exchange for this contribution." in body
    # The first number of the year's unbroken sequence (not the gift's id, which PostgreSQL never reuses).
    assert gift.receipt_number == f"R{timezone.localtime(gift.paid_at).year}-0000001"

    assert notice.to == ["ruiz@example.com"]
    assert "in honor of Dr. Ruiz" in notice.body
    assert "$" not in notice.body  # never the amount
    assert notice.alternatives == []  # plain text only (issue 18 #10)
    gift.refresh_from_db()
    assert gift.receipt_sent_at is not None and gift.dedication_notice_sent_at is not None
    assert (gift.receipt_attempts, gift.receipt_error) == (1, "")


def test_receipt_is_rendered_in_the_gifts_language(fake_stripe, paid_gift, monkeypatch):
    from django.utils import translation

    from donations import receipts
    from donations.services import gift_receipt_send

    gift = paid_gift(CampaignFactory())
    Gift.objects.filter(pk=gift.pk).update(language="es", receipt_sent_at=None)
    languages = []
    send = receipts._send
    monkeypatch.setattr(receipts, "_send", lambda **kw: (languages.append(translation.get_language()), send(**kw)))

    assert gift_receipt_send(gift_id=gift.pk) == "sent"
    assert languages == ["es"]


def test_mail_failure_keeps_the_gift_and_the_sweep_retries(fake_stripe, start_gift, deliver, monkeypatch):
    from donations import receipts

    gift = start_gift(CampaignFactory())
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)

    def smtp_down(**kwargs):
        raise ConnectionRefusedError("SMTP server unreachable")

    monkeypatch.setattr(receipts, "_send", smtp_down)
    response = deliver("checkout.session.completed", session)

    assert response.status_code == 200
    gift.refresh_from_db()
    assert (gift.status, gift.receipt_sent_at, gift.receipt_attempts) == (Gift.Status.SUCCEEDED, None, 1)
    assert gift.receipt_error == "ConnectionRefusedError: SMTP server unreachable"
    assert mail.outbox == []

    monkeypatch.undo()
    call_command("send_pending_receipts")
    gift.refresh_from_db()
    assert gift.receipt_sent_at is not None
    assert (gift.receipt_attempts, gift.receipt_error) == (2, "")
    assert len(mail.outbox) == 1

    call_command("send_pending_receipts")  # sent already: nothing more goes out
    assert len(mail.outbox) == 1


def test_sweep_gives_up_after_the_attempt_limit(fake_stripe, paid_gift):
    gift = paid_gift(CampaignFactory())
    Gift.objects.filter(pk=gift.pk).update(receipt_sent_at=None, receipt_attempts=5)
    mail.outbox.clear()
    call_command("send_pending_receipts")
    assert mail.outbox == []


def test_no_receipt_for_unpaid_gifts(fake_stripe, start_gift):
    from donations.services import gift_receipt_send

    gift = start_gift(CampaignFactory())
    assert gift_receipt_send(gift_id=gift.pk) == "not paid"
    assert mail.outbox == []


def test_the_receipt_links_to_contact_and_privacy(fake_stripe, paid_gift):
    paid_gift(CampaignFactory())
    (receipt,) = mail.outbox  # issue 17: every email links somewhere real
    assert "https://give.example.org/contact/" in receipt.body
    assert "https://give.example.org/privacy/" in receipt.body
