"""Checkout collects the donor's billing address; the gift keeps it as the mailing address."""

import pytest

from donations.stripe_types import mailing_address
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("frequency", ["one_time", "monthly"])
def test_checkout_asks_every_donor_for_a_billing_address(start_gift, fake_stripe, frequency):
    start_gift(CampaignFactory(), frequency=frequency)
    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert call.params["billing_address_collection"] == "required"


def test_the_paid_gift_keeps_the_address_for_the_thank_you_letter(paid_gift):
    gift = paid_gift(CampaignFactory())
    assert gift.donor_address == "12 Elm St\nHartford, CT 06106\nUS"


def test_the_address_reaches_the_export(paid_gift, dev_client):
    paid_gift(CampaignFactory())
    response = dev_client.get("/admin/donations/gift/export/?format=csv")
    assert response.status_code == 200
    assert "12 Elm St" in b"".join(response.streaming_content).decode("utf-8")


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        (None, ""),
        ("12 Elm St", ""),
        ([], ""),
        ({"line1": None, "line2": None, "city": None, "state": None, "postal_code": None, "country": None}, ""),
        ({"line1": "1 Rue", "city": "Paris", "postal_code": "75001", "country": "FR"}, "1 Rue\nParis 75001\nFR"),
        ({"line1": "  A \n B ", "line2": 5, "city": {"x": 1}, "state": "CT"}, "A B\nCT"),
        ({"line1": "x" * 1000, "line2": "y" * 1000, "city": "z" * 1000}, None),
    ],
)
def test_the_mailing_address_is_text_only_and_bounded(address, expected):
    text = mailing_address(address)
    if expected is None:
        assert len(text) <= 500
    else:
        assert text == expected
