"""The gift form's pledge contract: ?amount=250&frequency=monthly&installments=12 is $3,000 over 12 months."""

import pytest

from donations.models import Gift, Pledge
from tests.factories import CampaignFactory

from .conftest import form_data

pytestmark = pytest.mark.django_db


def test_the_query_string_prefills_a_pledge_and_the_server_states_its_schedule(client, fake_stripe):
    campaign = CampaignFactory(preset_amounts="50, 100, 250")
    response = client.get(f"/donate/?campaign={campaign.slug}&amount=250&frequency=monthly&installments=12")
    form = response.context["form"]
    assert (form["amount"].value(), form["frequency"].value(), form["installments"].value()) == ("250", "monthly", 12)
    html = response.content.decode()
    # Without JavaScript too, the page states the pledge it will make.
    assert "A pledge of $3,000.00: $250.00 a month for 12 months." in html
    assert 'name="installments"' in html


@pytest.mark.parametrize(
    "query", ["installments=1", "installments=61", "installments=abc", "installments=-3", "installments=1e3"]
)
def test_bad_installments_in_the_query_are_ignored(client, fake_stripe, query):
    campaign = CampaignFactory()
    form = client.get(f"/donate/?campaign={campaign.slug}&frequency=monthly&{query}").context["form"]
    assert form["installments"].value() in (None, "")


@pytest.mark.parametrize(
    ("frequency", "interval", "interval_count", "installments"),
    [("monthly", "month", None, "12"), ("quarterly", "month", "3", "8"), ("annual", "year", None, "3")],
)
def test_a_pledge_starts_a_subscription_checkout_at_each_frequency(
    client, fake_stripe, frequency, interval, interval_count, installments
):
    campaign = CampaignFactory()
    response = client.post(
        "/donate/", form_data(campaign, amount="250", frequency=frequency, installments=installments)
    )
    assert response.status_code == 303
    gift = Gift.objects.get()
    pledge = gift.pledge
    assert (pledge.status, pledge.source, pledge.frequency) == (Pledge.Status.PENDING, Pledge.Source.ONLINE, frequency)
    assert (pledge.installment_cents, pledge.installments) == (250_00, int(installments))
    assert pledge.total_cents == 250_00 * int(installments)
    params = fake_stripe.calls("POST", "/v1/checkout/sessions")[0].params
    assert params["mode"] == "subscription"
    price = params["line_items"][0]["price_data"]
    assert price["unit_amount"] == "25000"
    expected = {"interval": interval} | ({"interval_count": interval_count} if interval_count else {})
    assert price["recurring"] == expected
    assert params["subscription_data"]["metadata"]["installments"] == installments


@pytest.mark.parametrize(
    ("frequency", "interval", "interval_count"), [("quarterly", "month", "3"), ("annual", "year", None)]
)
def test_open_ended_gifts_take_every_frequency(client, fake_stripe, frequency, interval, interval_count):
    campaign = CampaignFactory()
    assert client.post("/donate/", form_data(campaign, amount="100", frequency=frequency)).status_code == 303
    gift = Gift.objects.get()
    assert (gift.frequency, gift.pledge) == (frequency, None)
    params = fake_stripe.calls("POST", "/v1/checkout/sessions")[0].params
    expected = {"interval": interval} | ({"interval_count": interval_count} if interval_count else {})
    assert params["line_items"][0]["price_data"]["recurring"] == expected
    assert "installments" not in params["subscription_data"]["metadata"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"installments": "1"}, "A pledge is paid in 2 to 60 instalments."),
        ({"installments": "61"}, "A pledge is paid in 2 to 60 instalments."),
        ({"installments": "0"}, "A pledge is paid in 2 to 60 instalments."),
        ({"installments": "-4"}, "A pledge is paid in 2 to 60 instalments."),
        ({"installments": "twelve"}, "Enter the number of instalments as a whole number, like 12."),
        ({"installments": "12.5"}, "Enter the number of instalments as a whole number, like 12."),
        ({"installments": "9" * 30}, "A pledge is paid in 2 to 60 instalments."),
        ({"installments": "12", "frequency": "one_time"}, "Choose monthly, quarterly or annual for a pledge."),
        (
            {"installments": "60", "amount": "other", "other_amount": "20000"},
            "An online pledge is limited to $100,000.00 in all. For a larger pledge, please contact us: "
            "we would love to help.",
        ),
    ],
)
def test_hostile_installments_get_a_clear_error_and_record_nothing(client, fake_stripe, overrides, message):
    campaign = CampaignFactory()
    data = form_data(campaign, **{"frequency": "monthly", "amount": "50", **overrides})
    response = client.post("/donate/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["installments"] == [message]
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not Gift.objects.exists() and not Pledge.objects.exists()
    assert not fake_stripe.calls("POST")


def test_installments_as_a_list_or_nul_never_a_500(client, fake_stripe):
    campaign = CampaignFactory()
    data = form_data(campaign, frequency="monthly")
    data["installments"] = ["12", "24"]
    assert client.post("/donate/", data).status_code == 303  # the last value, as Django reads a list
    assert Pledge.objects.get().installments == 24
    response = client.post("/donate/", form_data(campaign, frequency="monthly", installments="1\x002"))
    assert response.status_code == 400


def test_the_schedule_is_stated_in_spanish_and_the_script_gets_the_same_sentences(client, fake_stripe):
    campaign = CampaignFactory(preset_amounts="50, 100, 250")
    url = f"/donate/?campaign={campaign.slug}&amount=250&frequency=quarterly&installments=8"
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Un compromiso de $2,000.00: $250.00 por trimestre durante 8 trimestres." in html
    assert 'data-monthly="Un compromiso de %(total)s: %(amount)s al mes durante %(count)s meses."' in html
