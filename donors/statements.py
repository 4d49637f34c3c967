"""Annual giving statements: the figures, their PDF, and the January email (sent once per address and year)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import money
from donations import selectors

from . import pdf
from .models import StatementSend


def statement_context(*, statement: selectors.Statement) -> dict:
    return {
        "statement": statement,
        "lines": [
            {
                "line": line,
                "total": money.format_cents(line.total_cents),
                "refunded": money.format_cents(line.refunded_cents) if line.refunded_cents else "",
                "deductible": money.format_cents(line.deductible_cents),
            }
            for line in statement.lines
        ],
        "total": money.format_cents(statement.total_cents),
        "refunded": money.format_cents(statement.refunded_cents) if statement.refunded_cents else "",
        "deductible": money.format_cents(statement.deductible_cents),
        "org_legal_name": settings.ORG_LEGAL_NAME,
        "org_tax_id": settings.ORG_TAX_ID,
        "org_address": settings.ORG_ADDRESS,
        "org_name": settings.ORG_NAME,
        "site_url": settings.SITE_URL,
        "issued_on": timezone.localdate(),
    }


def statement_pdf(*, statement: selectors.Statement) -> bytes:
    return pdf.pdf_render(template="donors/statement_pdf.html", context=statement_context(statement=statement))


def statement_filename(*, statement: selectors.Statement) -> str:
    return f"giving-statement-{statement.year}.pdf"


def statement_send(*, email: str, year: int) -> bool:
    """
    Email `email` their statement for `year`, unless it was already sent (or is being sent by
    another run): the StatementSend row is claimed first, in the database. True when sent now.
    A failed send gives the claim back, so the next run tries again.
    """
    statement = selectors.donor_statement(email=email, year=year)
    if not statement.lines:
        return False
    try:
        with transaction.atomic():
            claim = StatementSend.objects.create(
                email=statement.email, year=year, deductible_cents=statement.deductible_cents
            )
    except IntegrityError:
        return False
    try:
        with translation.override(statement.language or settings.LANGUAGE_CODE):
            # Again in the donor's language: each line's "given by" is worded as their receipts are.
            statement = selectors.donor_statement(email=email, year=year)
            context = statement_context(statement=statement)
            subject = _("Your %(year)s giving statement from %(org)s") % {"year": year, "org": settings.ORG_NAME}
            message = EmailMultiAlternatives(
                subject=subject, body=render_to_string("emails/donors/statement.txt", context), to=[statement.email]
            )
            message.attach_alternative(render_to_string("emails/donors/statement.html", context), "text/html")
            message.attach(
                statement_filename(statement=statement), statement_pdf(statement=statement), "application/pdf"
            )
            message.send()
    except Exception:
        claim.delete()
        raise
    StatementSend.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
    return True
