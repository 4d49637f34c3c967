import pytest

from core import money
from donations import stripe_gateway
from donations.models import Gift
from tests.factories import CampaignFactory, DesignationFactory

from .conftest import form_data

pytestmark = pytest.mark.django_db


def test_one_time_gift_sends_exact_checkout_params(start_gift, fake_stripe):
    designation = DesignationFactory(slug="infusion", name="Infusion Center")
    gift = start_gift(designation.campaign, amount="100", designation="infusion")

    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    metadata = {"gift_id": str(gift.pk), "campaign": designation.campaign.slug, "designation": "infusion"}
    assert call.idempotency_key == f"gift-{gift.pk}-checkout"
    assert call.params == {
        "mode": "payment",
        "submit_type": "donate",
        "line_items": [
            {
                "quantity": "1",
                "price_data": {
                    "currency": "usd",
                    "unit_amount": "10000",
                    "product_data": {"name": f"Gift to {designation.campaign.title}: Infusion Center"},
                },
            }
        ],
        "client_reference_id": str(gift.pk),
        "metadata": metadata,
        "locale": "en",
        "success_url": "https://give.example.org/donate/thanks/?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": f"https://give.example.org/donate/cancelled/?gift={gift.pk}",
        "billing_address_collection": "required",
        "customer_creation": "always",
        "payment_intent_data": {"metadata": metadata},
    }


def test_monthly_gift_with_fee_is_a_subscription_for_the_server_total(start_gift, fake_stripe):
    campaign = CampaignFactory()
    gift = start_gift(campaign, frequency="monthly", amount="other", other_amount="37.50", cover_fee="on")

    fee = money.fee_cents(37_50)
    assert (gift.amount_cents, gift.fee_cents, gift.frequency) == (37_50, fee, "monthly")
    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert call.params["mode"] == "subscription"
    assert call.params["submit_type"] == "donate"
    price = call.params["line_items"][0]["price_data"]
    assert price["unit_amount"] == str(37_50 + fee)
    assert price["recurring"] == {"interval": "month"}
    assert price["product_data"]["description"] == f"Includes {money.format_cents(fee)} to cover processing fees"
    assert call.params["subscription_data"] == {
        "metadata": {"gift_id": str(gift.pk), "campaign": campaign.slug, "designation": ""}
    }
    assert "customer_creation" not in call.params
    assert "payment_intent_data" not in call.params


def test_stripe_error_shows_a_friendly_page_and_marks_the_gift_failed(client, fake_stripe):
    campaign = CampaignFactory()
    fake_stripe.fail_next(status=401, type="invalid_request_error", code="", message="Invalid API Key provided")

    response = client.post("/donate/", form_data(campaign))

    assert response.status_code == 503
    assert "No payment was taken" in response.content.decode()
    assert "Invalid API Key" not in response.content.decode()
    gift = Gift.objects.get()
    assert gift.status == Gift.Status.FAILED
    assert gift.stripe_checkout_session_id == ""


def test_network_timeouts_are_retried_with_the_same_idempotency_key(client, fake_stripe, monkeypatch):
    monkeypatch.setattr(stripe_gateway.stripe.HTTPClient, "_sleep_time_seconds", lambda self, n: 0)
    campaign = CampaignFactory()
    fake_stripe.timeout_next(times=2)

    response = client.post("/donate/", form_data(campaign))

    assert response.status_code == 303
    calls = fake_stripe.calls("POST", "/v1/checkout/sessions")
    gift = Gift.objects.get()
    assert [c.idempotency_key for c in calls] == [f"gift-{gift.pk}-checkout"] * 3
    assert len(fake_stripe.sessions) == 1


CHECKOUT = stripe_gateway.CheckoutRequest(
    recurring=False,
    amount_cents=500,
    currency="usd",
    name="Gift",
    description="",
    client_reference_id="7",
    metadata={"gift_id": "7"},
    locale="en",
    success_url="https://x/",
    cancel_url="https://x/",
)


def test_the_same_idempotency_key_returns_the_same_session(fake_stripe):
    first = stripe_gateway.checkout_session_create(request=CHECKOUT, idempotency_key="gift-7-checkout")
    second = stripe_gateway.checkout_session_create(request=CHECKOUT, idempotency_key="gift-7-checkout")
    assert first.id == second.id
    assert len(fake_stripe.sessions) == 1


@pytest.mark.parametrize(
    ("status", "error_type", "code", "expected"),
    [
        (402, "card_error", "card_declined", stripe_gateway.PaymentDeclined),
        (401, "invalid_request_error", "", stripe_gateway.PaymentConfigurationError),
        (404, "invalid_request_error", "resource_missing", stripe_gateway.PaymentNotFound),
        (429, "invalid_request_error", "rate_limit", stripe_gateway.PaymentGatewayError),
        (500, "api_error", "", stripe_gateway.PaymentGatewayError),
    ],
)
def test_stripe_errors_map_to_the_payment_error_hierarchy(fake_stripe, status, error_type, code, expected):
    fake_stripe.fail_next(status=status, type=error_type, code=code, message="boom", times=3)
    with pytest.raises(expected) as caught:
        stripe_gateway.checkout_session_retrieve("cs_test_missing")
    assert isinstance(caught.value, stripe_gateway.PaymentError)
    assert type(caught.value) is expected


def test_retrieve_list_portal_and_subscription_calls(fake_stripe, start_gift):
    gift = start_gift(CampaignFactory(), frequency="monthly")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)

    assert stripe_gateway.checkout_session_retrieve(session["id"]).status == "complete"
    assert [s.id for s in stripe_gateway.checkout_session_list(created_gte=0)] == [session["id"]]
    assert stripe_gateway.subscription_retrieve(session["subscription"]).status == "active"
    assert [s.id for s in stripe_gateway.subscription_list()] == [session["subscription"]]
    portal = stripe_gateway.billing_portal_session_create(customer_id=session["customer"], return_url="https://x/")
    assert portal.url.startswith("https://billing.stripe.com/")
    assert [(c.method, c.path) for c in fake_stripe.requests] == [
        ("POST", "/v1/checkout/sessions"),
        ("GET", f"/v1/checkout/sessions/{session['id']}"),
        ("GET", "/v1/checkout/sessions"),
        ("GET", f"/v1/subscriptions/{session['subscription']}"),
        ("GET", "/v1/subscriptions"),
        ("POST", "/v1/billing_portal/sessions"),
    ]
    assert fake_stripe.calls("GET", "/v1/checkout/sessions")[0].params == {"limit": "100", "created": {"gte": "0"}}


def test_api_base_setting_points_the_client_elsewhere(fake_stripe, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:12111"
    with pytest.raises(stripe_gateway.PaymentNotFound):
        stripe_gateway.checkout_session_retrieve("cs_test_nothing")
    assert fake_stripe.requests[-1].headers["Authorization"] == "Bearer sk_test_fake"


def test_event_construct_refuses_what_is_not_a_signed_event(fake_stripe):
    body = '{"id": "evt_1", "type": "x", "data": {"object": {}}}'
    assert (
        stripe_gateway.event_construct(payload=body.encode(), signature_header=fake_stripe.sign(body))["id"] == "evt_1"
    )
    for header in [
        None,
        "",
        "garbage",
        fake_stripe.sign(body, secret="whsec_other"),
        fake_stripe.sign(body, timestamp=1),
    ]:
        with pytest.raises(stripe_gateway.WebhookSignatureInvalid):
            stripe_gateway.event_construct(payload=body.encode(), signature_header=header)


def test_only_the_gateway_imports_stripe():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"^\s*(import stripe|from stripe\b)", re.MULTILINE)
    importers = sorted(
        str(path.relative_to(root))
        for folder in ("campaign", "config", "destination", "donations")
        for path in (root / folder).rglob("*.py")
        if pattern.search(path.read_text())
    )
    assert importers == ["donations/stripe_gateway.py"]
