"""What a payment costs the database: the receipt task is written with the gift, not after it."""

import pytest
from django_tasks_db.models import DBTaskResult

from donations.models import Gift, WebhookEvent
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_with_the_database_backend_the_receipt_task_commits_with_the_gift(
    client, settings, fake_stripe, start_gift, django_capture_on_commit_callbacks
):
    gift = start_gift(CampaignFactory())
    settings.TASKS = DB_TASKS
    event = fake_stripe.event(
        "checkout.session.completed", fake_stripe.complete_session(gift.stripe_checkout_session_id)
    )

    with django_capture_on_commit_callbacks(execute=False):
        assert fake_stripe.post(client, event).status_code == 200

    # The after-commit work has not run, yet the task is there: written in the gift's transaction.
    task = DBTaskResult.objects.get()
    assert task.task_path == "donations.tasks.gift_send_receipt"
    assert task.args_kwargs == {"args": [], "kwargs": {"gift_id": gift.pk}}
    assert Gift.objects.get(pk=gift.pk).status == Gift.Status.SUCCEEDED


def test_with_the_database_backend_a_failed_event_leaves_no_receipt_task(
    client, settings, fake_stripe, start_gift, monkeypatch
):
    gift = start_gift(CampaignFactory())
    settings.TASKS = DB_TASKS
    event = fake_stripe.event(
        "checkout.session.completed", fake_stripe.complete_session(gift.stripe_checkout_session_id)
    )

    def explode(*args, **kwargs):
        raise RuntimeError("database went away after the task was written")

    monkeypatch.setattr("campaign.tallies.tally_add", explode)
    response = fake_stripe.post(client, event)

    assert response.status_code == 500
    assert not DBTaskResult.objects.exists()
    assert Gift.objects.get(pk=gift.pk).status == Gift.Status.PENDING
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.FAILED


def test_a_redelivery_after_a_failure_applies_the_event_once(client, fake_stripe, start_gift, monkeypatch):
    gift = start_gift(CampaignFactory())
    event = fake_stripe.event(
        "checkout.session.completed", fake_stripe.complete_session(gift.stripe_checkout_session_id)
    )
    with monkeypatch.context() as patch:
        patch.setattr("campaign.tallies.tally_add", lambda **kwargs: 1 / 0)
        assert fake_stripe.post(client, event).status_code == 500

    assert fake_stripe.post(client, event).json()["outcome"] == "processed"
    assert fake_stripe.post(client, event).json()["outcome"] == "duplicate"
    row = WebhookEvent.objects.get()
    assert (row.status, row.attempts, row.error) == (WebhookEvent.Status.PROCESSED, 2, "")
    assert Gift.objects.get(pk=gift.pk).counted_cents == gift.total_cents
