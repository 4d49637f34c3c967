import types

import pytest

from core import ratelimit
from donations import stripe_gateway
from tests.fakes.stripe_fake import FakeStripe


@pytest.fixture
def fake_stripe(settings):
    """Real-key mode (no demo) with every Stripe call answered by the project's fake."""
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_fake"
    settings.STRIPE_API_BASE = ""
    settings.DEMO_PAYMENTS = False
    settings.SITE_URL = "https://give.example.org"
    fake = FakeStripe(webhook_secret=settings.STRIPE_WEBHOOK_SECRET)
    stripe_gateway.use_http_client(fake)
    yield fake
    stripe_gateway.use_http_client(None)


@pytest.fixture
def demo_payments(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = "whsec_demo_payments_only"
    settings.DEMO_PAYMENTS = True
    return settings


@pytest.fixture
def frozen_ratelimit_windows(monkeypatch):
    """Every attempt falls in the same rate-limit windows (1_800_000_000 starts a minute, ten minutes and an hour)."""
    clock = types.SimpleNamespace(time=lambda: 1_800_000_000.0)
    monkeypatch.setattr(ratelimit, "time", clock)
    return clock


@pytest.fixture
def gift_limits(settings):
    """The default limits on starting a gift, and no Turnstile keys (the newcomer's setup)."""
    settings.GIFT_SESSIONS_PER_ADDRESS = 5
    settings.GIFT_ADDRESS_WINDOW_SECONDS = 600
    settings.GIFT_SESSIONS_PER_ADDRESS_MAX = 20
    settings.GIFT_SESSIONS_GLOBAL_PER_MINUTE = 10
    settings.GIFT_SESSIONS_GLOBAL_PER_HOUR = 200
    settings.GIFT_CHALLENGE_SECONDS = 600
    settings.TURNSTILE_SITE_KEY = ""
    settings.TURNSTILE_SECRET_KEY = ""
    return settings


def form_data(campaign, **overrides):
    data = {
        "campaign": campaign.slug,
        "frequency": "one_time",
        "amount": "50",
        "other_amount": "",
        "display_name": "Ada L.",
        "message": "",
        "dedication": "",
        "honoree_name": "",
        "honoree_email": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def start_gift(client, fake_stripe):
    """Post the gift form; return the pending gift (its Checkout Session created at the fake)."""
    from donations.models import Gift

    def start(campaign, **overrides):
        response = client.post("/donate/", form_data(campaign, **overrides))
        assert response.status_code == 303, response.content.decode()[:2000]
        return Gift.objects.get(stripe_checkout_session_id=response["Location"].rsplit("/", 1)[-1])

    return start


@pytest.fixture
def deliver(client, fake_stripe, django_capture_on_commit_callbacks):
    """Sign and post an event (type, object) through the test client, running on-commit work."""

    def send(event_type, obj, **kwargs):
        event = fake_stripe.event(event_type, obj)
        with django_capture_on_commit_callbacks(execute=True):
            response = fake_stripe.post(client, event, **kwargs)
        response.event = event
        return response

    return send


@pytest.fixture
def paid_gift(start_gift, fake_stripe, deliver):
    """A one-time gift paid through Checkout and recorded by its webhook."""

    def pay(campaign, **overrides):
        gift = start_gift(campaign, **overrides)
        session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
        response = deliver("checkout.session.completed", session)
        assert response.status_code == 200, response.content
        gift.refresh_from_db()
        return gift

    return pay
