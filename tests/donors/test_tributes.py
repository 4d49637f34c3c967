"""Tribute cards, honorees' private pages, and the staff print queue."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from donors.models import Honoree, TributeCard
from tests.factories import GiftFactory

pytestmark = pytest.mark.django_db


def card_data(**overrides):
    data = {
        "design": "leaves",
        "from_name": "The Riveras",
        "message": "Thinking of you all.",
        "recipient_name": "Maria",
        "recipient_email": "maria@example.com",
        "send_on": timezone.localdate().isoformat(),
        "mail_to": "",
        "honoree_link": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def tribute_gift():
    return GiftFactory(
        donor_email="alice@example.com", dedication="memory", honoree_name="Rose Doe", amount_cents=250_00,
        receipt_year=2026, receipt_serial=90,
    )  # fmt: skip


def test_a_donor_makes_an_ecard_emailed_today_without_the_amount(
    client, sign_in, tribute_gift, django_capture_on_commit_callbacks
):
    sign_in("alice@example.com")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/donate/tribute-card/{tribute_gift.pk}/", card_data())

    assert response.status_code == 200
    card = TributeCard.objects.get()
    assert (card.gift_id, card.honoree.name, card.honoree.is_memorial) == (tribute_gift.pk, "Rose Doe", True)
    (message,) = mail.outbox
    assert message.to == ["maria@example.com"]
    assert message.subject == "A card from The Riveras"
    assert f"/tributes/cards/{card.key}/" in message.body
    assert "$250" not in message.body
    page = client.__class__().get(f"/tributes/cards/{card.key}/").content.decode()
    assert "Rose Doe" in page and "Thinking of you all." in page and "$250" not in page


def test_the_amount_shows_only_if_the_donor_allows(client, sign_in, tribute_gift):
    sign_in("alice@example.com")
    client.post(f"/donate/tribute-card/{tribute_gift.pk}/", card_data(show_amount="on"))

    card = TributeCard.objects.get()
    assert "$250.00" in client.get(f"/tributes/cards/{card.key}/").content.decode()


def test_a_later_card_waits_for_its_day_and_is_sent_once(client, sign_in, tribute_gift):
    sign_in("alice@example.com")
    mail.outbox.clear()
    later = timezone.localdate() + datetime.timedelta(days=3)
    client.post(f"/donate/tribute-card/{tribute_gift.pk}/", card_data(send_on=later.isoformat()))
    assert mail.outbox == []

    call_command("send_tribute_cards")
    assert mail.outbox == []
    TributeCard.objects.update(send_on=timezone.localdate())
    call_command("send_tribute_cards")
    call_command("send_tribute_cards")
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"design": "photo"}, "Choose a design."),
        ({"from_name": ""}, "Enter your name as the card should show it."),
        ({"message": "see www.spam.example"}, "Please leave out links"),
        ({"from_name": "<b>x</b>"}, "Please leave out links"),
        ({"send_on": "2001-01-01"}, "Choose today or a later day."),
        ({"send_on": "9999-12-31"}, "Choose a day within the next year."),
        ({"send_on": "not a date"}, "Enter a date like 2026-12-24."),
        ({"recipient_email": ""}, "Enter an email for the e-card, or ask for a printed card."),
        ({"print_requested": "on", "mail_to": ""}, "Enter where to mail the printed card."),
        (
            {"honoree_link": "https://give.example.org/tributes/nope-nope-nope-nope-nope/"},
            "We could not find that tribute page.",
        ),
    ],
)
def test_bad_card_input_gets_a_clear_message(client, sign_in, tribute_gift, overrides, error):
    sign_in("alice@example.com")

    response = client.post(f"/donate/tribute-card/{tribute_gift.pk}/", card_data(**overrides))

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not TributeCard.objects.exists()


def test_nobody_makes_a_card_for_another_donors_gift(client, sign_in, tribute_gift):
    other = GiftFactory(donor_email="bob@example.com", dedication="honor", honoree_name="Sam")
    sign_in("alice@example.com")

    assert client.get(f"/donate/tribute-card/{other.pk}/").status_code == 404
    assert client.post(f"/donate/tribute-card/{other.pk}/", card_data()).status_code == 404
    assert client.__class__().get(f"/donate/tribute-card/{tribute_gift.pk}/").status_code == 404
    assert not TributeCard.objects.exists()


def test_one_card_per_gift(client, sign_in, tribute_gift):
    sign_in("alice@example.com")
    client.post(f"/donate/tribute-card/{tribute_gift.pk}/", card_data())
    again = client.post(f"/donate/tribute-card/{tribute_gift.pk}/", card_data(from_name="Someone else"))

    assert "already has its card" in again.content.decode()
    assert TributeCard.objects.get().from_name == "The Riveras"


def test_the_honoree_page_lists_names_and_messages_never_amounts(client, sign_in, tribute_gift):
    sign_in("alice@example.com")
    client.post(f"/donate/tribute-card/{tribute_gift.pk}/", card_data())
    honoree = Honoree.objects.get()
    second = GiftFactory(donor_email="carl@example.com", dedication="memory", honoree_name="Rose", amount_cents=75_00)
    TributeCard.objects.create(
        gift=second, honoree=honoree, from_name="Carl", message="With love", send_on=timezone.localdate()
    )

    page = client.__class__().get(f"/tributes/{honoree.key}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "The Riveras" in html and "Carl" in html and "With love" in html
    assert "$" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert page["X-Robots-Tag"] == "noindex"


def test_a_family_link_adds_a_card_to_the_same_page(client, sign_in, tribute_gift):
    honoree = Honoree.objects.create(name="Rose Doe", is_memorial=True)
    sign_in("alice@example.com")

    client.post(
        f"/donate/tribute-card/{tribute_gift.pk}/",
        card_data(honoree_link=f"https://give.example.org/tributes/{honoree.key}/"),
    )

    assert TributeCard.objects.get().honoree == honoree


@pytest.mark.parametrize("key", ["x", "a" * 65, "..%2F..%2Fetc", "A" * 32])
def test_guessing_a_page_finds_nothing(client, key):
    assert client.get(f"/tributes/{key}/").status_code == 404
    assert client.get(f"/tributes/cards/{key}/").status_code == 404


def test_the_browser_that_gave_can_make_the_card_from_the_thank_you_page(client, fake_stripe, deliver):
    from donations.models import Gift
    from tests.donations.conftest import form_data
    from tests.factories import CampaignFactory

    campaign = CampaignFactory()
    response = client.post("/donate/", form_data(campaign, dedication="honor", honoree_name="Coach Lee"))
    gift = Gift.objects.get(stripe_checkout_session_id=response["Location"].rsplit("/", 1)[-1])
    assert client.get(f"/donate/tribute-card/{gift.pk}/").status_code == 404  # not paid yet
    deliver("checkout.session.completed", fake_stripe.complete_session(gift.stripe_checkout_session_id))

    thanks = client.get(f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}").content.decode()
    assert f"/donate/tribute-card/{gift.pk}/" in thanks
    assert client.get(f"/donate/tribute-card/{gift.pk}/").status_code == 200


def test_the_card_and_honoree_pages_cost_a_fixed_number_of_queries(client, tribute_gift, django_assert_num_queries):
    honoree = Honoree.objects.create(name="Rose Doe", is_memorial=True)
    for number in range(5):
        gift = GiftFactory(dedication="memory", honoree_name="Rose Doe")
        card = TributeCard.objects.create(
            gift=gift, honoree=honoree, from_name=f"G{number}", send_on=timezone.localdate()
        )

    with django_assert_num_queries(1):  # the card with its honoree
        assert client.get(f"/tributes/cards/{card.key}/").status_code == 200
    with django_assert_num_queries(2):  # the honoree, its cards
        assert client.get(f"/tributes/{honoree.key}/").status_code == 200
