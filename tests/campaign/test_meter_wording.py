"""The meter says "pledged" once: what pledges still owe. Payments on pledges are part of what was given."""

import pytest

from campaign.models import Tally
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_payments_on_pledges_are_not_a_second_pledges_line_and_progress_json_keeps_its_keys(client):
    campaign = CampaignFactory(slug="centers", goal_cents=1_000_00)
    Tally.objects.create(
        campaign=campaign, raised_cents=250_00, gift_count=3, donor_count=2, pledged_cents=100_00, offline_cents=50_00
    )
    body = client.get("/campaigns/centers/").content.decode()
    assert "$250" in body
    assert "in pledges" not in body  # paid pledge money is inside "given", never beside "$Y pledged"
    assert "Includes $50 given by check, wire or stock." in body

    data = client.get("/campaigns/centers/progress.json").json()
    assert {"paid_cents", "pledged_cents", "raised_cents", "goal_cents"} <= set(data)
    assert data["pledged_cents"] == 0  # outstanding pledges only (none here), not the 100_00 paid on them
