"""
Faults: the database failing in the middle of a webhook (an error after some writes, and a
connection killed for real), the mail server down, and Stripe timing out while a Checkout
Session is created. Each must end with every gift recorded exactly once.

The database faults need PostgreSQL (a backend to kill, real transactions); the others run on
every database, in transaction=True tests so that commits and on-commit work are real.
"""

import smtplib

import psycopg
import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client

from campaign import tallies
from campaign.models import CampaignDonor
from campaign.tallies import tally_totals
from donations.models import Gift, WebhookEvent
from tests.donations.conftest import form_data
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db(transaction=True)

SESSIONS = "/v1/checkout/sessions"


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")


def deliver_once(fake_stripe, event):
    """One delivery, as Stripe makes it: a fresh client, exceptions turned into a 500 like gunicorn does."""
    return fake_stripe.post(Client(raise_request_exception=False), event)


def tally_of(campaign) -> tuple[int, int, int]:
    tally = tally_totals(campaign=campaign, designation=None)
    return (tally.raised_cents, tally.gift_count, tally.donor_count) if tally else (0, 0, 0)


@pytest.mark.postgres
def test_database_error_after_some_writes_then_stripe_retries(postgres_only, fake_stripe, start_gift, monkeypatch):
    campaign = CampaignFactory()
    gift = start_gift(campaign, amount="75")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id, email="donor@example.com")
    event = fake_stripe.event("checkout.session.completed", session)
    real_tally_add = tallies.tally_add
    calls = []

    def failing_tally_add(**kwargs):
        calls.append(kwargs)
        # By now the gift row is locked and the donor row written: fail before the tally moves.
        assert CampaignDonor.objects.filter(campaign=campaign).exists()
        raise OperationalError("could not extend file: No space left on device")

    monkeypatch.setattr(tallies, "tally_add", failing_tally_add)
    first = deliver_once(fake_stripe, event)

    assert first.status_code == 500
    assert len(calls) == 1
    gift.refresh_from_db()
    assert gift.status == Gift.Status.PENDING  # everything of the attempt rolled back together
    assert CampaignDonor.objects.filter(campaign=campaign).count() == 0
    assert tally_of(campaign) == (0, 0, 0)
    failed = WebhookEvent.objects.get(stripe_event_id=event["id"])
    assert (failed.status, failed.attempts) == (WebhookEvent.Status.FAILED, 1)
    assert "No space left on device" in failed.error
    assert mail.outbox == []

    monkeypatch.setattr(tallies, "tally_add", real_tally_add)
    retry = deliver_once(fake_stripe, event)
    again = deliver_once(fake_stripe, event)

    assert (retry.status_code, retry.json()["outcome"]) == (200, "processed")
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    gift.refresh_from_db()
    assert gift.status == Gift.Status.SUCCEEDED
    assert Gift.objects.count() == 1
    assert tally_of(campaign) == (7500, 1, 1)
    assert WebhookEvent.objects.get(stripe_event_id=event["id"]).status == WebhookEvent.Status.PROCESSED
    assert [m.to for m in mail.outbox] == [["donor@example.com"]]


@pytest.mark.postgres
def test_database_connection_killed_mid_webhook_then_stripe_retries(
    postgres_only, fake_stripe, start_gift, monkeypatch
):
    campaign = CampaignFactory()
    gift = start_gift(campaign, frequency="monthly", amount="30")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id, email="monthly@example.com")
    event = fake_stripe.event("checkout.session.completed", session)
    real_tally_add = tallies.tally_add
    settings_dict = connection.settings_dict
    killed = []

    def kill_connection_then_continue(**kwargs):
        if not killed:
            pid = connection.connection.info.backend_pid
            dsn = {
                "host": settings_dict["HOST"] or "127.0.0.1",
                "port": settings_dict["PORT"] or 5432,
                "user": settings_dict["USER"],
                "dbname": settings_dict["NAME"],
            }
            with psycopg.connect(**dsn, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            killed.append(pid)
        return real_tally_add(**kwargs)

    monkeypatch.setattr(tallies, "tally_add", kill_connection_then_continue)
    first = deliver_once(fake_stripe, event)

    assert first.status_code == 500
    assert len(killed) == 1
    # The worker closes a broken connection at the end of the request (close_old_connections).
    connection.close()
    gift.refresh_from_db()
    assert gift.status == Gift.Status.PENDING
    assert tally_of(campaign) == (0, 0, 0)
    # Even the failure record could not be written: the retry finds no trace of the event.
    assert not WebhookEvent.objects.filter(stripe_event_id=event["id"], status=WebhookEvent.Status.PROCESSED).exists()

    retry = deliver_once(fake_stripe, event)
    again = deliver_once(fake_stripe, event)

    assert (retry.status_code, again.status_code) == (200, 200)
    assert again.json()["outcome"] == "duplicate"
    gift.refresh_from_db()
    assert (gift.status, gift.plan.stripe_subscription_id) == (Gift.Status.SUCCEEDED, session["subscription"])
    assert Gift.objects.count() == 1
    assert tally_of(campaign) == (3000, 1, 1)
    assert len(mail.outbox) == 1


def test_mail_server_down_keeps_gifts_and_the_sweep_sends_receipts_later(fake_stripe, monkeypatch):
    campaign = CampaignFactory()
    client = Client()
    gifts = []
    for n in range(3):
        response = client.post("/donate/", form_data(campaign, amount="20"))
        gifts.append(Gift.objects.get(stripe_checkout_session_id=response["Location"].rsplit("/", 1)[-1]))
        fake_stripe.complete_session(gifts[-1].stripe_checkout_session_id, email=f"donor{n}@example.com")

    def smtp_down(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", smtp_down)
    for gift in gifts:
        event = fake_stripe.event("checkout.session.completed", fake_stripe.sessions[gift.stripe_checkout_session_id])
        assert deliver_once(fake_stripe, event).status_code == 200

    assert (
        list(Gift.objects.values_list("status", "receipt_sent_at", "receipt_attempts"))
        == [(Gift.Status.SUCCEEDED, None, 1)] * 3
    )
    assert tally_of(campaign) == (6000, 3, 3)
    assert mail.outbox == []

    call_command("send_pending_receipts")  # still down: one more attempt each, nothing lost
    assert set(Gift.objects.values_list("receipt_attempts", flat=True)) == {2}

    monkeypatch.undo()
    call_command("send_pending_receipts")
    call_command("send_pending_receipts")  # nothing left: no second receipt

    assert sorted(m.to[0] for m in mail.outbox) == ["donor0@example.com", "donor1@example.com", "donor2@example.com"]
    assert Gift.objects.filter(receipt_sent_at__isnull=False).count() == 3
    assert tally_of(campaign) == (6000, 3, 3)


def test_stripe_answer_lost_while_creating_a_session_is_retried_with_the_same_key(fake_stripe):
    campaign = CampaignFactory()
    fake_stripe.lose_response_next(times=1)

    response = Client().post("/donate/", form_data(campaign, amount="40"))

    gift = Gift.objects.get()
    posts = fake_stripe.calls("POST", SESSIONS)
    assert [p.idempotency_key for p in posts] == [f"gift-{gift.pk}-checkout"] * 2
    assert len(fake_stripe.sessions) == 1  # the retry got the first session back, not a second one
    (session_id,) = fake_stripe.sessions
    assert response.status_code == 303
    assert response["Location"] == f"https://checkout.stripe.com/c/pay/{session_id}"
    assert (gift.status, gift.stripe_checkout_session_id) == (Gift.Status.PENDING, session_id)


def test_stripe_timing_out_every_time_leaves_no_charge_and_a_failed_gift(fake_stripe):
    campaign = CampaignFactory()
    fake_stripe.lose_response_next(times=3)  # the first attempt and both retries

    response = Client().post("/donate/", form_data(campaign, amount="40"))

    assert response.status_code == 503
    assert "No payment was taken" in response.content.decode()
    gift = Gift.objects.get()
    posts = fake_stripe.calls("POST", SESSIONS)
    assert [p.idempotency_key for p in posts] == [f"gift-{gift.pk}-checkout"] * 3
    assert len(fake_stripe.sessions) == 1  # one session at most, and nobody has its URL
    assert fake_stripe.payment_intents == {} and fake_stripe.charges == {}
    assert gift.status == Gift.Status.FAILED
    assert tally_of(campaign) == (0, 0, 0)
    # Should the session somehow be paid, the webhook still finds its gift (metadata and amount agree).
    (session_id,) = fake_stripe.sessions
    session = fake_stripe.complete_session(session_id)
    assert deliver_once(fake_stripe, fake_stripe.event("checkout.session.completed", session)).status_code == 200
    gift.refresh_from_db()
    assert (gift.status, gift.stripe_checkout_session_id) == (Gift.Status.SUCCEEDED, session_id)
    assert tally_of(campaign) == (4000, 1, 1)
