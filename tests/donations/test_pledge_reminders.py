"""Reminders before quarterly and annual instalments: each sent once, however often the command runs."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from donations.models import Gift, Pledge, PledgeReminder
from donations.services import pledge_record_payment
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 25)


def _pledge(**fields):
    values = {
        "campaign": CampaignFactory(),
        "source": Pledge.Source.OFFLINE,
        "status": Pledge.Status.ACTIVE,
        "frequency": "quarterly",
        "installment_cents": 500_00,
        "installments": 4,
        "first_due_on": datetime.date(2027, 1, 1),
        "donor_name": "Ana Rivera",
        "donor_email": "ana@example.com",
    }
    values.update(fields)
    return Pledge.objects.create(**values)


def _run(today=TODAY, **options):
    out = io.StringIO()
    call_command("send_pledge_reminders", today=today.isoformat(), stdout=out, **options)
    return out.getvalue()


def test_a_quarterly_instalment_is_reminded_once_however_often_the_command_runs():
    pledge = _pledge()
    pledge_record_payment(
        pledge=pledge, amount_cents=500_00, source=Gift.Source.CHECK, received_on=datetime.date(2027, 1, 2)
    )
    mail.outbox.clear()

    first = _run()
    second = _run()
    third = _run(today=TODAY + datetime.timedelta(days=2))

    assert len(mail.outbox) == 1
    reminder = mail.outbox[0]
    assert reminder.to == ["ana@example.com"]
    assert reminder.subject == "Your pledge instalment of $500.00 is due on April 1, 2027"
    assert "Instalment 2 of your pledge" in reminder.body
    assert "A pledge of $2,000.00: $500.00 a quarter for 4 quarters." in reminder.body
    assert f"pledge {pledge.pk}: reminder for 2027-04-01 sent" in first
    assert "1 reminder(s) sent, 0 already sent before." in first
    assert "0 reminder(s) sent, 1 already sent before." in second
    assert "0 reminder(s) sent, 1 already sent before." in third
    assert list(PledgeReminder.objects.values_list("due_on", flat=True)) == [datetime.date(2027, 4, 1)]


def test_no_reminder_too_early_for_monthly_pledges_for_closed_ones_or_for_an_instalment_already_paid():
    _pledge(donor_email="early@example.com", first_due_on=datetime.date(2027, 2, 1))  # next due May 1
    _pledge(donor_email="monthly@example.com", frequency="monthly", first_due_on=datetime.date(2027, 3, 28))
    _pledge(donor_email="closed@example.com", status=Pledge.Status.CANCELED, first_due_on=datetime.date(2027, 3, 28))
    paid_ahead = _pledge(donor_email="paid@example.com", frequency="annual", first_due_on=datetime.date(2026, 3, 28))
    for _ in range(2):  # this year's instalment too, ahead of time: the next is due in 2028
        pledge_record_payment(
            pledge=paid_ahead, amount_cents=500_00, source=Gift.Source.CASH, received_on=datetime.date(2026, 4, 1)
        )
    mail.outbox.clear()
    assert "0 reminder(s) sent" in _run()
    assert mail.outbox == []


def test_an_annual_instalment_a_week_ahead_in_the_donors_language():
    _pledge(frequency="annual", first_due_on=datetime.date(2027, 4, 1), installments=3, language="es")
    _run(days=7)
    assert len(mail.outbox) == 1
    assert "1 de abril de 2027" in mail.outbox[0].subject


@pytest.mark.parametrize("options", [{"days": -1}, {"days": 400}])
def test_bad_options_are_refused(options):
    with pytest.raises(CommandError):
        _run(**options)
