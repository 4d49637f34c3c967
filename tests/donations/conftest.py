import pytest

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
def mail_outbox(settings, mailoutbox):
    return mailoutbox
