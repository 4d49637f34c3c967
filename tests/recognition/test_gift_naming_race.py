"""Two donors press “Continue to secure payment” for one space at the same moment (PostgreSQL, real threads)."""

import pytest
from django.db import connection
from django.test import Client

from donations.models import Gift
from recognition.models import NamingClaim, NamingOpportunity, NamingStatus
from tests.donations.conftest import form_data
from tests.donations.test_concurrency import concurrently
from tests.factories import CampaignFactory
from tests.recognition.conftest import make_space

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")


@pytest.mark.parametrize("round_", range(3))
def test_two_donors_racing_for_one_space_exactly_one_gets_checkout(round_, fake_stripe, settings):
    settings.GIFT_MAX_CENTS = 25_000_00
    campaign = CampaignFactory()
    space = make_space(campaign, f"Bay {round_}", price_cents=500_00)

    def donor(name):
        def post():
            data = form_data(campaign, naming=str(space.pk), recognition_name=name, amount="")
            response = Client(REMOTE_ADDR=f"198.51.100.{len(name)}").post("/donate/", data)
            return response.status_code, response.content.decode() if response.status_code != 303 else ""

        return post

    results = concurrently(donor("The Rivera family"), donor("Ada Lovelace"))

    assert sorted(status for status, _ in results) == [303, 409]
    refused = next(body for status, body in results if status == 409)
    assert "Someone is naming this space right now" in refused
    # One gift, one session, one hold: the refused donor left nothing behind.
    (gift,) = Gift.objects.all()
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 1
    claim = NamingClaim.objects.get()
    assert (claim.gift_id, claim.status, claim.released_at) == (gift.pk, NamingStatus.HELD, None)
    assert NamingOpportunity.objects.get(pk=space.pk).status == NamingStatus.HELD
