import re

import pytest
from django.core import mail

from tests.donations.conftest import deliver, fake_stripe  # noqa: F401 - the fake Stripe for tributes at checkout
from tests.factories import GiftFactory

LINK = re.compile(r"https?://[^/\s]+(/donate/manage/access/)#(\S+)")


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Ask the door for a link to `email`'s pages; returns the response."""

    def _ask(email, *, using=None):
        with django_capture_on_commit_callbacks(execute=True):
            return (using or client).post("/donate/manage/", {"email": email})

    return _ask


@pytest.fixture
def sign_in(client, ask):
    """Ask for a link for `email`, open it in `using` (default: client), return the token."""

    def _sign_in(email, *, using=None):
        mail.outbox.clear()
        ask(email, using=using)
        token = LINK.search(mail.outbox[-1].body).group(2)
        response = (using or client).post("/donate/manage/access/", {"token": token})
        assert response.status_code == 303, response.status_code
        return token

    return _sign_in


@pytest.fixture
def alice_gift():
    return GiftFactory(
        donor_email="Alice@Example.com",
        donor_name="Alice Doe",
        amount_cents=120_00,
        receipt_year=2026,
        receipt_serial=41,
    )


@pytest.fixture
def bob_gift():
    return GiftFactory(
        donor_email="bob@example.com", donor_name="Bob Roe", amount_cents=77_00, receipt_year=2026, receipt_serial=42
    )
