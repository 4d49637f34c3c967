"""
An online pledge's whole life through signed, fixture-shaped events from the fake Stripe: created,
each instalment receipted, a failure and its retry, the plan ending by itself after the last
instalment (a subscription schedule set at Stripe), and a cancellation that removes the
outstanding part only.
"""

import pytest
from django.core import mail

from donations.models import Gift, Pledge, RecurringPlan
from donations.services import pledge_figures, pledges_with_payments
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _pledge_started(fake_stripe, start_gift, deliver, *, frequency="monthly", installments="3", amount="250"):
    gift = start_gift(CampaignFactory(), frequency=frequency, amount=amount, installments=installments)
    session = fake_stripe.complete_session(
        gift.stripe_checkout_session_id, email="rivera@example.com", name="Ana Rivera"
    )
    assert deliver("checkout.session.completed", session).status_code == 200
    assert deliver("invoice.paid", fake_stripe.invoices[session["invoice"]]).status_code == 200
    return Pledge.objects.get(), session["subscription"]


def _figures(pledge):
    import django.utils.timezone as tz

    pledge = pledges_with_payments().get(pk=pledge.pk)
    return pledge_figures(
        pledge=pledge, paid_cents=pledge.paid_cents, paid_count=pledge.paid_count, today=tz.localdate()
    )


def test_a_pledge_is_acknowledged_gets_its_end_at_stripe_and_ends_after_the_last_instalment(
    fake_stripe, start_gift, deliver
):
    pledge, subscription_id = _pledge_started(fake_stripe, start_gift, deliver)

    assert (pledge.status, pledge.plan.stripe_subscription_id) == (Pledge.Status.ACTIVE, subscription_id)
    assert pledge.plan.frequency == "monthly"
    # The end is set on the subscription at Stripe, once: a schedule from it, lasting the pledge, then cancel.
    created = fake_stripe.calls("POST", "/v1/subscription_schedules")
    assert [c.params for c in created] == [{"from_subscription": subscription_id}]
    schedule_id = pledge.stripe_schedule_id
    update = fake_stripe.calls("POST", f"/v1/subscription_schedules/{schedule_id}")
    assert len(update) == 1
    assert update[0].params["end_behavior"] == "cancel"
    phase = update[0].params["phases"][0]
    assert phase["duration"] == {"interval": "month", "interval_count": "3"}
    assert phase["start_date"] == str(fake_stripe.schedules[schedule_id]["phases"][0]["start_date"])
    assert update[0].idempotency_key == f"pledge-{pledge.pk}-schedule-end"

    # A receipt for the first instalment and the pledge acknowledgement, which is no receipt.
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects[1].startswith("Your pledge to") and subjects[1].endswith(": the schedule")
    acknowledgement = next(m for m in mail.outbox if m.subject.endswith(": the schedule"))
    assert acknowledgement.to == ["rivera@example.com"]
    assert "A pledge of $750.00: $250.00 a month for 3 months." in acknowledgement.body
    assert "This is not a tax receipt" in acknowledgement.body
    assert acknowledgement.body.count(": $250.00\n") == 3
    receipt = next(m for m in mail.outbox if m.subject.startswith("Your gift receipt"))
    assert "$250.00 (pledge instalment)" in receipt.body

    for _ in range(2):
        invoice = fake_stripe.bill_next_period(subscription_id)
        assert deliver("invoice.paid", invoice).status_code == 200
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.COMPLETED
    assert (
        list(pledge.gifts.values_list("amount_cents", "status", "frequency"))
        == [(250_00, Gift.Status.SUCCEEDED, "monthly")] * 3
    )
    assert len([m for m in mail.outbox if m.subject.startswith("Your gift receipt")]) == 3

    # Stripe bills no fourth period: the schedule cancels the subscription.
    assert fake_stripe.bill_next_period(subscription_id) is None
    assert deliver("customer.subscription.deleted", fake_stripe.subscriptions[subscription_id]).status_code == 200
    pledge.refresh_from_db()
    assert pledge.plan.status == RecurringPlan.Status.CANCELED
    assert pledge.status == Pledge.Status.COMPLETED
    assert _figures(pledge) == (750_00, 750_00, 3, 0, 0)
    assert Gift.objects.count() == 3


@pytest.mark.parametrize(
    ("frequency", "installments", "duration"),
    [
        ("quarterly", "4", {"interval": "month", "interval_count": "12"}),
        ("annual", "3", {"interval": "year", "interval_count": "3"}),
    ],
)
def test_quarterly_and_annual_pledges_end_after_their_periods(
    fake_stripe, start_gift, deliver, frequency, installments, duration
):
    pledge, subscription_id = _pledge_started(
        fake_stripe, start_gift, deliver, frequency=frequency, installments=installments
    )
    update = fake_stripe.calls("POST", f"/v1/subscription_schedules/{pledge.stripe_schedule_id}")[0]
    assert update.params["phases"][0]["duration"] == duration
    assert pledge.plan.frequency == frequency
    for _ in range(int(installments) - 1):
        deliver("invoice.paid", fake_stripe.bill_next_period(subscription_id))
    assert fake_stripe.bill_next_period(subscription_id) is None
    pledge.refresh_from_db()
    assert (pledge.status, pledge.gifts.count()) == (Pledge.Status.COMPLETED, int(installments))


def test_a_failed_instalment_is_told_with_a_link_to_update_the_card_and_its_retry_is_receipted(
    fake_stripe, start_gift, deliver
):
    pledge, subscription_id = _pledge_started(fake_stripe, start_gift, deliver, frequency="quarterly", installments="4")
    mail.outbox.clear()

    invoice = fake_stripe.bill_next_period(subscription_id, paid=False)
    assert deliver("invoice.payment_failed", invoice).status_code == 200
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.subject == "Your pledge instalment of $250.00 did not go through"
    assert notice.to == ["rivera@example.com"]
    assert "https://give.example.org/donate/manage/open/#" in notice.body
    assert "Nothing was charged." in notice.body
    assert RecurringPlan.objects.get().status == RecurringPlan.Status.PAST_DUE

    fake_stripe.pay_invoice(invoice["id"])
    assert deliver("invoice.paid", fake_stripe.invoices[invoice["id"]]).status_code == 200
    pledge.refresh_from_db()
    assert pledge.gifts.filter(status=Gift.Status.SUCCEEDED).count() == 2
    assert pledge.plan.status == RecurringPlan.Status.ACTIVE
    assert mail.outbox[-1].subject.startswith("Your gift receipt")
    assert _figures(pledge).outstanding_cents == 500_00


def test_a_cancelled_pledge_loses_its_outstanding_part_never_what_was_paid(fake_stripe, start_gift, deliver):
    pledge, subscription_id = _pledge_started(fake_stripe, start_gift, deliver, frequency="annual", installments="3")
    assert _figures(pledge) == (750_00, 250_00, 1, 500_00, 0)

    subscription = fake_stripe.subscriptions[subscription_id]
    subscription.update(status="canceled", canceled_at=subscription["created"], ended_at=subscription["created"])
    assert deliver("customer.subscription.deleted", subscription).status_code == 200

    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.CANCELED
    assert _figures(pledge) == (750_00, 250_00, 1, 0, 0)


def test_an_open_ended_quarterly_gift_is_a_plan_without_a_pledge_or_an_end(fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory(), frequency="quarterly", amount="100")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    deliver("checkout.session.completed", session)
    deliver("invoice.paid", fake_stripe.invoices[session["invoice"]])
    second = fake_stripe.bill_next_period(session["subscription"])
    deliver("invoice.paid", second)
    assert not Pledge.objects.exists()
    assert not fake_stripe.calls("POST", "/v1/subscription_schedules")
    assert list(Gift.objects.values_list("frequency", "status")) == [("quarterly", Gift.Status.SUCCEEDED)] * 2
    assert RecurringPlan.objects.get().frequency == "quarterly"


def test_reconcile_sets_the_end_of_a_pledge_whose_task_failed(fake_stripe, start_gift, deliver):
    from donations.services import stripe_reconcile

    gift = start_gift(CampaignFactory(), frequency="monthly", amount="250", installments="3")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    # The pledge's first payment commits; the task that sets its end at Stripe fails.
    fake_stripe.fail_next(status=400, type="invalid_request_error", code="", message="Bad request", times=1)
    deliver("checkout.session.completed", session)
    deliver("invoice.paid", fake_stripe.invoices[session["invoice"]])
    pledge = Pledge.objects.get()
    assert (pledge.status, pledge.stripe_schedule_id) == (Pledge.Status.ACTIVE, "")
    report = stripe_reconcile(days=3)
    pledge.refresh_from_db()
    assert report["pledge_ends"] == 1
    assert pledge.stripe_schedule_id in fake_stripe.schedules
    assert stripe_reconcile(days=3)["pledge_ends"] == 0
