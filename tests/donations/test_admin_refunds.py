"""Finance refunds from the admin: a form, a confirmation, Stripe, the record, and the meter."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages

from campaign.tallies import tally_totals
from donations.models import Gift
from tests.factories import CampaignFactory, GiftFactory

pytestmark = pytest.mark.django_db


def raised(campaign) -> int:
    return tally_totals(campaign=campaign, designation=None).raised_cents


def refund_url(gift) -> str:
    return f"/admin/donations/gift/{gift.pk}/refund/"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def campaign():
    return CampaignFactory()


def test_finance_refunds_part_of_a_gift_after_confirming(client, finance_officer, fake_stripe, paid_gift, campaign):
    gift = paid_gift(campaign, amount="100", cover_fee="on")
    fee = gift.fee_cents
    before = raised(campaign)
    client.force_login(finance_officer)
    assert f'href="{refund_url(gift)}"' in client.get(f"/admin/donations/gift/{gift.pk}/change/").content.decode()

    form_page = client.get(refund_url(gift))
    assert form_page.status_code == 200
    assert form_page.context["form"]["amount"].value() == f"{(100_00 + fee) // 100}.{(100_00 + fee) % 100:02d}"

    data = {"amount": "40.00", "reason": "requested_by_customer", "note": "Donor gave twice by mistake."}
    confirm = client.post(refund_url(gift), data)
    assert confirm.status_code == 200
    assert confirm.context["confirming"] is True
    assert "Refund $40.00 to the donor" in confirm.content.decode()
    assert fake_stripe.calls("POST", "/v1/refunds") == []  # nothing yet

    done = client.post(refund_url(gift), {**data, "confirm": "yes"})

    assert done.status_code == 302
    assert done["Location"] == f"/admin/donations/gift/{gift.pk}/change/"
    [call] = fake_stripe.calls("POST", "/v1/refunds")
    assert (call.params["amount"], call.params["reason"]) == ("4000", "requested_by_customer")
    assert call.params["metadata"]["actor"] == str(finance_officer.pk)
    gift.refresh_from_db()
    assert (gift.status, gift.refunded_cents) == (Gift.Status.PARTIALLY_REFUNDED, 40_00)
    # A refund comes out of the gift (the covered fee never counted): the meter moves by all of it.
    assert before - raised(campaign) == 40_00
    record = gift.history.order_by("-history_id").first()
    assert record.history_user == finance_officer
    assert record.history_change_reason.startswith("Refunded $40.00: Requested by the donor. Donor gave twice")
    entry = LogEntry.objects.get(object_id=str(gift.pk))
    assert (entry.user, entry.change_message) == (
        finance_officer,
        "Refunded $40.00: Requested by the donor. Donor gave twice by mistake.",
    )
    assert messages_of(done) == ["Refunded $40.00: Requested by the donor. Donor gave twice by mistake."]


def test_a_full_refund_takes_the_gift_off_the_meter(client, finance_officer, fake_stripe, paid_gift, campaign):
    gift = paid_gift(campaign, amount="100")
    GiftFactory(campaign=campaign, amount_cents=30_00)
    assert raised(campaign) == 130_00
    client.force_login(finance_officer)
    data = {"amount": "100", "reason": "duplicate", "note": "Duplicate.", "confirm": "yes"}
    assert client.post(refund_url(gift), data).status_code == 302
    gift.refresh_from_db()
    assert (gift.status, gift.counted_cents) == (Gift.Status.REFUNDED, 0)
    assert raised(campaign) == 30_00


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        (
            {"amount": "100.01", "reason": "duplicate", "note": "x"},
            "amount",
            "The refund must be between $0.01 and $100.00.",
        ),
        (
            {"amount": "0", "reason": "duplicate", "note": "x"},
            "amount",
            "The refund must be between $0.01 and $100.00.",
        ),
        (
            {"amount": "ten", "reason": "duplicate", "note": "x"},
            "amount",
            "Enter the amount in dollars, like 50 or 50.00.",
        ),
        (
            {"amount": "10", "reason": "duplicate", "note": ""},
            "note",
            "Say why the gift is refunded: it stays in the gift's history.",
        ),
        ({"amount": "10", "reason": "because", "note": "x"}, "reason", None),
    ],
)
def test_bad_refund_requests_are_explained_and_nothing_happens(
    client,
    finance_officer,
    fake_stripe,
    paid_gift,
    campaign,
    data,
    field,
    error,
):
    gift = paid_gift(campaign, amount="100")
    client.force_login(finance_officer)
    response = client.post(refund_url(gift), {**data, "confirm": "yes"})
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert errors == [error] if error else len(errors) == 1
    assert fake_stripe.calls("POST", "/v1/refunds") == []
    gift.refresh_from_db()
    assert (gift.refunded_cents, gift.status) == (0, Gift.Status.SUCCEEDED)


def test_a_stripe_error_is_shown_and_nothing_is_recorded(client, finance_officer, fake_stripe, paid_gift, campaign):
    gift = paid_gift(campaign, amount="100")
    before = raised(campaign)
    client.force_login(finance_officer)
    fake_stripe.fail_next(status=400, type="invalid_request_error", code="charge_disputed", message="Disputed")
    response = client.post(refund_url(gift), {"amount": "10", "reason": "duplicate", "note": "x", "confirm": "yes"})
    assert response.status_code == 200
    [message] = messages_of(response)
    assert message.startswith("Stripe did not refund the gift:")
    assert message.endswith("Nothing was recorded; try again.")
    gift.refresh_from_db()
    assert (gift.refunded_cents, gift.status, raised(campaign)) == (0, Gift.Status.SUCCEEDED, before)


def test_development_staff_cannot_refund_even_by_posting(client, development_officer, fake_stripe, paid_gift, campaign):
    gift = paid_gift(campaign, amount="100")
    client.force_login(development_officer)
    response = client.post(refund_url(gift), {"amount": "10", "reason": "duplicate", "note": "x", "confirm": "yes"})
    assert response.status_code == 403
    assert fake_stripe.calls("POST", "/v1/refunds") == []
    assert "/refund/" not in client.get(f"/admin/donations/gift/{gift.pk}/change/").content.decode()


def test_offline_gifts_have_no_refund_through_stripe(client, finance_officer, fake_stripe):
    check = GiftFactory(source=Gift.Source.CHECK, reference="77")
    client.force_login(finance_officer)
    response = client.get(refund_url(check))
    assert response.status_code == 302
    assert messages_of(response) == ["Only paid online gifts can be refunded here."]
    assert fake_stripe.calls("POST", "/v1/refunds") == []
