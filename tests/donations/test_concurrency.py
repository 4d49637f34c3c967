"""
Real concurrency, on PostgreSQL only (SQLite serialises writers): several threads, each with its
own database connection, deliver events at the same moment.
"""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from campaign.tallies import tally_totals
from donations.models import Gift, RecurringPlan, WebhookEvent
from tests.factories import CampaignFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")


def concurrently(*jobs):
    """Run each job in its own thread (own connection), all released at once; return their results."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list = []

    def run(index, job):
        from django.db import connections

        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def post_job(fake_stripe, event):
    payload = json.dumps(event)

    def job():
        response = Client().post(
            "/stripe/webhook/",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=fake_stripe.sign(payload),
        )
        return response.status_code, response.json().get("outcome")

    return job


def campaign_total(campaign):
    row = tally_totals(campaign=campaign, designation=None)
    return row.raised_cents, row.gift_count, row.donor_count


def test_one_event_delivered_by_eight_requests_at_once_records_one_gift(fake_stripe, start_gift):
    campaign = CampaignFactory()
    gift = start_gift(campaign, amount="120")
    event = fake_stripe.event(
        "checkout.session.completed", fake_stripe.complete_session(gift.stripe_checkout_session_id)
    )

    results = concurrently(*[post_job(fake_stripe, event)] * 8)

    assert sorted(results) == [(200, "duplicate")] * 7 + [(200, "processed")]
    assert Gift.objects.get().status == Gift.Status.SUCCEEDED
    assert WebhookEvent.objects.get().stripe_event_id == event["id"]
    assert campaign_total(campaign) == (120_00, 1, 1)


def test_two_different_events_for_one_gift_leave_it_consistent(fake_stripe, start_gift):
    campaign = CampaignFactory()
    gift = start_gift(campaign, amount="50")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    charge = fake_stripe.charges[fake_stripe.payment_intents[session["payment_intent"]]["latest_charge"]]
    charge["amount_refunded"] = 20_00
    completed = fake_stripe.event("checkout.session.completed", session)
    succeeded = fake_stripe.event("checkout.session.async_payment_succeeded", session)
    refunded = fake_stripe.event("charge.refunded", charge)

    def thanks():
        client = Client()
        return client.get(f"/donate/thanks/?session_id={session['id']}").status_code, "thanks"

    results = concurrently(
        post_job(fake_stripe, completed), post_job(fake_stripe, succeeded), post_job(fake_stripe, refunded), thanks
    )

    assert sorted(results) == [(200, "processed")] * 3 + [(200, "thanks")]
    gift.refresh_from_db()
    assert (gift.status, gift.refunded_cents) == (Gift.Status.PARTIALLY_REFUNDED, 20_00)
    assert campaign_total(campaign) == (30_00, 1, 1)
    assert WebhookEvent.objects.filter(status=WebhookEvent.Status.PROCESSED).count() == 3


def test_session_and_first_invoice_at_once_are_one_monthly_gift(fake_stripe, start_gift):
    campaign = CampaignFactory()
    gift = start_gift(campaign, frequency="monthly", amount="30")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    completed = fake_stripe.event("checkout.session.completed", session)
    paid = fake_stripe.event("invoice.paid", fake_stripe.invoices[session["invoice"]])

    results = concurrently(*[post_job(fake_stripe, completed)] * 3, *[post_job(fake_stripe, paid)] * 3)

    assert sorted(results) == [(200, "duplicate")] * 4 + [(200, "processed")] * 2
    assert Gift.objects.get().status == Gift.Status.SUCCEEDED
    assert RecurringPlan.objects.get().status == RecurringPlan.Status.ACTIVE
    assert campaign_total(campaign) == (30_00, 1, 1)


def test_two_reminder_runs_at_once_send_each_pledge_reminder_once():
    import datetime

    from django.core import mail

    from donations.models import Pledge, PledgeReminder
    from donations.services import pledge_reminders_send

    today = datetime.date(2027, 3, 25)
    for number in range(3):
        Pledge.objects.create(
            campaign=CampaignFactory(),
            source=Pledge.Source.OFFLINE,
            status=Pledge.Status.ACTIVE,
            frequency="quarterly",
            installment_cents=100_00,
            installments=4,
            first_due_on=datetime.date(2027, 3, 30),
            donor_name=f"Donor {number}",
            donor_email=f"donor{number}@example.com",
        )
    mail.outbox = []
    results = concurrently(*[lambda: pledge_reminders_send(today=today, days=7)] * 2)
    assert sum(result["sent"] for result in results) == 3
    assert sorted(message.to[0] for message in mail.outbox) == [f"donor{n}@example.com" for n in range(3)]
    assert PledgeReminder.objects.filter(sent_at__isnull=False).count() == 3
