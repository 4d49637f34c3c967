"""The campaign every page test reads: figures, a division, a designation, a milestone."""

import pytest

from campaign.models import Figure, Milestone
from tests.factories import CampaignFactory, DesignationFactory


@pytest.fixture
def campaign():
    campaign = CampaignFactory(
        title="Infusion & Dialysis",
        slug="infusion",
        goal_cents=1_000_000_00,
        preset_amounts="25, 100",
        is_featured=True,
    )
    Figure.objects.create(campaign=campaign, value="3,000+", label="infusions a year")
    campaign.divisions.create(name="Gastroenterology")
    DesignationFactory(campaign=campaign, name="Infusion Center", slug="infusion-center")
    Milestone.objects.create(campaign=campaign, amount_cents=100_000_00, label="Design complete")
    return campaign
