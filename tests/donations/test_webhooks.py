import json
import time

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from campaign.models import Tally
from donations.models import Gift, RecurringPlan, WebhookEvent
from tests.factories import CampaignFactory, DesignationFactory

pytestmark = pytest.mark.django_db


def raised(campaign, designation=None):
    row = Tally.objects.filter(campaign=campaign, designation=designation).first()
    return (row.raised_cents, row.gift_count, row.donor_count) if row else (0, 0, 0)


# --- Bad deliveries: refused before anything is stored ------------------------------------------


def _session_event(fake_stripe, start_gift):
    gift = start_gift(CampaignFactory())
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    return gift, fake_stripe.event("checkout.session.completed", session)


def test_missing_signature_header_is_refused(client, fake_stripe, start_gift):
    gift, event = _session_event(fake_stripe, start_gift)
    response = fake_stripe.post(client, event, signature="")
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    assert Gift.objects.get(pk=gift.pk).status == Gift.Status.PENDING


def test_bad_signature_is_refused(client, fake_stripe, start_gift):
    gift, event = _session_event(fake_stripe, start_gift)
    payload = json.dumps(event)
    for signature in ["t=1,v1=abc", fake_stripe.sign(payload, secret="whsec_someone_else"), "nonsense"]:
        response = fake_stripe.post(client, payload, signature=signature)
        assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    assert Gift.objects.get(pk=gift.pk).status == Gift.Status.PENDING


def test_signature_over_another_body_is_refused(client, fake_stripe, start_gift):
    gift, event = _session_event(fake_stripe, start_gift)
    signature = fake_stripe.sign(json.dumps(event))
    event["data"]["object"]["amount_total"] = 1
    response = fake_stripe.post(client, json.dumps(event), signature=signature)
    assert response.status_code == 400
    assert Gift.objects.get(pk=gift.pk).status == Gift.Status.PENDING


def test_stale_timestamp_is_refused(client, fake_stripe, start_gift):
    gift, event = _session_event(fake_stripe, start_gift)
    payload = json.dumps(event)
    response = fake_stripe.post(client, payload, signature=fake_stripe.sign(payload, timestamp=int(time.time()) - 301))
    assert response.status_code == 400
    assert Gift.objects.get(pk=gift.pk).status == Gift.Status.PENDING


def test_signed_body_that_is_not_json_is_refused(client, fake_stripe):
    for body in ["not json at all", "[1, 2", '"a string"', "[]"]:
        response = fake_stripe.post(client, body)
        assert response.status_code == 400, body
    assert not WebhookEvent.objects.exists()


def test_body_not_utf8_is_refused(client, fake_stripe):
    response = client.post(
        "/stripe/webhook/", data=b"\xff\xfe\x00", content_type="application/json", HTTP_STRIPE_SIGNATURE="t=1,v1=x"
    )
    assert response.status_code == 400


def test_oversized_body_is_refused_without_reading_it(client, fake_stripe):
    payload = json.dumps({"id": "evt_big", "type": "ping", "data": {"object": {"x": "a" * 300_000}}})
    response = fake_stripe.post(client, payload)
    assert response.status_code == 413
    assert not WebhookEvent.objects.exists()


def test_only_post_is_allowed(client, fake_stripe):
    assert client.get("/stripe/webhook/").status_code == 405


@pytest.mark.parametrize(
    "event",
    [
        {"type": "checkout.session.completed", "data": {"object": {}}},
        {"id": "evt_1", "type": "checkout.session.completed", "data": {"object": {}}},
        {"id": "evt_1", "type": "checkout.session.completed", "data": {}},
        {"id": "evt_1", "type": "checkout.session.completed"},
        {"id": "evt_1", "data": {"object": {}}},
        {"id": "evt_1", "type": "charge.refunded", "data": {"object": {"object": "invoice", "id": "in_1"}}},
        {},
    ],
)
def test_signed_event_without_the_expected_object_is_refused(client, fake_stripe, event):
    response = fake_stripe.post(client, event)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_zero_amount_session_is_not_recorded_as_paid(client, fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory())
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    session["amount_total"] = 0

    response = deliver("checkout.session.completed", session)

    assert response.status_code == 400
    gift.refresh_from_db()
    assert (gift.status, gift.paid_at) == (Gift.Status.PENDING, None)
    assert raised(gift.campaign) == (0, 0, 0)
    failed = WebhookEvent.objects.get()
    assert (failed.status, failed.stripe_event_id) == (WebhookEvent.Status.FAILED, response.event["id"])
    assert "charged 0" in failed.error
    assert mail.outbox == []


def test_zero_amount_invoice_is_refused(client, fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory(), frequency="monthly")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    invoice = fake_stripe.invoices[session["invoice"]]
    invoice["amount_paid"] = 0

    assert deliver("invoice.paid", invoice).status_code == 400
    assert Gift.objects.get().status == Gift.Status.PENDING
    assert not RecurringPlan.objects.exists()


def test_unknown_event_type_is_acknowledged_and_changes_nothing(client, fake_stripe, deliver):
    campaign = CampaignFactory()
    response = deliver("customer.created", {"object": "customer", "id": "cus_1"})
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.IGNORED
    assert raised(campaign) == (0, 0, 0)


# --- One-time gifts ------------------------------------------------------------------------------


def test_completed_session_records_the_gift_once_and_moves_the_meter(client, fake_stripe, start_gift, deliver):
    designation = DesignationFactory()
    gift = start_gift(designation.campaign, amount="100", cover_fee="on", designation=designation.slug)
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id, email="grace@example.com", name="Grace H")

    response = deliver("checkout.session.completed", session)

    assert (response.status_code, response.json()["outcome"]) == (200, "processed")
    gift.refresh_from_db()
    assert gift.status == Gift.Status.SUCCEEDED
    assert (gift.donor_email, gift.donor_name) == ("grace@example.com", "Grace H")
    assert gift.stripe_payment_intent_id == session["payment_intent"]
    assert gift.stripe_customer_id == session["customer"]
    assert gift.paid_at is not None
    assert raised(designation.campaign) == (100_00, 1, 1)  # the covered fee is not counted
    assert raised(designation.campaign, designation) == (100_00, 1, 0)  # donors are counted per campaign
    assert [m.to for m in mail.outbox] == [["grace@example.com"]]

    # Stripe delivers it again, and also sends the same session under another event id.
    again = fake_stripe.post(client, response.event)
    other = deliver("checkout.session.async_payment_succeeded", session)
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    assert (other.status_code, other.json()["outcome"]) == (200, "processed")
    assert Gift.objects.count() == 1
    assert raised(designation.campaign) == (100_00, 1, 1)
    assert len(mail.outbox) == 1
    assert WebhookEvent.objects.count() == 2


def test_delayed_payment_stays_pending_until_it_succeeds(fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory())
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id, payment_status="unpaid")

    deliver("checkout.session.completed", session)
    gift.refresh_from_db()
    assert gift.status == Gift.Status.PENDING
    assert raised(gift.campaign) == (0, 0, 0)

    session["payment_status"] = "paid"
    deliver("checkout.session.async_payment_succeeded", session)
    gift.refresh_from_db()
    assert gift.status == Gift.Status.SUCCEEDED
    assert raised(gift.campaign) == (50_00, 1, 1)


def test_delayed_payment_failure_fails_the_gift(fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory())
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id, payment_status="unpaid")
    deliver("checkout.session.completed", session)

    assert deliver("checkout.session.async_payment_failed", session).status_code == 200
    gift.refresh_from_db()
    assert (gift.status, gift.failure_reason) == (Gift.Status.FAILED, "Delayed payment failed")
    assert raised(gift.campaign) == (0, 0, 0)
    assert mail.outbox == []


def test_expired_session_expires_a_pending_gift_only(fake_stripe, start_gift, paid_gift, deliver):
    campaign = CampaignFactory()
    pending = start_gift(campaign)
    session = dict(fake_stripe.sessions[pending.stripe_checkout_session_id], status="expired")
    deliver("checkout.session.expired", session)
    pending.refresh_from_db()
    assert pending.status == Gift.Status.EXPIRED

    paid = paid_gift(campaign)
    late = dict(fake_stripe.sessions[paid.stripe_checkout_session_id], status="expired")
    deliver("checkout.session.expired", late)
    paid.refresh_from_db()
    assert paid.status == Gift.Status.SUCCEEDED


def test_session_of_a_foreign_gift_changes_nothing(fake_stripe, start_gift, deliver):
    campaign = CampaignFactory()
    mine, other = start_gift(campaign), start_gift(campaign)
    session = fake_stripe.complete_session(other.stripe_checkout_session_id)
    session = dict(session, client_reference_id=str(mine.pk), metadata={"gift_id": str(mine.pk)})

    assert deliver("checkout.session.completed", session).status_code == 200
    assert set(Gift.objects.values_list("status", flat=True)) == {Gift.Status.PENDING}
    assert raised(campaign) == (0, 0, 0)


# --- Refunds and disputes ------------------------------------------------------------------------


def test_partial_then_full_refund_lower_the_meter_by_absolute_amounts(fake_stripe, paid_gift, deliver):
    gift = paid_gift(CampaignFactory(), amount="100")
    charge = fake_stripe.charges[fake_stripe.payment_intents[gift.stripe_payment_intent_id]["latest_charge"]]

    charge["amount_refunded"] = 30_00
    deliver("charge.refunded", charge)
    deliver("charge.refunded", charge)  # the same amount under another event id: not added twice
    gift.refresh_from_db()
    assert (gift.status, gift.refunded_cents, gift.stripe_charge_id) == ("partially_refunded", 30_00, charge["id"])
    assert raised(gift.campaign) == (70_00, 1, 1)

    # An older event arriving after a newer one never lowers the refunded total.
    charge["amount_refunded"] = 100_00
    deliver("charge.refunded", charge)
    charge["amount_refunded"] = 30_00
    deliver("charge.refunded", charge)
    gift.refresh_from_db()
    assert (gift.status, gift.refunded_cents) == ("refunded", 100_00)
    assert raised(gift.campaign) == (0, 0, 0)


def test_refund_before_the_session_is_completed_waits_then_applies(client, fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory(), amount="80")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    charge = dict(fake_stripe.charges[fake_stripe.payment_intents[session["payment_intent"]]["latest_charge"]])
    charge.update(amount_refunded=20_00, metadata={})  # nothing in the charge names the gift

    early = deliver("charge.refunded", charge)

    assert early.status_code == 500  # Stripe retries
    failed = WebhookEvent.objects.get(stripe_event_id=early.event["id"])
    assert failed.status == WebhookEvent.Status.FAILED
    assert "not recorded yet" in failed.error
    assert Gift.objects.get(pk=gift.pk).refunded_cents == 0

    deliver("checkout.session.completed", session)
    call_command("replay_webhook_events", "--failed")

    gift.refresh_from_db()
    assert (gift.status, gift.refunded_cents) == (Gift.Status.PARTIALLY_REFUNDED, 20_00)
    assert WebhookEvent.objects.get(stripe_event_id=early.event["id"]).status == WebhookEvent.Status.PROCESSED
    assert raised(gift.campaign) == (60_00, 1, 1)
    # Stripe's own retry now finds it done.
    assert fake_stripe.post(client, early.event).json()["outcome"] == "duplicate"


def test_refund_before_completion_is_found_by_the_charge_metadata(fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory(), amount="80")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    charge = fake_stripe.charges[fake_stripe.payment_intents[session["payment_intent"]]["latest_charge"]]
    charge["amount_refunded"] = 80_00

    assert deliver("charge.refunded", charge).status_code == 200
    gift.refresh_from_db()
    assert (gift.status, gift.refunded_cents) == (Gift.Status.PENDING, 80_00)

    deliver("checkout.session.completed", session)
    gift.refresh_from_db()
    assert gift.status == Gift.Status.REFUNDED
    assert raised(gift.campaign) == (0, 0, 0)
    assert gift.receipt_sent_at is None  # refunded in full before any receipt: none is sent
    assert mail.outbox == []


def test_refund_of_an_old_charge_the_site_never_knew_is_acknowledged(fake_stripe, paid_gift, deliver):
    gift = paid_gift(CampaignFactory())
    foreign = {"object": "charge", "id": "ch_dashboard", "payment_intent": "pi_dashboard", "amount_refunded": 10_00}

    recent = deliver("charge.refunded", {**foreign, "created": int(time.time()) - 3600})
    old = deliver("charge.refunded", {**foreign, "created": int(time.time()) - 25 * 3600})

    assert (recent.status_code, old.status_code) == (500, 200)  # retried while it may still be out of order
    assert Gift.objects.get(pk=gift.pk).refunded_cents == 0
    assert raised(gift.campaign) == (50_00, 1, 1)


def test_dispute_takes_the_gift_off_the_meter_and_a_won_dispute_restores_it(fake_stripe, paid_gift, deliver):
    campaign = CampaignFactory()
    gift = paid_gift(campaign)
    dispute = {"id": "dp_1", "object": "dispute", "charge": "ch_x", "payment_intent": gift.stripe_payment_intent_id}
    assert gift.stripe_payment_intent_id

    deliver("charge.dispute.created", {**dispute, "status": "needs_response"})
    gift.refresh_from_db()
    assert gift.status == Gift.Status.DISPUTED
    assert raised(campaign) == (0, 0, 0)

    deliver("charge.dispute.closed", {**dispute, "status": "won"})
    gift.refresh_from_db()
    assert gift.status == Gift.Status.SUCCEEDED
    assert raised(campaign) == (50_00, 1, 1)


def test_lost_dispute_stays_off_the_meter(fake_stripe, paid_gift, deliver):
    campaign = CampaignFactory()
    gift = paid_gift(campaign)
    dispute = {"id": "dp_2", "object": "dispute", "charge": "ch_y", "payment_intent": gift.stripe_payment_intent_id}
    deliver("charge.dispute.created", {**dispute, "status": "needs_response"})
    deliver("charge.dispute.closed", {**dispute, "status": "lost"})
    gift.refresh_from_db()
    assert gift.status == Gift.Status.DISPUTED
    assert raised(campaign) == (0, 0, 0)


# --- Monthly gifts -------------------------------------------------------------------------------


def test_first_invoice_and_completed_session_are_one_gift_in_either_order(fake_stripe, start_gift, deliver):
    campaign = CampaignFactory()
    for order in (["invoice.paid", "checkout.session.completed"], ["checkout.session.completed", "invoice.paid"]):
        gift = start_gift(campaign, frequency="monthly", amount="25")
        session = fake_stripe.complete_session(gift.stripe_checkout_session_id, email=f"{order[0]}@example.com")
        objects = {"invoice.paid": fake_stripe.invoices[session["invoice"]], "checkout.session.completed": session}
        for event_type in order:
            assert deliver(event_type, objects[event_type]).status_code == 200
        gift.refresh_from_db()
        assert gift.status == Gift.Status.SUCCEEDED
        assert gift.stripe_invoice_id == session["invoice"]
        assert gift.plan.stripe_subscription_id == session["subscription"]
        assert gift.plan.status == RecurringPlan.Status.ACTIVE

    assert Gift.objects.count() == 2
    assert RecurringPlan.objects.count() == 2
    assert raised(campaign) == (50_00, 2, 2)
    assert len(mail.outbox) == 2


def test_every_later_invoice_is_a_new_gift_of_the_plan(fake_stripe, start_gift, deliver):
    campaign = CampaignFactory()
    gift = start_gift(campaign, frequency="monthly", amount="25", display_name="The Riveras")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id, email="rivera@example.com")
    deliver("checkout.session.completed", session)
    deliver("invoice.paid", fake_stripe.invoices[session["invoice"]])

    second = fake_stripe.invoice_for(session["subscription"])
    deliver("invoice.paid", second)
    deliver("invoice.paid", second)  # another event id for the same invoice

    gift.refresh_from_db()
    gifts = list(Gift.objects.order_by("pk"))
    assert len(gifts) == 2
    month2 = gifts[1]
    assert (month2.status, month2.amount_cents, month2.plan_id) == (Gift.Status.SUCCEEDED, 25_00, gift.plan_id)
    assert (month2.display_name, month2.donor_email) == ("The Riveras", "rivera@example.com")
    assert month2.stripe_payment_intent_id == second["payments"]["data"][0]["payment"]["payment_intent"]
    assert raised(campaign) == (50_00, 2, 1)  # one donor, two gifts
    assert len(mail.outbox) == 2  # a receipt for each month


def test_invoice_of_an_unknown_subscription_waits_for_retry(fake_stripe, deliver):
    invoice = {
        "object": "invoice",
        "id": "in_lonely",
        "amount_paid": 500,
        "parent": {"subscription_details": {"subscription": "sub_unknown", "metadata": {}}},
    }
    assert deliver("invoice.paid", {**invoice, "created": int(time.time())}).status_code == 500
    assert not Gift.objects.exists()
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.FAILED
    # A subscription made outside the site (Stripe Dashboard), a day on: acknowledged, nothing recorded.
    assert deliver("invoice.paid", {**invoice, "created": int(time.time()) - 2 * 86400}).status_code == 200
    assert not Gift.objects.exists()


def test_failed_invoice_puts_the_plan_past_due_and_updates_and_deletion_follow_stripe(fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory(), frequency="monthly")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    deliver("checkout.session.completed", session)
    plan = RecurringPlan.objects.get()
    subscription = fake_stripe.subscriptions[session["subscription"]]

    failed = fake_stripe.invoice_for(session["subscription"], paid=False)
    deliver("invoice.payment_failed", failed)
    plan.refresh_from_db()
    assert plan.status == RecurringPlan.Status.PAST_DUE
    assert Gift.objects.count() == 1

    items = {"data": [{"price": {"unit_amount": 40_00}, "quantity": 1}]}  # raised in the Customer Portal
    deliver("customer.subscription.updated", {**subscription, "status": "active", "items": items})
    plan.refresh_from_db()
    assert (plan.status, plan.amount_cents, plan.fee_cents) == (RecurringPlan.Status.ACTIVE, 40_00, 0)

    deliver("customer.subscription.deleted", {**subscription, "status": "canceled", "canceled_at": 1_700_000_000})
    plan.refresh_from_db()
    assert plan.status == RecurringPlan.Status.CANCELED
    assert plan.canceled_at.timestamp() == 1_700_000_000

    deliver("customer.subscription.updated", {**subscription, "status": "active"})  # late, older news
    plan.refresh_from_db()
    assert plan.status == RecurringPlan.Status.CANCELED
    assert Gift.objects.get().status == Gift.Status.SUCCEEDED  # the paid month stays paid


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
    # update, its audit-history row, the donor upsert, the tally update. (The test runs inside a
    # transaction, so BEGIN and COMMIT are a savepoint and its release here; the history middleware
    # reads this test client's session to name the user, which Stripe's requests do not carry; the
    # immediate task backend enqueues the receipt after commit.) A change here changes what every
    # payment costs.
    with django_assert_num_queries(10):
        assert fake_stripe.post(client, event).status_code == 200
