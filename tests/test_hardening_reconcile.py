"""
Reconciliation: the fake Stripe holds payments whose webhooks never arrived (a one-time gift, a
monthly gift and its second month), an expired session, an open one and a stranger's; running
reconcile_stripe records each missing gift once, and running it again records nothing more.
"""

import io

import pytest
from django.core import mail
from django.core.management import call_command

from campaign.tallies import tally_totals
from donations.models import Gift, RecurringPlan, WebhookEvent
from tests.donations import conftest as donation_fixtures
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

fake_stripe = donation_fixtures.fake_stripe
start_gift = donation_fixtures.start_gift


def run_reconcile() -> str:
    out = io.StringIO()
    call_command("reconcile_stripe", "--days", "2", stdout=out)
    return out.getvalue()


def test_reconcile_records_every_lost_payment_once(fake_stripe, start_gift, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    one_time = start_gift(campaign, amount="50")
    monthly = start_gift(campaign, frequency="monthly", amount="25")
    expired = start_gift(campaign, amount="100")
    still_open = start_gift(campaign, amount="250")
    fake_stripe.complete_session(one_time.stripe_checkout_session_id, email="one@example.com", name="One Time")
    session = fake_stripe.complete_session(monthly.stripe_checkout_session_id, email="mo@example.com", name="Monthly")
    second_month = fake_stripe.invoice_for(session["subscription"])
    fake_stripe.sessions[expired.stripe_checkout_session_id]["status"] = "expired"
    # A session from another integration on the same Stripe account: not one of ours.
    stranger = fake_stripe._session_create(
        {
            "mode": "payment",
            "line_items": [{"quantity": 1, "price_data": {"currency": "usd", "unit_amount": 9900}}],
            "success_url": "https://elsewhere.example/",
            "cancel_url": "https://elsewhere.example/",
        }
    )
    fake_stripe.complete_session(stranger["id"])
    assert Gift.objects.filter(status=Gift.Status.SUCCEEDED).count() == 0
    assert WebhookEvent.objects.count() == 0  # no webhook ever arrived

    with django_capture_on_commit_callbacks(execute=True):
        first_output = run_reconcile()

    gifts = {g.pk: g for g in Gift.objects.all()}
    assert gifts[one_time.pk].status == Gift.Status.SUCCEEDED
    assert gifts[one_time.pk].donor_email == "one@example.com"
    assert gifts[monthly.pk].status == Gift.Status.SUCCEEDED
    assert gifts[expired.pk].status == Gift.Status.EXPIRED
    assert gifts[still_open.pk].status == Gift.Status.PENDING
    month_two = Gift.objects.get(stripe_invoice_id=second_month["id"])
    assert (month_two.status, month_two.amount_cents, month_two.plan.stripe_subscription_id) == (
        Gift.Status.SUCCEEDED,
        2500,
        session["subscription"],
    )
    assert Gift.objects.count() == 5  # four from the form, one for the second month; none for the stranger
    assert RecurringPlan.objects.get().status == RecurringPlan.Status.ACTIVE
    tally = tally_totals(campaign=campaign, designation=None)
    assert (tally.raised_cents, tally.gift_count, tally.donor_count) == (5000 + 2500 + 2500, 3, 2)
    assert sorted(m.to[0] for m in mail.outbox) == ["mo@example.com", "mo@example.com", "one@example.com"]
    assert "Reading the last 2 day(s)" in first_output
    assert f"{one_time.stripe_checkout_session_id}: gift {one_time.pk} succeeded" in first_output
    assert f"{second_month['id']}: gift {month_two.pk} succeeded" in first_output
    assert "Done: 3 session(s) and 2 invoice(s) checked against their gifts, 1 plan(s) updated." in first_output

    with django_capture_on_commit_callbacks(execute=True):
        run_reconcile()  # twice: nothing recorded twice, no second receipt

    assert Gift.objects.count() == 5
    assert Gift.objects.filter(status=Gift.Status.SUCCEEDED).count() == 3
    tally = tally_totals(campaign=campaign, designation=None)
    assert (tally.raised_cents, tally.gift_count, tally.donor_count) == (10000, 3, 2)
    assert len(mail.outbox) == 3


def test_reconcile_says_what_to_do_when_stripe_is_unreachable(fake_stripe):
    from django.core.management.base import CommandError

    fake_stripe.timeout_next(times=3, should_retry=False)
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^3 call\(s\) to Stripe failed; the rest was applied. See above.$"):
        call_command("reconcile_stripe", "--days", "2", stdout=io.StringIO(), stderr=err)
    # Each list is read on its own, and each failure says which call failed and what to do.
    assert err.getvalue().splitlines() == [
        "GET /v1/checkout/sessions failed: Request timed out (fake). One-time gifts were not checked; "
        "the key needs Checkout Sessions: read. Run again later.",
        "GET /v1/invoices failed: Request timed out (fake). Monthly payments were not checked; "
        "the key needs Invoices: read. Run again later.",
        "GET /v1/subscriptions failed: Request timed out (fake). Plans were not checked; "
        "the key needs Subscriptions: read. Run again later.",
    ]


def test_one_failing_list_does_not_stop_the_others(fake_stripe, start_gift):
    from django.core.management.base import CommandError

    gift = start_gift(CampaignFactory())
    fake_stripe.complete_session(gift.stripe_checkout_session_id)
    fake_stripe.fail_next(status=403, type="invalid_request_error", code="", message="Restricted key lacks access")
    with pytest.raises(CommandError):
        call_command("reconcile_stripe", "--days", "2", stdout=io.StringIO(), stderr=io.StringIO())
    assert Gift.objects.get(pk=gift.pk).status == Gift.Status.PENDING  # its list failed
    fake_stripe.subscriptions.clear()
    gift2 = start_gift(CampaignFactory())
    fake_stripe.complete_session(gift2.stripe_checkout_session_id)
    fake_stripe.requests.clear()
    fake_stripe.fail_next(status=500, type="api_error", code="", message="boom")
    with pytest.raises(CommandError):
        call_command("reconcile_stripe", "--days", "2", stdout=io.StringIO(), stderr=io.StringIO())
    assert [(r.method, r.path) for r in fake_stripe.requests] == [
        ("GET", "/v1/checkout/sessions"),  # failed
        ("GET", "/v1/invoices"),  # read all the same
        ("GET", "/v1/subscriptions"),
    ]


def test_reconcile_is_a_task_a_scheduler_can_enqueue(fake_stripe, start_gift):
    from donations.tasks import stripe_reconcile_recent

    gift = start_gift(CampaignFactory(), frequency="monthly")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    fake_stripe.invoice_for(session["subscription"])

    result = stripe_reconcile_recent.enqueue(days=1)

    assert result.return_value == {
        "sessions": 1,
        "invoices": 2,
        "plans": 1,
        "linked": 0,
        "rejected": 0,
        "errors": [],
    }
    assert Gift.objects.filter(status=Gift.Status.SUCCEEDED).count() == 2
