"""The donor changes their own plan on the site: amount, frequency, pause, resume, cancel (issue 15)."""

import pytest
from django.core import mail
from django.utils import timezone

from donations import services
from donations.models import PlanChange, Pledge, RecurringPlan
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

CHANGE = "/donate/manage/plan/change/"


@pytest.fixture
def plan(fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory(), frequency="monthly", amount="25")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id, email="monthly@example.com")
    deliver("checkout.session.completed", session)
    mail.outbox.clear()
    return RecurringPlan.objects.get()


def opened(client, plan):
    session = client.session
    services.plan_manage_session_grant(plan=plan, session=session)
    session.save()
    return client


def post(client, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(CHANGE, data)


def subscription(fake_stripe, plan):
    return fake_stripe.subscriptions[plan.stripe_subscription_id]


def test_change_the_amount(client, fake_stripe, plan, django_capture_on_commit_callbacks):
    response = post(opened(client, plan), {"action": "amount", "amount": "40"}, django_capture_on_commit_callbacks)
    assert response.status_code == 303 and response["Location"] == "/donate/manage/plan/"
    [call] = fake_stripe.calls("POST", f"/v1/subscriptions/{plan.stripe_subscription_id}")
    assert call.params["proration_behavior"] == "none"
    price_data = call.params["items"][0]["price_data"]
    assert price_data["unit_amount"] == "4000"
    assert price_data["recurring"] == {"interval": "month", "interval_count": "1"}
    assert "trial_end" not in call.params  # same frequency: the billing date stays
    plan.refresh_from_db()
    assert plan.amount_cents + plan.fee_cents == 4000
    change = PlanChange.objects.get()
    assert (change.kind, change.amount_cents_before, change.amount_cents_after) == ("amount", 2500, 4000)
    [email] = mail.outbox
    assert email.to == ["monthly@example.com"] and "$40.00" in email.body
    assert "confirmation" in client.get("/donate/manage/plan/").content.decode()
    # The subscription event Stripe then sends agrees with the plan.
    services.plan_record_subscription(subscription=services_subscription(fake_stripe, plan))
    plan.refresh_from_db()
    assert plan.amount_cents + plan.fee_cents == 4000


def services_subscription(fake_stripe, plan):
    from donations.stripe_types import Subscription

    return Subscription.from_stripe(subscription(fake_stripe, plan))


def test_change_the_frequency_starts_after_the_period_paid(
    client, fake_stripe, plan, django_capture_on_commit_callbacks
):
    period_end = subscription(fake_stripe, plan)["items"]["data"][0]["current_period_end"]
    response = post(
        opened(client, plan), {"action": "frequency", "frequency": "quarterly"}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 303
    [call] = fake_stripe.calls("POST", f"/v1/subscriptions/{plan.stripe_subscription_id}")
    assert call.params["items"][0]["price_data"]["recurring"] == {"interval": "month", "interval_count": "3"}
    assert call.params["trial_end"] == str(period_end)  # nothing charged now for the new frequency
    plan.refresh_from_db()
    assert plan.frequency == "quarterly" and plan.amount_cents + plan.fee_cents == 2500
    assert PlanChange.objects.get().frequency_before == "monthly"
    assert "Quarterly" in mail.outbox[0].body


def test_pause_then_resume(client, fake_stripe, plan, django_capture_on_commit_callbacks):
    opened(client, plan)
    assert post(client, {"action": "pause", "months": "3"}, django_capture_on_commit_callbacks).status_code == 303
    [call] = fake_stripe.calls("POST", f"/v1/subscriptions/{plan.stripe_subscription_id}")
    assert call.params["pause_collection"]["behavior"] == "void"
    plan.refresh_from_db()
    assert int(call.params["pause_collection"]["resumes_at"]) == int(plan.paused_until.timestamp())
    assert 85 <= (plan.paused_until - timezone.now()).days <= 92
    assert services_subscription(fake_stripe, plan).paused

    assert post(client, {"action": "resume"}, django_capture_on_commit_callbacks).status_code == 303
    assert fake_stripe.calls("POST", f"/v1/subscriptions/{plan.stripe_subscription_id}")[-1].params == {
        "pause_collection": ""
    }
    plan.refresh_from_db()
    assert plan.paused_until is None and not services_subscription(fake_stripe, plan).paused
    page = client.get("/donate/manage/plan/").content.decode()
    assert "Paused" in page and "Resumed" in page  # the plan's history
    assert [c.kind for c in PlanChange.objects.order_by("pk")] == ["pause", "resume"]
    assert len(mail.outbox) == 2


def test_a_pause_that_ended_at_stripe_ends_here(client, fake_stripe, plan, django_capture_on_commit_callbacks):
    post(opened(client, plan), {"action": "pause", "months": "1"}, django_capture_on_commit_callbacks)
    subscription(fake_stripe, plan)["pause_collection"] = None  # resumes_at passed: Stripe resumed it
    services.plan_record_subscription(subscription=services_subscription(fake_stripe, plan))
    plan.refresh_from_db()
    assert plan.paused_until is None
    assert "Pause my gift" in client.get("/donate/manage/plan/").content.decode()


def test_cancel(client, fake_stripe, plan, django_capture_on_commit_callbacks):
    response = post(opened(client, plan), {"action": "cancel"}, django_capture_on_commit_callbacks)
    assert response.status_code == 303
    assert fake_stripe.calls("DELETE", f"/v1/subscriptions/{plan.stripe_subscription_id}")
    plan.refresh_from_db()
    assert plan.status == RecurringPlan.Status.CANCELED and plan.canceled_at
    assert "cancelled" in mail.outbox[0].body
    # Nothing more can change, and saying so is not an error page.
    again = post(client, {"action": "amount", "amount": "10"}, django_capture_on_commit_callbacks)
    assert again.status_code == 400 and "cancelled" in again.content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "amount", "amount": "abc"}, None),
        ({"action": "amount", "amount": ""}, "Enter the new amount."),
        ({"action": "amount", "amount": "0.10"}, "smallest gift"),
        ({"action": "amount", "amount": "99999999"}, "limited to"),
        ({"action": "frequency", "frequency": "weekly"}, "Select a valid choice"),
        ({"action": "frequency", "frequency": "one_time"}, "Select a valid choice"),
        ({"action": "pause", "months": "7"}, "Select a valid choice"),
        ({"action": "pause", "months": "0"}, "Select a valid choice"),
        ({"action": "pause", "months": "-1"}, "Select a valid choice"),
        ({"action": "pause", "months": ""}, "1 to 6"),
        ({"action": "delete"}, "Select a valid choice"),
        ({}, "required"),
    ],
)
def test_bad_values_are_told_never_a_500(client, fake_stripe, plan, data, message, django_capture_on_commit_callbacks):
    response = post(opened(client, plan), data, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    if message:
        assert message in response.content.decode()
    assert fake_stripe.calls("POST", f"/v1/subscriptions/{plan.stripe_subscription_id}") == []
    assert not PlanChange.objects.exists() and not mail.outbox


def test_attackers_change_nothing(client, fake_stripe, plan, start_gift, deliver, django_capture_on_commit_callbacks):
    # No session: refused.
    assert post(client, {"action": "cancel"}, django_capture_on_commit_callbacks).status_code == 400
    # A GET changes nothing.
    assert client.get(CHANGE).status_code == 405
    # Another donor's plan id in the form is ignored: only the session's plan is ever changed.
    gift = start_gift(CampaignFactory(), frequency="monthly", amount="30")
    deliver(
        "checkout.session.completed",
        fake_stripe.complete_session(gift.stripe_checkout_session_id, email="o@example.com"),
    )
    other = RecurringPlan.objects.exclude(pk=plan.pk).get()
    opened(client, plan)
    post(client, {"action": "cancel", "plan": other.pk}, django_capture_on_commit_callbacks)
    other.refresh_from_db()
    assert other.status == RecurringPlan.Status.ACTIVE
    # A tampered or expired session opens nothing.
    for grant in [{"plan": str(other.pk), "until": 2**40}, {"plan": other.pk, "until": 1}, "x"]:
        session = client.session
        session["donations_manage_plan"] = grant
        session.save()
        assert post(client, {"action": "cancel"}, django_capture_on_commit_callbacks).status_code == 400
    other.refresh_from_db()
    assert other.status == RecurringPlan.Status.ACTIVE
    # Another donor's plan through the donor's pages: not found (donors/test_access covers sign-in).


def test_a_pledge_schedule_cannot_change(client, fake_stripe, plan, django_capture_on_commit_callbacks):
    Pledge.objects.create(
        plan=plan,
        campaign=plan.campaign,
        source=Pledge.Source.ONLINE,
        frequency="monthly",
        installment_cents=2500,
        installments=4,
        total_cents=10000,
        first_due_on=timezone.localdate(),
    )
    opened(client, plan)
    for data in [
        {"action": "frequency", "frequency": "annual"},
        {"action": "amount", "amount": "5"},
        {"action": "pause", "months": "1"},
    ]:
        response = post(client, data, django_capture_on_commit_callbacks)
        assert response.status_code == 400
        assert "schedule are fixed" in response.content.decode()
    assert fake_stripe.calls("POST", f"/v1/subscriptions/{plan.stripe_subscription_id}") == []
    assert "schedule are fixed" in client.get("/donate/manage/plan/").content.decode()


def test_stripe_failing_is_told_and_nothing_recorded(client, fake_stripe, plan, django_capture_on_commit_callbacks):
    fake_stripe.fail_next(status=500, type="api_error", code="", message="boom", times=3)
    response = post(opened(client, plan), {"action": "amount", "amount": "40"}, django_capture_on_commit_callbacks)
    assert response.status_code == 503
    plan.refresh_from_db()
    assert plan.amount_cents + plan.fee_cents == 2500 and not PlanChange.objects.exists() and not mail.outbox


def test_the_confirmation_is_in_spanish_for_a_spanish_plan(client, plan, django_capture_on_commit_callbacks):
    RecurringPlan.objects.filter(pk=plan.pk).update(language="es")
    post(opened(client, plan), {"action": "cancel"}, django_capture_on_commit_callbacks)
    assert "cancelado" in mail.outbox[0].body.lower()


def test_demo_payments_change_the_plan_here_without_stripe(
    client, fake_stripe, plan, settings, django_capture_on_commit_callbacks
):
    settings.DEMO_PAYMENTS = True
    requests = len(fake_stripe.requests)
    post(opened(client, plan), {"action": "amount", "amount": "30"}, django_capture_on_commit_callbacks)
    post(client, {"action": "cancel"}, django_capture_on_commit_callbacks)
    assert len(fake_stripe.requests) == requests
    plan.refresh_from_db()
    assert plan.status == RecurringPlan.Status.CANCELED and plan.amount_cents + plan.fee_cents == 3000
    assert len(mail.outbox) == 2


def test_the_pause_lengths_are_worded_in_the_visitors_language(client, plan):
    opened(client, plan)
    english = client.get("/donate/manage/plan/").content.decode()
    assert ">1 month</option>" in english and ">6 months</option>" in english
    spanish = client.get("/donate/manage/plan/", headers={"accept-language": "es"}).content.decode()
    assert ">1 mes</option>" in spanish and ">6 meses</option>" in spanish
