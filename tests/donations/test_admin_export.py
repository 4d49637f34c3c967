"""Gift exports: the changelist's filters, exact columns, formula neutralising, streaming, audit."""

import csv
import datetime
import io
import logging
import tracemalloc

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone

from campaign.models import Designation
from donations import exports
from donations.models import Gift
from tests.factories import CampaignFactory, GiftFactory

pytestmark = pytest.mark.django_db

EXPORT = "/admin/donations/gift/export/"
HEADER = [
    "Date",
    "Receipt number",
    "Donor",
    "Email",
    "Amount",
    "Fee covered",
    "Refunded",
    "Net counted",
    "Status",
    "Frequency",
    "Source",
    "Reference",
    "Designation",
    "Campaign",
    "Dedication",
    "Honoree",
    "Honoree email",
    "Mailing address",
    "Name on the donor wall",
    "Anonymous",
    "Message",
    "Stripe payment intent",
    "Stripe subscription",
    "Stripe customer",
    "UTM source",
    "UTM medium",
    "UTM campaign",
    "Source code",
    "Recovered at checkout",
    "Newsletter consent",
]


def read_csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def known_gifts():
    campaign = CampaignFactory(title="Dialysis Centers")
    infusion = Designation.objects.create(campaign=campaign, name="Infusion Center", slug="infusion")
    paid = timezone.make_aware(datetime.datetime(2026, 10, 5, 15, 30))
    online = GiftFactory(
        campaign=campaign,
        designation=infusion,
        amount_cents=100_00,
        fee_cents=3_40,
        refunded_cents=13_40,
        status=Gift.Status.PARTIALLY_REFUNDED,
        donor_name="Ada Lovelace",
        donor_email="ada@example.com",
        dedication="memory",
        honoree_name="Grandma Rose",
        paid_at=paid,
        stripe_payment_intent_id="pi_1",
        stripe_customer_id="cus_1",
        utm_source="newsletter",
        utm_campaign="=giving-tuesday",
        source_code="BOARD1",
        recovered_from_session_id="cs_test_expired1",
    )
    check = GiftFactory(
        campaign=campaign,
        source=Gift.Source.CHECK,
        reference="1042",
        amount_cents=2_500_00,
        donor_name="Katherine Johnson",
        donor_email="",
        paid_at=paid + datetime.timedelta(days=1),
    )
    return {"campaign": campaign, "online": online, "check": check}


def test_csv_has_the_filtered_gifts_with_exact_columns(dev_client, known_gifts, caplog):
    online, check = known_gifts["online"], known_gifts["check"]
    GiftFactory(status=Gift.Status.FAILED, donor_name="Not exported")
    with caplog.at_level(logging.INFO, logger="donations.admin"):
        response = dev_client.get(f"{EXPORT}?campaign__id__exact={known_gifts['campaign'].pk}&format=csv")
        rows = read_csv(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="gifts-{timezone.localdate().isoformat()}.csv"'
    assert rows == [
        HEADER,
        [
            "2026-10-06",
            Gift.objects.get(pk=check.pk).receipt_number,
            "Katherine Johnson",
            "",
            "2500.00",
            "0.00",
            "0.00",
            "2500.00",
            "Succeeded",
            "One time",
            "Check",
            "1042",
            "",
            "Dialysis Centers",
            "",
            "",
            "",
            "",
            "Katherine Johnson",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "2026-10-05",
            Gift.objects.get(pk=online.pk).receipt_number,
            "Ada Lovelace",
            "ada@example.com",
            "100.00",
            "3.40",
            "13.40",
            "86.60",
            "Partially refunded",
            "One time",
            "Online (Stripe)",
            "",
            "Infusion Center",
            "Dialysis Centers",
            "In memory of",
            "Grandma Rose",
            "",
            "",
            "Ada Lovelace",
            "",
            "",
            "pi_1",
            "",
            "cus_1",
            "newsletter",
            "",
            "'=giving-tuesday",
            "BOARD1",
            "yes",
            "",
        ],
    ]
    # Audited: who and how many, never a donor's details.
    [record] = [r for r in caplog.records if r.getMessage().startswith("Gift export")]
    message = record.getMessage()
    assert message.startswith(f"Gift export (csv) by user {dev_client.session['_auth_user_id']}: 2 gifts")
    assert "Ada" not in message and "ada@example.com" not in message


def test_search_and_status_filters_apply_to_the_export(dev_client, known_gifts):
    rows = read_csv(dev_client.get(f"{EXPORT}?q=lovelace"))
    assert [row[2] for row in rows[1:]] == ["Ada Lovelace"]
    rows = read_csv(dev_client.get(f"{EXPORT}?status__exact=partially_refunded"))
    assert [row[2] for row in rows[1:]] == ["Ada Lovelace"]
    rows = read_csv(dev_client.get(f"{EXPORT}?status__exact=refunded"))
    assert rows == [HEADER]


@pytest.mark.parametrize(
    ("typed", "exported"),
    [
        ('=HYPERLINK("http://evil.example","Click")', '\'=HYPERLINK("http://evil.example","Click")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("Plain Name", "Plain Name"),
        ("O'Brien = friend", "O'Brien = friend"),
    ],
)
def test_formula_cells_are_neutralised(dev_client, typed, exported):
    GiftFactory(donor_name=typed, honoree_name=typed, dedication="honor", reference=typed)
    [row] = read_csv(dev_client.get(EXPORT))[1:]
    assert (row[2], row[11], row[15]) == (exported, exported, exported)


def test_excel_export_has_typed_cells_and_neutralised_text(dev_client, known_gifts):
    from openpyxl import load_workbook

    GiftFactory(donor_name="=1+1", campaign=known_gifts["campaign"], paid_at=known_gifts["online"].paid_at)
    response = dev_client.get(f"{EXPORT}?format=xlsx&campaign__id__exact={known_gifts['campaign'].pk}")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == 4
    ada = next(row for row in rows if row[2] == "Ada Lovelace")
    assert (ada[0], str(ada[4]), str(ada[7])) == (datetime.datetime(2026, 10, 5), "100", "86.6")
    assert any(row[2] == "'=1+1" for row in rows)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_too_many_rows_for_excel_sends_staff_to_csv(dev_client, known_gifts, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 1)
    response = dev_client.get(f"{EXPORT}?format=xlsx&q=a")
    assert response.status_code == 302
    assert response["Location"] == "/admin/donations/gift/?q=a"
    page = dev_client.get(response["Location"]).content.decode()
    assert "2 gifts is more than an Excel export holds (1): use CSV, or narrow the filters." in page


def test_export_needs_the_export_permission(client, django_user_model):
    from django.contrib.auth.models import Group

    GiftFactory()
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(
        *Group.objects.get(name="Development staff").permissions.exclude(codename="export_gift")
    )
    client.force_login(viewer)
    assert client.get("/admin/donations/gift/").status_code == 200
    assert "/admin/donations/gift/export/" not in client.get("/admin/donations/gift/").content.decode()
    assert client.get(EXPORT).status_code == 403


def test_bad_filters_redirect_with_a_message(dev_client):
    response = dev_client.get(f"{EXPORT}?no_such_field=1")
    assert response.status_code == 302
    assert response["Location"] == "/admin/donations/gift/"


def _bulk_gifts(campaign, count: int) -> None:
    now = timezone.now()
    Gift.objects.bulk_create(
        [
            Gift(
                campaign=campaign,
                amount_cents=50_00,
                status=Gift.Status.SUCCEEDED,
                donor_name=f"Donor {index}",
                donor_email=f"donor{index}@example.com",
                paid_at=now,
                counted_cents=50_00,
            )
            for index in range(count)
        ],
        batch_size=2000,
    )


def _peak_bytes_of_export(count_before: int) -> int:
    rows = exports.gift_export_csv(Gift.objects.order_by("pk"))
    tracemalloc.start()
    exported = sum(1 for _line in rows)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert exported == count_before + 2  # BOM and header
    return peak


def test_csv_export_memory_does_not_grow_with_rows():
    """Bounded memory: 4 times the rows, about the same peak (chunks of CHUNK_SIZE rows).

    scripts/bench_export.py measures 100,000 rows."""
    campaign = CampaignFactory()
    _bulk_gifts(campaign, 4000)
    small = _peak_bytes_of_export(4000)  # two chunks: the most that is ever held at once
    _bulk_gifts(campaign, 12000)
    large = _peak_bytes_of_export(16000)
    assert large < small * 1.25, (small, large)
    assert large < 8 * 1024 * 1024
