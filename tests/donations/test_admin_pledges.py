"""Staff-entered pledges: the same schedule, reminders and acknowledgement; "record a payment"; the pledge report."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone

from donations.models import Gift, Pledge
from donations.services import pledge_close, pledge_record_payment
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/donations/pledge/add/"
REPORT_URL = "/admin/donations/pledge/report/"


def _form(campaign, **overrides):
    data = {
        "campaign": campaign.pk,
        "designation": "",
        "installment": "1,000.00",
        "frequency": "annual",
        "installments": "5",
        "first_due_on": "2027-01-15",
        "donor_name": "The Okafor Foundation",
        "donor_email": "grants@okafor.example",
        "language": "en",
        "note": "",
    }
    data.update(overrides)
    return data


def _pledge(campaign, name, email, **fields):
    values = {
        "campaign": campaign,
        "source": Pledge.Source.OFFLINE,
        "status": Pledge.Status.ACTIVE,
        "frequency": "quarterly",
        "installment_cents": 250_00,
        "installments": 4,
        "first_due_on": timezone.localdate() - datetime.timedelta(days=200),
        "donor_name": name,
        "donor_email": email,
    }
    values.update(fields)
    return Pledge.objects.create(**values)


def test_staff_enter_a_pledge_in_dollars_and_the_donor_gets_its_schedule(
    dev_client, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = dev_client.post(ADD_URL, _form(campaign))
    assert response.status_code == 302, response.content.decode()[:3000]
    pledge = Pledge.objects.get()
    assert (pledge.source, pledge.status, pledge.installment_cents, pledge.total_cents) == (
        Pledge.Source.OFFLINE,
        Pledge.Status.ACTIVE,
        1_000_00,
        5_000_00,
    )
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "A pledge of $5,000.00: $1,000.00 a year for 5 years." in body
    assert "3. Jan. 15, 2029: $1,000.00" in body and "This is not a tax receipt" in body
    assert not Gift.objects.exists()  # a pledge counts nothing until paid


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"installment": "-5"}, "installment"),
        ({"installment": "ten"}, "installment"),
        ({"installment": "99999999999"}, "installment"),
        ({"installments": "0"}, "installments"),
        ({"installments": "61"}, "installments"),
        ({"installments": "abc"}, "installments"),
        ({"frequency": "one_time"}, "frequency"),
        ({"first_due_on": "2027-02-30"}, "first_due_on"),
        ({"donor_name": ""}, "donor_name"),
    ],
)
def test_bad_pledge_entries_are_explained_never_a_500(dev_client, overrides, field):
    response = dev_client.post(ADD_URL, _form(CampaignFactory(), **overrides))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Pledge.objects.exists()


def test_record_a_payment_is_an_action_then_a_receipted_gift_of_the_pledge(
    dev_client, django_capture_on_commit_callbacks
):
    pledge = _pledge(CampaignFactory(), "Ana Rivera", "ana@example.com")
    response = dev_client.post(
        "/admin/donations/pledge/", {"action": "record_payment", "_selected_action": [pledge.pk]}
    )
    payment_url = f"/admin/donations/pledge/{pledge.pk}/record-payment/"
    assert response.status_code == 302 and response["Location"] == payment_url
    page = dev_client.get(payment_url)
    assert page.status_code == 200
    assert page.context["form"]["amount"].value() == "250.00"

    bad = dev_client.post(payment_url, {"amount": "=1+1", "source": "check", "received_on": "2027-01-02"})
    assert bad.status_code == 200 and "amount" in bad.context["form"].errors
    assert (
        dev_client.post(payment_url, {"amount": "250", "source": "pledge", "received_on": "2027-01-02"}).status_code
        == 200
    )

    with django_capture_on_commit_callbacks(execute=True):
        done = dev_client.post(
            payment_url, {"amount": "250.00", "source": "check", "received_on": "2027-01-02", "reference": "1042"}
        )
    assert done.status_code == 302
    gift = pledge.gifts.get()
    assert (gift.amount_cents, gift.source, gift.status, gift.reference) == (250_00, "check", "succeeded", "1042")
    assert mail.outbox[-1].subject.startswith("Your gift receipt")


def test_a_password_only_session_and_a_user_without_the_permission_are_refused(client, django_user_model):
    from tests.staff import make_staff

    pledge = _pledge(CampaignFactory(), "Ana", "ana@example.com")
    viewer = make_staff(django_user_model, "viewer")
    client.force_login(viewer)
    assert client.get(f"/admin/donations/pledge/{pledge.pk}/record-payment/").status_code == 403
    assert client.get(REPORT_URL).status_code == 403


@pytest.mark.real_two_factor
def test_the_report_needs_a_verified_second_step(client, development_officer):
    client.force_login(development_officer)  # a password-only session: no verified device
    response = client.get(REPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_report_shows_pledged_paid_outstanding_and_overdue_per_donor_and_in_total(
    dev_client, django_assert_num_queries
):
    campaign = CampaignFactory()
    today = timezone.localdate()
    # Ana: $1,000 quarterly over 4; first due 200 days ago, so 3 instalments are due (0, 91, 182 days ago); 1 paid.
    ana = _pledge(campaign, "Ana Rivera", "ana@example.com")
    pledge_record_payment(pledge=ana, amount_cents=250_00, source="check", received_on=today)
    # Ana again, a second pledge starting next month: $600 outstanding, nothing overdue.
    _pledge(
        campaign,
        "Ana Rivera",
        "ANA@example.com",
        frequency="monthly",
        installment_cents=100_00,
        installments=6,
        first_due_on=today + datetime.timedelta(days=30),
    )
    # "=cmd" (a formula for spreadsheets): $500 annual over 2, one paid, then written off.
    hostile = _pledge(
        campaign,
        '=HYPERLINK("http://x")',
        "x@example.com",
        frequency="annual",
        installment_cents=500_00,
        installments=2,
    )
    pledge_record_payment(pledge=hostile, amount_cents=500_00, source="cash", received_on=today)
    pledge_close(pledge=hostile, status=Pledge.Status.WRITTEN_OFF)
    # Another campaign's pledge is left out when the report is filtered.
    _pledge(CampaignFactory(), "Elsewhere", "e@example.com")

    # Session, user, device, two permission reads, the filter's campaign, the report, the campaign choices.
    with django_assert_num_queries(8):
        response = dev_client.get(REPORT_URL, {"campaign": campaign.pk})
    assert response.status_code == 200
    rows = {row["email"].lower(): row for row in response.context["rows"]}
    assert rows["ana@example.com"] | {} == rows["ana@example.com"]
    assert {k: rows["ana@example.com"][k] for k in ("pledges", "pledged", "paid", "outstanding", "overdue")} == {
        "pledges": 2,
        "pledged": "$1,600.00",
        "paid": "$250.00",
        "outstanding": "$1,350.00",
        "overdue": "$500.00",
    }
    assert {k: rows["x@example.com"][k] for k in ("pledged", "paid", "outstanding", "overdue")} == {
        "pledged": "$1,000.00",
        "paid": "$500.00",
        "outstanding": "$0.00",
        "overdue": "$0.00",
    }
    total = response.context["total"]
    assert (total["pledges"], total["pledged"], total["paid"], total["outstanding"], total["overdue"]) == (
        3,
        "$2,600.00",
        "$750.00",
        "$1,350.00",
        "$500.00",
    )

    export = dev_client.get(REPORT_URL, {"campaign": campaign.pk, "format": "csv"})
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(export.content.decode())))
    assert lines[0] == ["Donor", "Email", "Pledges", "Pledged", "Paid", "Outstanding", "Overdue"]
    assert lines[1] == ["Ana Rivera", "ana@example.com", "2", "1600.00", "250.00", "1350.00", "500.00"]
    assert lines[2][0] == '\'=HYPERLINK("http://x")'  # shown as text, never run as a formula
    assert lines[-1] == ["Total", "", "3", "2600.00", "750.00", "1350.00", "500.00"]

    everything = dev_client.get(REPORT_URL, {"campaign": "not-a-number"})
    assert everything.status_code == 200 and everything.context["total"]["pledges"] == 4


def test_payments_only_on_active_staff_pledges_and_unknown_ids_are_404(dev_client):
    campaign = CampaignFactory()
    online = _pledge(campaign, "Online", "o@example.com", source=Pledge.Source.ONLINE)
    closed = _pledge(campaign, "Closed", "c@example.com", status=Pledge.Status.CANCELED)
    for pledge in (online, closed):
        url = f"/admin/donations/pledge/{pledge.pk}/record-payment/"
        response = dev_client.post(url, {"amount": "250", "source": "check", "received_on": "2027-01-02"})
        assert response.status_code == 302 and response["Location"] == f"/admin/donations/pledge/{pledge.pk}/change/"
    assert not Gift.objects.exists()
    assert dev_client.get("/admin/donations/pledge/999999/record-payment/").status_code == 404
    # Not an id: Django's admin sends it on to its change page, which has no such pledge.
    assert dev_client.get("/admin/donations/pledge/abc/record-payment/", follow=True).status_code == 404
    # The action needs exactly one pledge.
    both = dev_client.post(
        "/admin/donations/pledge/", {"action": "record_payment", "_selected_action": [online.pk, closed.pk]}
    )
    assert both.status_code == 302 and both["Location"] == "/admin/donations/pledge/"


def test_cancel_and_write_off_keep_what_was_paid_and_leave_online_pledges_to_stripe(dev_client):
    campaign = CampaignFactory()
    offline = _pledge(campaign, "Offline", "off@example.com")
    pledge_record_payment(pledge=offline, amount_cents=250_00, source="check", received_on=timezone.localdate())
    online = _pledge(campaign, "Online", "on@example.com", source=Pledge.Source.ONLINE)
    response = dev_client.post(
        "/admin/donations/pledge/", {"action": "write_off_pledges", "_selected_action": [offline.pk, online.pk]}
    )
    assert response.status_code == 302
    offline.refresh_from_db()
    online.refresh_from_db()
    assert (offline.status, online.status) == (Pledge.Status.WRITTEN_OFF, Pledge.Status.ACTIVE)
    assert offline.gifts.get().status == Gift.Status.SUCCEEDED  # what was paid stays paid


def test_a_pledge_s_page_shows_its_schedule_read_only_and_saves_its_notes(dev_client):
    pledge = _pledge(CampaignFactory(), "Ana Rivera", "ana@example.com")
    url = f"/admin/donations/pledge/{pledge.pk}/change/"
    assert dev_client.get(url).status_code == 200
    response = dev_client.post(
        url,
        {"donor_name": "Ana Rivera", "donor_email": "ana@example.com", "note": "Call in March", "installments": "60"},
    )
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.note, pledge.installments) == ("Call in March", 4)
    listing = dev_client.get("/admin/donations/pledge/")
    assert "A pledge of $1,000.00: $250.00 a quarter for 4 quarters." in listing.content.decode()
