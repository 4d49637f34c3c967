"""
A development officer's daily use of the admin (issue 17): the dashboard is where they land,
amounts are typed in dollars, the gift list and its export leave out checkouts that never paid
unless asked, and the export has what a thank-you call needs.
"""

import csv
import io

import pytest

from campaign.models import Campaign
from donations.models import Gift
from tests.factories import CampaignFactory, GiftFactory

pytestmark = pytest.mark.django_db


def export_rows(client, query="") -> list[dict]:
    response = client.get(f"/admin/donations/gift/export/?{query}")
    text = b"".join(response.streaming_content).decode("utf-8")[1:]
    return list(csv.DictReader(io.StringIO(text)))


def test_a_development_officer_lands_on_the_dashboard(dev_client):
    response = dev_client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/dashboard/"


def test_the_goal_and_milestones_are_typed_in_dollars(dev_client):
    response = dev_client.post(
        "/admin/campaign/campaign/add/",
        {
            "title": "Dialysis",
            "slug": "dialysis",
            "tagline": "",
            "story": "A story.",
            "goal_cents": "5,000,000",
            "starts_on": "2026-01-01",
            "ends_on": "",
            "preset_amounts": "25, 100, 250",
            "hero_image_alt": "",
            **{
                f"{prefix}-{key}": value
                for prefix in ("figures", "divisions", "designations")
                for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "0",
            "milestones-0-amount_cents": "1,250,000.50",
            "milestones-0-label": "Chairs ordered",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    campaign = Campaign.objects.get(slug="dialysis")
    assert campaign.goal_cents == 500_000_000
    assert list(campaign.milestones.values_list("amount_cents", flat=True)) == [125_000_050]
    form = dev_client.get(f"/admin/campaign/campaign/{campaign.pk}/change/").content.decode()
    assert 'value="5000000.00"' in form
    assert "In cents" not in form


def test_the_list_and_export_leave_out_checkouts_that_never_paid_unless_asked(dev_client):
    campaign = CampaignFactory()
    GiftFactory(campaign=campaign, donor_name="Paid Donor")
    for status in (Gift.Status.PENDING, Gift.Status.FAILED, Gift.Status.EXPIRED):
        GiftFactory(campaign=campaign, donor_name=f"Never {status}", status=status, paid_at=None)

    listed = dev_client.get("/admin/donations/gift/").content.decode()
    everything = dev_client.get("/admin/donations/gift/?payment=all").content.decode()

    assert "Paid Donor" in listed and "Never pending" not in listed and "Never failed" not in listed
    assert "Never pending" in everything and "Never expired" in everything
    assert [row["Donor"] for row in export_rows(dev_client)] == ["Paid Donor"]
    assert len(export_rows(dev_client, "payment=all")) == 4
    assert [row["Donor"] for row in export_rows(dev_client, "status__exact=pending")] == ["Never pending"]


def test_the_export_has_address_message_anonymity_and_dedication(dev_client):
    GiftFactory(
        donor_name="Ana Ruiz",
        donor_address="1 Main St\nHartford, CT 06106",
        display_name="The Ruiz family",
        is_anonymous=True,
        message="For the nurses",
        dedication="memory",
        honoree_name="Abuela",
        honoree_email="family@example.org",
    )

    (row,) = export_rows(dev_client)

    assert row["Mailing address"] == "1 Main St, Hartford, CT 06106"
    assert row["Name on the donor wall"] == "The Ruiz family"
    assert row["Anonymous"] == "yes"
    assert row["Message"] == "For the nurses"
    assert row["Dedication"] == "In memory of"
    assert row["Honoree"] == "Abuela"
    assert row["Honoree email"] == "family@example.org"
