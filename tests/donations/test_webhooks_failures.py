"""A failing handler rolls back and records the error; replays and redeliveries cost a fixed number of queries."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from donations.models import Gift, WebhookEvent
from tests.factories import CampaignFactory
from tests.readings import tally_counts as raised

pytestmark = pytest.mark.django_db


# --- Failures and replay -------------------------------------------------------------------------


def test_a_failing_handler_rolls_back_records_the_error_and_answers_500(client, fake_stripe, start_gift, monkeypatch):
    from donations.services import checkout as services

    gift = start_gift(CampaignFactory())
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    event = fake_stripe.event("checkout.session.completed", session)

    def explode(_gift):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(services, "_gift_mark_paid", explode)
    response = fake_stripe.post(client, event)

    assert response.status_code == 500
    row = WebhookEvent.objects.get()
    assert (row.status, row.attempts) == (WebhookEvent.Status.FAILED, 1)
    assert "RuntimeError: database hiccup" in row.error
    assert Gift.objects.get().status == Gift.Status.PENDING

    fake_stripe.post(client, event)
    row.refresh_from_db()
    assert row.attempts == 2

    monkeypatch.undo()
    call_command("replay_webhook_events", "--event", event["id"])
    row.refresh_from_db()
    assert (row.status, row.error) == (WebhookEvent.Status.PROCESSED, "")
    assert Gift.objects.get().status == Gift.Status.SUCCEEDED
    assert raised(gift.campaign) == (50_00, 1, 1)


def test_replay_of_an_unknown_event_says_what_to_do(db):
    with pytest.raises(CommandError, match="No stored event"):
        call_command("replay_webhook_events", "--event", "evt_nope")


def test_a_redelivered_event_costs_one_query(client, fake_stripe, paid_gift, django_assert_num_queries):
    gift = paid_gift(CampaignFactory())
    event = fake_stripe.events[-1]
    assert event["data"]["object"]["id"] == gift.stripe_checkout_session_id
    with django_assert_num_queries(1):
        response = fake_stripe.post(client, event)
    assert response.json()["outcome"] == "duplicate"


def test_a_first_delivery_costs_a_fixed_number_of_queries(
    client, fake_stripe, paid_gift, start_gift, django_assert_num_queries
):
    campaign = CampaignFactory()
    paid_gift(campaign)  # the campaign's tally row exists, as it does after the first gift
    gift = start_gift(campaign)
    event = fake_stripe.event(
        "checkout.session.completed", fake_stripe.complete_session(gift.stripe_checkout_session_id)
    )
    # The duplicate check; the event row (inserted first, no read); the gift's lock; the gift
    # update, its audit-history row, the donor upsert, the tally update; last, the receipt number
    # (on PostgreSQL one statement takes it and writes it on the gift; elsewhere two). (The test
    # runs inside a transaction, so BEGIN and COMMIT are a savepoint and its
    # release here; the history middleware reads this test client's session to name the user,
    # which Stripe's requests do not carry; the immediate task backend enqueues the receipt after
    # commit.) A change here changes what every payment costs.
    with django_assert_num_queries(11 if connection.vendor == "postgresql" else 12):
        assert fake_stripe.post(client, event).status_code == 200
