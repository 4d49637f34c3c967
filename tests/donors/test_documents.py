"""Receipts and annual statements as pages and PDFs, and the January statement run."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from donors import pdf, statements
from donors.models import StatementSend
from tests.factories import GiftFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def captured_pdf_html(monkeypatch):
    """What each PDF was rendered from (the PDF's text is glyph ids, not searchable)."""
    pages = []
    real = pdf.pdf_render

    def render(*, template, context):
        from django.template.loader import render_to_string

        pages.append(render_to_string(template, context))
        return real(template=template, context=context)

    monkeypatch.setattr(pdf, "pdf_render", render)
    return pages


def when(year, month=6, day=1):
    return datetime.datetime(year, month, day, 12, tzinfo=timezone.get_default_timezone())


def test_the_pdf_receipt_has_what_a_tax_office_asks_for(client, sign_in, alice_gift, captured_pdf_html, settings):
    settings.ORG_LEGAL_NAME = "Hartford Children's Foundation, Inc."
    settings.ORG_TAX_ID = "06-1234567"
    from donations.models import Gift

    Gift.objects.filter(pk=alice_gift.pk).update(refunded_cents=20_00, fee_cents=3_90, status="partially_refunded")
    sign_in("alice@example.com")

    response = client.get(f"/donate/manage/you/gifts/{alice_gift.pk}/receipt.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="receipt-R2026-0000041.pdf"'
    assert response.content.startswith(b"%PDF-")
    html = captured_pdf_html[0]
    for fact in (
        "Hartford Children&#x27;s Foundation, Inc.",
        "06-1234567",
        "R2026-0000041",
        "$120.00",
        "$3.90",
        "$123.90",
        "$20.00",
        "$103.90",
    ):
        assert fact in html, fact


def test_the_receipt_page_matches_the_emailed_receipt(client, sign_in, alice_gift):
    from donations import receipts

    sign_in("alice@example.com")
    page = client.get(f"/donate/manage/you/gifts/{alice_gift.pk}/receipt/").content.decode()
    emailed = receipts.receipt_context(gift=alice_gift)

    for key in ("receipt_number", "amount", "total", "org_legal_name", "org_tax_id"):
        assert str(emailed[key]).replace("'", "&#x27;") in page


def test_an_unpaid_gift_or_pledge_has_no_receipt(client, sign_in, alice_gift):
    pledge = GiftFactory(donor_email="alice@example.com", source="pledge", status="succeeded")
    sign_in("alice@example.com")

    assert client.get(f"/donate/manage/you/gifts/{pledge.pk}/receipt/").status_code == 404
    assert client.get(f"/donate/manage/you/gifts/{pledge.pk}/receipt.pdf").status_code == 404


def test_the_statement_adds_up_the_years_receipted_gifts(client, sign_in, captured_pdf_html):
    GiftFactory(
        donor_email="carol@example.com", amount_cents=100_00, paid_at=when(2025, 3), receipt_year=2025, receipt_serial=1
    )
    GiftFactory(
        donor_email="carol@example.com",
        amount_cents=50_00,
        refunded_cents=10_00,
        status="partially_refunded",
        paid_at=when(2025, 11),
        receipt_year=2025,
        receipt_serial=2,
    )
    GiftFactory(
        donor_email="carol@example.com", amount_cents=999_00, paid_at=when(2024), receipt_year=2024, receipt_serial=3
    )
    GiftFactory(donor_email="carol@example.com", amount_cents=500_00, paid_at=when(2025), source="pledge")
    sign_in("carol@example.com")

    page = client.get("/donate/manage/you/statements/2025/")
    pdf_response = client.get("/donate/manage/you/statements/2025.pdf")

    assert page.status_code == pdf_response.status_code == 200
    text = page.content.decode()
    assert "R2025-0000001" in text and "R2025-0000002" in text and "R2024" not in text
    assert "$140.00" in text  # 100 + 50 - 10 refunded
    assert "$999.00" not in text and "$500.00" not in text
    assert pdf_response.content.startswith(b"%PDF-")
    assert "$140.00" in captured_pdf_html[0]
    assert client.get("/donate/manage/you/statements/2023/").status_code == 404


def test_the_statement_year_boundary_follows_the_foundations_time_zone(alice_gift):
    from donations import selectors

    GiftFactory(
        donor_email="dan@example.com", paid_at=datetime.datetime(2026, 1, 1, 3, tzinfo=datetime.UTC)
    )  # Dec 31 in New York

    assert selectors.donor_statement_years(email="dan@example.com") == [2025]


def test_the_january_run_sends_each_donor_one_statement_even_run_twice():
    GiftFactory(donor_email="Erin@example.com", paid_at=when(2025), receipt_year=2025, receipt_serial=7)
    GiftFactory(donor_email="erin@example.com", paid_at=when(2025, 8), receipt_year=2025, receipt_serial=8)
    GiftFactory(donor_email="finn@example.com", paid_at=when(2025), receipt_year=2025, receipt_serial=9)
    GiftFactory(donor_email="gus@example.com", paid_at=when(2024), receipt_year=2024, receipt_serial=10)

    call_command("send_annual_statements", year=2025)
    call_command("send_annual_statements", year=2025)

    assert sorted(m.to[0] for m in mail.outbox) == ["erin@example.com", "finn@example.com"]
    assert mail.outbox[0].attachments[0][0] == "giving-statement-2025.pdf"
    assert mail.outbox[0].attachments[0][1].startswith(b"%PDF-")
    assert StatementSend.objects.filter(year=2025, sent_at__isnull=False).count() == 2


def test_a_failed_send_is_retried_by_the_next_run(monkeypatch):
    GiftFactory(donor_email="hana@example.com", paid_at=when(2025), receipt_year=2025, receipt_serial=11)

    def broken(*args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    with pytest.raises(CommandError):
        call_command("send_annual_statements", year=2025)
    assert not StatementSend.objects.exists()
    monkeypatch.undo()

    call_command("send_annual_statements", year=2025)
    assert [m.to for m in mail.outbox] == [["hana@example.com"]]


def test_the_run_reports_progress(capsys):
    GiftFactory(donor_email="ivy@example.com", paid_at=when(2025), receipt_year=2025, receipt_serial=12)

    call_command("send_annual_statements", year=2025)

    out = capsys.readouterr().out
    assert "1 donor(s) gave in 2025." in out
    assert "1/1: 1 sent, 0 already sent, 0 failed" in out


def test_a_future_year_is_refused():
    with pytest.raises(CommandError):
        call_command("send_annual_statements", year=timezone.localdate().year + 1)


def test_pdf_documents_fetch_nothing():
    with pytest.raises(ValueError):
        pdf._no_fetch("file:///etc/passwd")
    assert statements.statement_filename  # the module imports cleanly


def test_the_emailed_statement_speaks_the_donors_language(captured_pdf_html):
    GiftFactory(
        donor_email="lu@example.com",
        language="es",
        source="check",
        reference="77",
        paid_at=when(2025),
        receipt_year=2025,
        receipt_serial=13,
    )

    call_command("send_annual_statements", year=2025)

    (message,) = mail.outbox
    assert message.subject.startswith("Su constancia de donaciones de 2025")
    assert "Cheque n.º 77" in captured_pdf_html[0]
