"""
Gift exports for staff: CSV streamed row by row, and Excel written in openpyxl's write-only mode.

Both read the queryset with .values_list().iterator(chunk_size=...), so memory stays bounded
whatever the number of gifts (scripts/bench_export.py measures it for 100,000). Every text cell
that a spreadsheet would read as a formula is neutralised.
"""

import csv
import datetime
import logging
import tempfile
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.spreadsheet import FORMULA_TRIGGERS, neutralise  # noqa: F401 (both were defined here first)

from .models import Gift

log = logging.getLogger(__name__)

CHUNK_SIZE = 2000
# Excel files are built whole (openpyxl, pure Python, ~0.8 ms a row); beyond this, CSV.
XLSX_MAX_ROWS = 10_000

COLUMNS = [
    _("Date"),
    _("Receipt number"),
    _("Donor"),
    _("Email"),
    _("Amount"),
    _("Fee covered"),
    _("Refunded"),
    _("Net counted"),
    _("Status"),
    _("Frequency"),
    _("Source"),
    _("Reference"),
    _("Designation"),
    _("Campaign"),
    _("Dedication"),
    _("Honoree"),
    _("Honoree email"),
    _("Mailing address"),
    _("Name on the donor wall"),
    _("Anonymous"),
    _("Message"),
    _("Stripe payment intent"),
    _("Stripe subscription"),
    _("Stripe customer"),
    _("UTM source"),
    _("UTM medium"),
    _("UTM campaign"),
    _("Source code"),
    _("Recovered at checkout"),
    _("Newsletter consent"),
]
_FIELDS = [
    "pk",
    "paid_at",
    "created_at",
    "donor_name",
    "donor_email",
    "amount_cents",
    "fee_cents",
    "refunded_cents",
    "counted_cents",
    "status",
    "frequency",
    "source",
    "reference",
    "designation__name",
    "campaign__title",
    "dedication",
    "honoree_name",
    "honoree_email",
    "donor_address",
    "display_name",
    "is_anonymous",
    "message",
    "stripe_payment_intent_id",
    "stripe_subscription_id",
    "stripe_customer_id",
    "receipt_year",
    "receipt_serial",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "source_code",
    "recovered_from_session_id",
    "newsletter_consent_at",
]


def _dollars(cents: int) -> str:
    # Plain decimal dollars ("1234.50"): a number for spreadsheets, never a float on the way.
    return f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def gift_export_rows(queryset: QuerySet[Gift]) -> Iterator[list[str]]:
    """One list of strings per gift, in COLUMNS order; every text cell already neutralised."""
    statuses = dict(Gift.Status.choices)
    frequencies = dict(Gift._meta.get_field("frequency").choices)
    sources = dict(Gift.Source.choices)
    dedications = dict(Gift.Dedication.choices)
    tz = timezone.get_current_timezone()
    rows = queryset.select_related(None).values_list(*_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    for (
        pk,
        paid_at,
        created_at,
        donor_name,
        donor_email,
        amount,
        fee,
        refunded,
        counted,
        status,
        frequency,
        source,
        reference,
        designation,
        campaign,
        dedication,
        honoree,
        honoree_email,
        address,
        display_name,
        is_anonymous,
        message,
        payment_intent,
        subscription,
        customer,
        receipt_year,
        receipt_serial,
        utm_source,
        utm_medium,
        utm_campaign,
        source_code,
        recovered_from,
        newsletter_consent_at,
    ) in rows:
        when = paid_at or created_at
        yield [
            when.astimezone(tz).date().isoformat() if when else "",
            Gift(
                pk=pk,
                source=source,
                paid_at=paid_at,
                created_at=created_at,
                receipt_year=receipt_year,
                receipt_serial=receipt_serial,
            ).receipt_number,
            neutralise(donor_name),
            neutralise(donor_email),
            _dollars(amount),
            _dollars(fee),
            _dollars(refunded),
            _dollars(counted),
            str(statuses.get(status, status)),
            str(frequencies.get(frequency, frequency)),
            str(sources.get(source, source)),
            neutralise(reference),
            neutralise(designation or ""),
            neutralise(campaign or ""),
            str(dedications.get(dedication, "")) if dedication else "",
            neutralise(honoree),
            neutralise(honoree_email),
            # One line per cell, so a mail merge or a phone list reads it as one address.
            neutralise(", ".join(line.strip() for line in address.splitlines() if line.strip())),
            neutralise(display_name),
            str(_("yes")) if is_anonymous else "",
            neutralise(message),
            payment_intent,
            subscription,
            customer,
            neutralise(utm_source),
            neutralise(utm_medium),
            neutralise(utm_campaign),
            neutralise(source_code),
            str(_("yes")) if recovered_from else "",
            newsletter_consent_at.astimezone(tz).date().isoformat() if newsletter_consent_at else "",
        ]


class _Echo:
    """csv.writer target that hands each written line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def gift_export_csv(queryset: QuerySet[Gift], *, on_done=None) -> Iterator[str]:
    """CSV lines (header first) for StreamingHttpResponse; on_done(count) runs after the last row."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM, so that Excel reads the file as UTF-8 (accents in names)
    yield writer.writerow([str(label) for label in COLUMNS])
    count = 0
    for row in gift_export_rows(queryset):
        count += 1
        yield writer.writerow(row)
    if on_done is not None:
        on_done(count)


def gift_export_xlsx(queryset: QuerySet[Gift]) -> tuple[tempfile.SpooledTemporaryFile, int]:
    """An .xlsx workbook of the gifts, written row by row (write-only mode) to a temporary file."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Gifts")))
    sheet.append([str(label) for label in COLUMNS])
    count = 0
    for row in _xlsx_typed(gift_export_rows(queryset)):
        sheet.append(row)
        count += 1
    # Handed to FileResponse, which closes it when the response is done.
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output, count


def _xlsx_typed(rows: Iterable[list[str]]) -> Iterator[list]:
    from decimal import Decimal

    for row in rows:
        # Dates and money as real dates and numbers, so staff can sum and sort them.
        row = list(row)
        row[0] = datetime.date.fromisoformat(row[0]) if row[0] else None
        for index in (4, 5, 6, 7):
            row[index] = Decimal(row[index])
        yield row


def export_filename(extension: str) -> str:
    return f"gifts-{timezone.localdate().isoformat()}.{extension}"
