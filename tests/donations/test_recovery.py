"""Gifts not lost at checkout: one reminder with Checkout's recovery link, and the form kept on cancel."""

import pytest
from django.core import mail

from donations import services
from donations.models import Gift
from tests.factories import CampaignFactory, GiftFactory

from .conftest import form_data

pytestmark = pytest.mark.django_db

REMIND = {"remind_me": "on", "reminder_email": "Kim@Example.com"}


def expire(fake_stripe, deliver, gift):
    session = fake_stripe.expire_session(gift.stripe_checkout_session_id)
    assert deliver("checkout.session.expired", session).status_code == 200
    gift.refresh_from_db()
    return session


def test_the_opt_in_asks_checkout_for_a_recovery_link(fake_stripe, start_gift):
    gift = start_gift(CampaignFactory(), **REMIND)

    (call,) = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert call.params["after_expiration"] == {"recovery": {"enabled": "true"}}
    assert call.params["customer_email"].lower() == "kim@example.com"
    assert gift.recovery_email.lower() == "kim@example.com"


def test_without_the_opt_in_checkout_is_not_asked_and_nothing_is_sent(fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory())
    (call,) = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert "after_expiration" not in call.params

    session = expire(fake_stripe, deliver, gift)

    assert session["after_expiration"] is None
    assert gift.status == Gift.Status.EXPIRED
    assert mail.outbox == []


def test_an_expired_session_sends_exactly_one_reminder_with_the_recovery_link(fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory(), **REMIND)

    session = expire(fake_stripe, deliver, gift)
    deliver("checkout.session.expired", session)  # Stripe delivers again
    assert services.gift_recovery_reminder_send(gift_id=gift.pk) == "already"

    (message,) = mail.outbox
    assert message.to == [gift.recovery_email]
    url = session["after_expiration"]["recovery"]["url"]
    assert url in message.body
    assert "$50.00" in message.body
    gift.refresh_from_db()
    assert gift.recovery_sent_at is not None


def test_no_reminder_after_a_paid_gift_from_the_same_email(fake_stripe, start_gift, deliver):
    campaign = CampaignFactory()
    gift = start_gift(campaign, **REMIND)
    GiftFactory(campaign=campaign, donor_email="kim@example.com")  # they gave in another tab

    expire(fake_stripe, deliver, gift)

    assert mail.outbox == []
    assert gift.recovery_sent_at is None


def test_one_reminder_per_address_however_many_gifts_were_left(fake_stripe, start_gift, deliver):
    campaign = CampaignFactory()
    first, second = start_gift(campaign, **REMIND), start_gift(campaign, **REMIND)

    expire(fake_stripe, deliver, first)
    expire(fake_stripe, deliver, second)

    assert len(mail.outbox) == 1


def test_a_failed_send_can_be_retried_once(fake_stripe, start_gift, deliver, monkeypatch):
    gift = start_gift(CampaignFactory(), **REMIND)

    def broken(*args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    expire(fake_stripe, deliver, gift)
    assert gift.recovery_sent_at is None
    monkeypatch.undo()

    assert services.gift_recovery_reminder_send(gift_id=gift.pk) == "sent"
    assert services.gift_recovery_reminder_send(gift_id=gift.pk) == "already"
    assert len(mail.outbox) == 1


def test_a_recovered_session_pays_the_same_gift_and_is_counted_as_recovered(fake_stripe, start_gift, deliver):
    gift = start_gift(CampaignFactory(), **REMIND)
    expired = expire(fake_stripe, deliver, gift)

    recovered = fake_stripe.recover_session(expired["id"])
    paid = fake_stripe.complete_session(recovered["id"], email="kim@example.com")
    assert deliver("checkout.session.completed", paid).status_code == 200

    gift.refresh_from_db()
    assert gift.status == Gift.Status.SUCCEEDED
    assert gift.stripe_checkout_session_id == recovered["id"]
    assert gift.recovered_from_session_id == expired["id"]
    assert Gift.objects.count() == 1


def test_a_session_recovered_from_another_session_claims_no_gift(fake_stripe, start_gift, deliver):
    campaign = CampaignFactory()
    mine = start_gift(campaign, **REMIND)
    expired = expire(fake_stripe, deliver, mine)
    recovered = fake_stripe.recover_session(expired["id"])
    paid = dict(fake_stripe.complete_session(recovered["id"]), recovered_from="cs_test_someoneelse123")

    deliver("checkout.session.completed", paid)

    mine.refresh_from_db()
    assert (mine.stripe_checkout_session_id, mine.status) == (expired["id"], Gift.Status.EXPIRED)


def test_the_reminder_needs_an_email_when_the_box_is_ticked(client, fake_stripe):
    campaign = CampaignFactory()
    response = client.post("/donate/", form_data(campaign, remind_me="on", reminder_email=""))

    assert response.status_code == 400
    assert "Enter your email for the reminder, or uncheck the box." in response.content.decode()


def test_cancelling_checkout_returns_to_the_form_as_it_was_filled(client, fake_stripe, start_gift):
    campaign = CampaignFactory()
    gift = start_gift(
        campaign,
        amount="other",
        other_amount="37.50",
        cover_fee="on",
        display_name="The Riveras",
        message="For Ana",
        **REMIND,
    )

    page = client.get(f"/donate/cancelled/?gift={gift.pk}")

    assert page.status_code == 200
    form = page.context["form"]
    assert (form.initial["amount"], form.initial["other_amount"]) == ("other", "37.50")
    assert form.initial["cover_fee"] is True and form.initial["display_name"] == "The Riveras"
    html = page.content.decode()
    assert 'value="37.50"' in html and 'value="The Riveras"' in html and "For Ana" in html
    assert "nothing was charged" in html


def test_another_browser_cannot_see_a_cancelled_gifts_details(client, fake_stripe, start_gift):
    gift = start_gift(CampaignFactory(), display_name="The Riveras")
    other = client.__class__()

    for query in (f"gift={gift.pk}", "gift=abc", "gift=" + "9" * 40, "gift="):
        page = other.get(f"/donate/cancelled/?{query}")
        assert page.status_code == 200
        assert "The Riveras" not in page.content.decode()
