import pytest

from campaign.tallies import tally_totals
from donations.models import Gift
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_thanks_page_reads_the_session_and_records_the_gift_before_the_webhook(client, fake_stripe, start_gift):
    gift = start_gift(CampaignFactory(), amount="100")
    fake_stripe.complete_session(gift.stripe_checkout_session_id)

    response = client.get(f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}")

    assert response.status_code == 200
    assert response.context["state"] == "received"
    assert "Your gift of $100.00 to" in response.content.decode()
    gift.refresh_from_db()
    assert gift.status == Gift.Status.SUCCEEDED
    assert tally_totals(campaign=gift.campaign, designation=None).raised_cents == 100_00
    assert [c.path for c in fake_stripe.calls("GET")] == [f"/v1/checkout/sessions/{gift.stripe_checkout_session_id}"]

    # Reloading the page (and the webhook arriving later) records nothing more.
    client.get(f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}")
    assert len(fake_stripe.calls("GET")) == 1  # a settled gift is not re-read
    assert tally_totals(campaign=gift.campaign, designation=None).raised_cents == 100_00


def test_thanks_page_says_processing_while_stripe_has_not_confirmed(client, fake_stripe, start_gift):
    gift = start_gift(CampaignFactory())
    response = client.get(f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}")
    assert response.context["state"] == "processing"
    assert "being processed" in response.content.decode()
    assert Gift.objects.get().status == Gift.Status.PENDING


def test_thanks_page_says_failed_honestly(client, fake_stripe, start_gift):
    gift = start_gift(CampaignFactory())
    Gift.objects.filter(pk=gift.pk).update(status=Gift.Status.FAILED)
    response = client.get(f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}")
    assert response.context["state"] == "failed"
    assert "did not go through" in response.content.decode()


def test_thanks_page_keeps_processing_when_stripe_is_unreachable(client, fake_stripe, start_gift, monkeypatch):
    monkeypatch.setattr("stripe.HTTPClient._sleep_time_seconds", lambda self, n: 0)
    gift = start_gift(CampaignFactory())
    fake_stripe.complete_session(gift.stripe_checkout_session_id)
    fake_stripe.timeout_next(times=3)
    response = client.get(f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}")
    assert (response.status_code, response.context["state"]) == (200, "processing")
    assert Gift.objects.get().status == Gift.Status.PENDING


@pytest.mark.parametrize(
    "session_id",
    ["", "cs_test_doesnotexist123", "garbage", "cs_test_%27%3B--", "{CHECKOUT_SESSION_ID}", "x" * 5000],
)
def test_unknown_or_malformed_session_shows_the_generic_page(client, fake_stripe, session_id):
    response = client.get("/donate/thanks/", {"session_id": session_id})
    assert response.status_code == 200
    assert (response.context["state"], response.context["gift"]) == ("unknown", None)
    assert fake_stripe.requests == []


def test_another_browser_never_sees_the_donors_gift(client, fake_stripe, start_gift):
    from django.test import Client

    gift = start_gift(CampaignFactory(), amount="250", designation="", display_name="Secret Donor")
    fake_stripe.complete_session(gift.stripe_checkout_session_id, email="secret@example.com", name="Secret Donor")

    response = Client().get(f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}")

    html = response.content.decode()
    assert (response.context["state"], response.context["gift"]) == ("unknown", None)
    assert "$250" not in html and "Secret Donor" not in html and "secret@example.com" not in html
    assert gift.campaign.title not in html
    # The visit still confirmed the payment: it is recorded, only not shown.
    assert Gift.objects.get().status == Gift.Status.SUCCEEDED


def test_cancelled_page_marks_nothing_paid(client, fake_stripe, start_gift):
    gift = start_gift(CampaignFactory())
    response = client.get("/donate/cancelled/")
    assert response.status_code == 200
    assert "nothing was charged" in response.content.decode()
    assert Gift.objects.get(pk=gift.pk).status == Gift.Status.PENDING
    assert fake_stripe.calls("GET") == []
