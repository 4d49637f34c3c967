"""Stripe webhooks: bad deliveries are refused, one-time gifts are recorded once."""

import json
import time

import pytest
from django.core import mail

from donations.models import Gift, RecurringPlan, WebhookEvent
from tests.factories import CampaignFactory, DesignationFactory
from tests.readings import tally_counts as raised

pytestmark = pytest.mark.django_db


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
