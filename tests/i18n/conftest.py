"""The Spanish reader's browser, and a campaign with its Spanish versions (and a blank one)."""

import pytest
from django.conf import settings

from campaign.models import Figure, Milestone
from tests.factories import CampaignFactory, DesignationFactory


@pytest.fixture
def spanish(client):
    """The browser of someone who chose Español with the switch (the cookie it sets)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


@pytest.fixture
def campaign():
    campaign = CampaignFactory(
        title="Infusion & Dialysis",
        title_es="Infusión y Diálisis",
        slug="infusion",
        tagline="Care close to home",
        tagline_es="Atención cerca de casa",
        story="## Our story in English",
        story_es="## Nuestra historia en español",
        goal_cents=1_000_000_00,
        preset_amounts="25, 100",
        is_featured=True,
    )
    Figure.objects.create(campaign=campaign, value="3,000+", label="infusions a year", label_es="infusiones al año")
    campaign.divisions.create(name="Gastroenterology", name_es="Gastroenterología")
    DesignationFactory(
        campaign=campaign,
        name="Infusion Center",
        name_es="Centro de Infusión",
        slug="infusion-center",
        description="Twelve chairs.",
    )
    Milestone.objects.create(campaign=campaign, amount_cents=100_000_00, label="Design complete", label_es="")
    return campaign
