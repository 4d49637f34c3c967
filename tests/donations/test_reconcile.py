import pytest
from django.core.management import call_command

from donations.models import Gift, RecurringPlan
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_reconcile_records_what_the_webhooks_missed(
    fake_stripe, start_gift, deliver, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory()
    missed = start_gift(campaign)
    fake_stripe.complete_session(missed.stripe_checkout_session_id)
    monthly = start_gift(campaign, frequency="monthly")
    session = fake_stripe.complete_session(monthly.stripe_checkout_session_id)
    deliver("checkout.session.completed", session)
    fake_stripe.subscriptions[session["subscription"]]["status"] = "canceled"
    still_open = start_gift(campaign)

    call_command("reconcile_stripe", "--days", "1")

    assert Gift.objects.get(pk=missed.pk).status == Gift.Status.SUCCEEDED
    assert Gift.objects.get(pk=still_open.pk).status == Gift.Status.PENDING
    assert RecurringPlan.objects.get().status == RecurringPlan.Status.CANCELED
    assert [(c.method, c.path) for c in fake_stripe.requests[-4:]] == [
        ("GET", "/v1/checkout/sessions"),
        ("GET", "/v1/invoices"),
        ("GET", "/v1/invoice_payments"),  # the monthly gift's first month, linked to its payment
        ("GET", "/v1/subscriptions"),
    ]

    call_command("reconcile_stripe")  # twice: nothing more happens
    assert Gift.objects.filter(status=Gift.Status.SUCCEEDED).count() == 2


def test_reconcile_task_reports_what_it_did(fake_stripe, start_gift):
    from donations.tasks import stripe_reconcile_recent

    gift = start_gift(CampaignFactory())
    fake_stripe.complete_session(gift.stripe_checkout_session_id)
    result = stripe_reconcile_recent.enqueue(days=1)
    assert result.return_value == {
        "sessions": 1,
        "invoices": 0,
        "plans": 0,
        "linked": 0,
        "rejected": 0,
        "errors": [],
    }
    assert Gift.objects.get().status == Gift.Status.SUCCEEDED
