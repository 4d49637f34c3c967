import pytest

from core import money
from donations.models import Gift
from tests.factories import CampaignFactory, DesignationFactory

from .conftest import form_data

pytestmark = pytest.mark.django_db

IN_DOLLARS = "Enter the amount in dollars, like 50 or 50.00."
NOT_A_CHOICE = "Select a valid choice. elsewhere is not one of the available choices."


def test_form_is_prefilled_from_the_query_string(client, fake_stripe):
    campaign = CampaignFactory(preset_amounts="25, 50, 100")
    DesignationFactory(campaign=campaign, slug="dialysis", name="Dialysis Center")

    response = client.get(f"/donate/?campaign={campaign.slug}&amount=100&frequency=monthly&designation=dialysis")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<input class="form-check-input" type="radio" name="amount" id="id_amount_100" value="100"' in html
    assert 'value="100"\n                 data-cents="10000" checked' in html
    form = response.context["form"]
    assert (form["frequency"].value(), form["designation"].value()) == ("monthly", "dialysis")
    assert "<legend" in html and "Other amount" in html


def test_a_non_preset_amount_prefills_other_amount(client, fake_stripe):
    campaign = CampaignFactory(preset_amounts="25, 50")
    form = client.get(f"/donate/?campaign={campaign.slug}&amount=75.50").context["form"]
    assert (form["amount"].value(), form["other_amount"].value()) == ("other", "75.50")


@pytest.mark.parametrize(
    "query",
    [
        "amount=-5",
        "amount=1e9",
        "amount=NaN",
        "amount=99999999",
        "frequency=weekly",
        "designation=../../etc",
        "campaign=does-not-exist",
        "campaign=%3Cscript%3E",
        "amount[]=5",
    ],
)
def test_bad_query_values_are_ignored_never_a_500(client, fake_stripe, query):
    campaign = CampaignFactory(is_featured=True)
    response = client.get(f"/donate/?{query}")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.campaign_obj == campaign
    assert form["amount"].value() in (None, "")
    assert form["frequency"].value() == "one_time"


@pytest.mark.parametrize("query", ["amount=%00", "designation=%00", "designation=a%00b", "frequency%00=monthly"])
def test_a_nul_byte_in_the_query_is_a_bad_request_before_any_query(client, fake_stripe, query):
    # PostgreSQL refuses strings holding NUL; no link of ours carries one (config.middleware).
    CampaignFactory(is_featured=True)
    response = client.get(f"/donate/?{query}")
    assert response.status_code == 400
    assert response.templates[0].name == "400.html"


def test_no_campaign_open_says_so(client, fake_stripe):
    assert client.get("/donate/").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "other", "other_amount": "4.99"}, "other_amount", "The smallest gift we can take online is $5.00."),
        (
            {"amount": "other", "other_amount": "25000.01"},
            "other_amount",
            "Online gifts are limited to $25,000.00. For a larger gift, please contact us: we would love to help.",
        ),
        (
            {"amount": "other", "other_amount": "10.001"},
            "other_amount",
            "Enter the amount in dollars, like 50 or 50.00.",
        ),
        ({"amount": "other", "other_amount": "ten"}, "other_amount", "Enter the amount in dollars, like 50 or 50.00."),
        ({"amount": "other", "other_amount": ""}, "other_amount", "Choose or enter an amount."),
        ({"amount": "", "other_amount": ""}, "amount", "Choose or enter an amount."),
        ({"amount": "-50"}, "amount", IN_DOLLARS),
        ({"frequency": "weekly"}, "frequency", "Choose how often you give: one time, monthly, quarterly or annually."),
        ({"display_name": ""}, "display_name", "Enter a name for the donor wall, or choose to give anonymously."),
        ({"dedication": "memory"}, "honoree_name", "Enter the name of the person you are honoring."),
        (
            {"dedication": "honor", "honoree_name": "Nana", "honoree_email": "nope"},
            "honoree_email",
            "Enter a valid email address, like name@example.com.",
        ),
        ({"message": "x" * 501}, "message", "Keep your message to 500 characters (it has 501)."),
        (
            {"designation": "elsewhere"},
            "designation",
            "Select a valid choice. elsewhere is not one of the available choices.",
        ),
    ],
)
def test_invalid_posts_explain_and_record_nothing(client, fake_stripe, overrides, field, message):
    campaign = CampaignFactory()
    response = client.post("/donate/", form_data(campaign, **overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not Gift.objects.exists()
    assert fake_stripe.requests == []


def test_designation_of_another_campaign_is_refused(client, fake_stripe):
    campaign = CampaignFactory()
    other = DesignationFactory(slug="theirs")
    response = client.post("/donate/", form_data(campaign, designation=other.slug))
    assert response.status_code == 400
    assert not Gift.objects.exists()


def test_a_campaign_that_is_not_live_gets_no_gift(client, fake_stripe):
    CampaignFactory(is_featured=True)
    hidden = CampaignFactory(is_published=False)
    response = client.post("/donate/", form_data(hidden))
    assert response.status_code == 400
    assert response.context["form"].errors["campaign"] == ["This campaign is not open for gifts. Please start again."]
    assert not Gift.objects.exists()


def test_valid_post_records_a_pending_gift_and_redirects_to_checkout(client, fake_stripe):
    designation = DesignationFactory(slug="infusion")
    campaign = designation.campaign
    response = client.post(
        "/donate/",
        form_data(
            campaign,
            amount="other",
            other_amount="$1,234.56",
            cover_fee="on",
            designation="infusion",
            is_anonymous="on",
            display_name="Hidden Name",
            dedication="memory",
            honoree_name="Grandpa Joe",
            honoree_email="family@example.com",
            message="For the kids <3",
        ),
    )
    assert response.status_code == 303
    gift = Gift.objects.get()
    assert response["Location"] == f"https://checkout.stripe.com/c/pay/{gift.stripe_checkout_session_id}"
    assert (gift.amount_cents, gift.fee_cents) == (1234_56, money.fee_cents(1234_56))
    assert (gift.status, gift.source, gift.frequency) == ("pending", "online", "one_time")
    assert (gift.is_anonymous, gift.display_name) == (True, "")
    assert (gift.dedication, gift.honoree_name, gift.honoree_email) == ("memory", "Grandpa Joe", "family@example.com")
    assert (gift.message, gift.language, gift.designation) == ("For the kids <3", "en", designation)
    assert client.session["donations_checkout_sessions"] == [gift.stripe_checkout_session_id]


def test_dedication_fields_are_dropped_without_a_dedication(client, fake_stripe):
    campaign = CampaignFactory()
    client.post("/donate/", form_data(campaign, honoree_name="Someone", honoree_email="a@example.com"))
    gift = Gift.objects.get()
    assert (gift.dedication, gift.honoree_name, gift.honoree_email) == ("", "", "")


def test_gift_language_follows_the_page_language(client, fake_stripe):
    campaign = CampaignFactory()
    client.post("/donate/", form_data(campaign), HTTP_ACCEPT_LANGUAGE="es")
    assert Gift.objects.get().language == "es"
    assert fake_stripe.requests[0].params["locale"] == "es"


def test_fee_amounts_are_shown_without_javascript(client, fake_stripe):
    campaign = CampaignFactory(preset_amounts="25, 100")
    html = client.get(f"/donate/?campaign={campaign.slug}").content.decode()
    assert f"$25 → +{money.format_cents(money.fee_cents(2500))}" in html
    assert f"$100 → +{money.format_cents(money.fee_cents(10000))}" in html
    assert '<script src="/static/js/donate.js" defer></script>' in html
    assert "<script>" not in html and "style=" not in html


def test_posting_too_often_is_limited_before_stripe_is_called(client, fake_stripe, settings):
    campaign = CampaignFactory()
    for _ in range(settings.GIFT_SESSIONS_PER_ADDRESS):
        assert client.post("/donate/", form_data(campaign)).status_code == 303
    response = client.post("/donate/", form_data(campaign))
    assert response.status_code == 429
    assert Gift.objects.count() == settings.GIFT_SESSIONS_PER_ADDRESS
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == settings.GIFT_SESSIONS_PER_ADDRESS


def test_the_form_page_costs_a_fixed_number_of_queries(client, fake_stripe, django_assert_num_queries):
    campaign = CampaignFactory()
    DesignationFactory(campaign=campaign, slug="infusion")
    DesignationFactory(campaign=campaign, slug="dialysis")
    # The campaign, its designations (for the choices), the prefilled designation's check, and the
    # open matching challenge ("Your gift will be matched").
    with django_assert_num_queries(4):
        response = client.get(f"/donate/?campaign={campaign.slug}&designation=dialysis")
    assert response.context["form"]["designation"].value() == "dialysis"


def test_an_empty_post_to_manage_asks_for_the_email(client, fake_stripe):
    response = client.post("/donate/manage/", {})
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["Enter your email address."]


def test_one_greatest_need_choice_not_two():
    """Issue 17: with a default designation ("Greatest need"), no second blank "needed most" choice."""
    from campaign.models import Designation
    from donations.forms import GiftForm

    campaign = CampaignFactory()
    Designation.objects.create(campaign=campaign, name="Infusion Center", slug="infusion")
    Designation.objects.create(campaign=campaign, name="Greatest need", slug="greatest-need", is_default=True)

    form = GiftForm(campaign=campaign)

    assert sorted(form.fields["designation"].choices) == [
        ("greatest-need", "Greatest need"),
        ("infusion", "Infusion Center"),
    ]
    assert form.fields["designation"].initial == "greatest-need"
    assert GiftForm(campaign=CampaignFactory()).fields["designation"].choices == [("", "Where it is needed most")]
