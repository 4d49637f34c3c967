"""
The fake Stripe and the demo checkout are Stripe's, not ours: every object they return and every
event they sign has only fields Stripe's own example object has (donations/stripe_fixtures), every
request names the pinned API version, and the fake refuses what Stripe refuses.
"""

import json
import time

import pytest

from donations import stripe_gateway
from donations.models import WebhookEvent
from donations.stripe_fixtures import fields_not_in_fixture, fixture
from tests.factories import CampaignFactory

from .conftest import form_data
from .test_stripe_gateway import CHECKOUT

pytestmark = pytest.mark.django_db


def test_the_shape_check_finds_a_field_the_example_lacks():
    invoice = fixture("invoice")
    assert fields_not_in_fixture(invoice, "invoice") == []
    invoice["payments"] = {"object": "list", "data": [{"payment": {"payment_intent": "pi_1"}}]}
    invoice["status_transitions"]["retried_at"] = 1
    invoice["metadata"] = {"gift_id": "7"}  # the site's own keys: free
    assert sorted(fields_not_in_fixture(invoice, "invoice")) == ["payments", "status_transitions.retried_at"]
    # The pinned version has no invoice.subscription: the fixture loader drops the example's.
    assert "subscription" not in invoice


def _everything_the_site_meets(fake_stripe, start_gift, deliver):
    campaign = CampaignFactory()
    one_time = start_gift(campaign)
    session = fake_stripe.complete_session(one_time.stripe_checkout_session_id)
    deliver("checkout.session.completed", session)
    intent = session["payment_intent"]
    refund = fake_stripe.refund(intent, 10_00)
    deliver("refund.created", refund)
    deliver("charge.refunded", fake_stripe.charge_of(intent))
    dispute = fake_stripe.dispute(intent)
    deliver("charge.dispute.created", dispute)
    deliver("charge.dispute.closed", fake_stripe.close_dispute(dispute["id"], status="won"))

    monthly = start_gift(campaign, frequency="monthly")
    session = fake_stripe.complete_session(monthly.stripe_checkout_session_id)
    deliver("checkout.session.completed", session)
    deliver("invoice.paid", fake_stripe.invoices[session["invoice"]])
    deliver("invoice.paid", fake_stripe.invoice_for(session["subscription"]))
    deliver("customer.subscription.updated", fake_stripe.subscriptions[session["subscription"]])
    stripe_gateway.checkout_session_list(created_gte=0)
    stripe_gateway.subscription_list()
    stripe_gateway.invoice_list(created_gte=0)
    stripe_gateway.invoice_payment_list(invoice_id=session["invoice"])
    stripe_gateway.billing_portal_session_create(customer_id=session["customer"], return_url="https://x/")


def test_every_object_and_event_of_the_fake_is_shaped_like_stripes_examples(fake_stripe, start_gift, deliver):
    _everything_the_site_meets(fake_stripe, start_gift, deliver)

    kinds = set()
    for obj in fake_stripe.returned:
        items = obj["data"] if obj["object"] == "list" else [obj]
        for item in items:
            if item["object"] == "event":
                assert fields_not_in_fixture({**item, "data": {"object": {}}}, "event") == []
                item = item["data"]["object"]
            assert fields_not_in_fixture(item, item["object"]) == [], item["object"]
            kinds.add(item["object"])
    assert kinds == {
        "checkout.session",
        "charge",
        "dispute",
        "refund",
        "invoice",
        "invoice_payment",
        "subscription",
        "billing_portal.session",
    }
    assert {e["api_version"] for e in fake_stripe.events} == {stripe_gateway.STRIPE_API_VERSION}
    assert not any("payments" in e["data"]["object"] for e in fake_stripe.events)


def test_every_request_names_the_pinned_api_version(fake_stripe, start_gift, deliver):
    _everything_the_site_meets(fake_stripe, start_gift, deliver)

    assert [
        (r.method, r.path.rsplit("/", 1)[0] if "/charges/" in r.path else r.path) for r in fake_stripe.requests
    ] == [
        ("POST", "/v1/checkout/sessions"),
        ("GET", "/v1/charges"),  # refund.created: the charge as it is now
        ("GET", "/v1/charges"),  # charge.refunded: likewise
        ("POST", "/v1/checkout/sessions"),
        ("GET", "/v1/invoice_payments"),  # invoice.paid: the payment of the first month
        ("GET", "/v1/invoice_payments"),  # and of the second
        ("GET", "/v1/checkout/sessions"),
        ("GET", "/v1/subscriptions"),
        ("GET", "/v1/invoices"),
        ("GET", "/v1/invoice_payments"),
        ("POST", "/v1/billing_portal/sessions"),
    ]
    assert {r.headers["Stripe-Version"] for r in fake_stripe.requests} == {"2026-10-28.endive"}
    assert stripe_gateway.STRIPE_API_VERSION == "2026-10-28.endive"


def test_the_fake_refuses_another_api_version(fake_stripe, monkeypatch):
    monkeypatch.setattr(stripe_gateway, "STRIPE_API_VERSION", "2025-09-30.clover")
    with pytest.raises(stripe_gateway.PaymentConfigurationError):
        stripe_gateway.subscription_list()


def test_every_demo_event_is_shaped_like_stripes_examples(client, demo_payments):
    campaign = CampaignFactory()
    for frequency in ("one_time", "monthly"):
        response = client.post("/donate/", form_data(campaign, frequency=frequency))
        client.post(response["Location"], {"action": "pay", "email": "d@example.com", "name": "D"})
    response = client.post("/donate/", form_data(campaign))
    client.post(response["Location"], {"action": "decline"})

    events = [row.payload for row in WebhookEvent.objects.order_by("pk")]
    assert [e["type"] for e in events] == [
        "checkout.session.completed",
        "checkout.session.completed",
        "invoice.paid",
        "checkout.session.async_payment_failed",
    ]
    for event in events:
        assert fields_not_in_fixture({**event, "data": {"object": {}}}, "event") == []
        assert fields_not_in_fixture(event["data"]["object"], event["data"]["object"]["object"]) == []
        assert event["api_version"] == stripe_gateway.STRIPE_API_VERSION


def _raw(fake_stripe, method, path, body="", *, key=None):
    headers = {"Stripe-Version": stripe_gateway.STRIPE_API_VERSION}
    if key:
        headers["Idempotency-Key"] = key
    url = "https://api.stripe.com" + path
    text, status, _headers = fake_stripe.request(method, url, headers, body)
    return status, json.loads(text)


def test_the_fake_refuses_unknown_parameters_like_stripe(fake_stripe):
    status, body = _raw(fake_stripe, "post", "/v1/refunds", "payment_intent=pi_1&amout=500")
    assert (status, body["error"]["code"], body["error"]["param"]) == (400, "parameter_unknown", "amout")
    status, body = _raw(fake_stripe, "get", "/v1/invoices?status=paid&createdd[gte]=1")
    assert (status, body["error"]["param"]) == (400, "createdd")
    status, body = _raw(fake_stripe, "get", "/v1/invoices?created[after]=1")
    assert (status, body["error"]["param"]) == (400, "created[after]")
    body = "mode=payment&line_items[0][price_data][unit_amout]=5&success_url=x&cancel_url=y"
    status, body = _raw(fake_stripe, "post", "/v1/checkout/sessions", body)
    assert (status, body["error"]["param"]) == (400, "line_items[][price_data][unit_amout]")


def test_an_idempotency_key_reused_with_other_parameters_is_refused(fake_stripe):
    request = CHECKOUT
    first = stripe_gateway.checkout_session_create(request=request, idempotency_key="gift-7-checkout")
    again = stripe_gateway.checkout_session_create(request=request, idempotency_key="gift-7-checkout")
    assert again.id == first.id
    other = stripe_gateway.CheckoutRequest(**{**request.__dict__, "amount_cents": 600})
    with pytest.raises(stripe_gateway.PaymentError) as caught:
        stripe_gateway.checkout_session_create(request=other, idempotency_key="gift-7-checkout")
    assert "can only be used with the same parameters" in str(caught.value)
    assert len(fake_stripe.sessions) == 1


def test_lists_honour_filters_and_paging(fake_stripe, start_gift):
    campaign = CampaignFactory()
    gift = start_gift(campaign, frequency="monthly")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    subscription = session["subscription"]
    now = int(time.time())
    old = fake_stripe.invoice_for(subscription, created=now - 10 * 86400)
    unpaid = fake_stripe.invoice_for(subscription, paid=False)
    newest = fake_stripe.invoice_for(subscription, created=now + 5)

    def ids(path):
        status, body = _raw(fake_stripe, "get", path)
        assert status == 200, body
        return [o["id"] for o in body["data"]], body["has_more"]

    first = session["invoice"]
    assert ids("/v1/invoices?status=paid") == ([newest["id"], first, old["id"]], False)
    assert ids(f"/v1/invoices?status=paid&created[gte]={now - 86400}") == ([newest["id"], first], False)
    assert ids("/v1/invoices?status=open") == ([unpaid["id"]], False)
    assert ids("/v1/invoices?limit=2") == ([newest["id"], unpaid["id"]], True)
    assert ids(f"/v1/invoices?limit=2&starting_after={unpaid['id']}") == ([first, old["id"]], False)
    assert ids(f"/v1/invoices?subscription={subscription}&limit=1") == ([newest["id"]], True)
    [payment], _more = ids(f"/v1/invoice_payments?invoice={old['id']}")
    assert fake_stripe.invoice_payments[payment]["payment"]["payment_intent"] == fake_stripe.invoice_payment_intent(
        old["id"]
    )
    assert ids(f"/v1/invoice_payments?invoice={unpaid['id']}") == ([], False)
    assert [i.id for i in stripe_gateway.invoice_list(created_gte=0, limit=1)] == [newest["id"], first, old["id"]]
    assert len(fake_stripe.calls("GET", "/v1/invoices")) == 6 + 3  # the last list took three pages
