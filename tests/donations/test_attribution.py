"""utm_* and ?source= from the landing URL, kept through to the gift and broken down for staff."""

import pytest

from donations import reports
from donations.forms import attribution_value
from donations.models import Gift
from tests.factories import CampaignFactory, GiftFactory

from .conftest import form_data

pytestmark = pytest.mark.django_db


def test_the_landing_urls_tags_reach_the_gift(client, fake_stripe):
    campaign = CampaignFactory()
    page = client.get(
        f"/donate/?campaign={campaign.slug}&utm_source=newsletter&utm_medium=email&utm_campaign=gt-2026&source=BOARD1"
    )
    html = page.content.decode()
    for value in ("newsletter", "email", "gt-2026", "BOARD1"):
        assert f'value="{value}"' in html

    client.post(
        "/donate/",
        form_data(campaign, utm_source="newsletter", utm_medium="email", utm_campaign="gt-2026", source="BOARD1"),
    )

    gift = Gift.objects.get()
    assert (gift.utm_source, gift.utm_medium, gift.utm_campaign, gift.source_code) == (
        "newsletter",
        "email",
        "gt-2026",
        "BOARD1",
    )


@pytest.mark.parametrize(
    ("name", "value", "kept"),
    [
        ("utm_source", "face book", "face book"),
        ("utm_source", "x" * 500, "x" * 100),
        ("source", "y" * 100, "y" * 40),
        ("utm_medium", "<script>", ""),
        ("utm_campaign", "a\x00b", ""),
        ("utm_campaign", "javascript:alert(1)", ""),
        ("utm_source", None, ""),
        ("utm_source", ["list"], ""),
    ],
)
def test_tags_are_validated_and_bounded(name, value, kept):
    assert attribution_value(name, value) == kept


def test_hostile_tags_never_make_an_error(client, fake_stripe):
    campaign = CampaignFactory()
    response = client.post("/donate/", form_data(campaign, utm_source="<b>" * 2000, source="\u202e" * 50))

    assert response.status_code == 303
    gift = Gift.objects.get()
    assert (gift.utm_source, gift.source_code) == ("", "")


def test_the_dashboard_breaks_down_what_counts_by_tag(django_assert_num_queries):
    campaign = CampaignFactory()
    GiftFactory(campaign=campaign, amount_cents=100_00, utm_source="newsletter", source_code="BOARD1")
    GiftFactory(campaign=campaign, amount_cents=50_00, utm_source="newsletter")
    GiftFactory(campaign=campaign, amount_cents=20_00)
    GiftFactory(campaign=campaign, amount_cents=999_00, utm_source="newsletter", status="pending")

    with django_assert_num_queries(4):
        totals = reports.attribution_totals(campaign=campaign)

    assert [(line.value, line.raised_cents, line.gift_count) for line in totals["utm_source"]] == [
        ("newsletter", 150_00, 2),
        ("", 20_00, 1),
    ]
    assert [(line.value, line.raised_cents) for line in totals["source"]] == [("", 70_00), ("BOARD1", 100_00)][::-1]


def test_the_dashboard_counts_recovered_gifts():
    campaign = CampaignFactory()
    GiftFactory(campaign=campaign, amount_cents=80_00, recovered_from_session_id="cs_test_old1")
    GiftFactory(campaign=campaign, amount_cents=30_00)

    recovered = reports.recovered_gifts(campaign=campaign)

    assert (recovered.gift_count, recovered.raised_cents) == (1, 80_00)
