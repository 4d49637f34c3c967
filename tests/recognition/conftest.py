import pytest

from recognition.models import Center, NamingOpportunity
from tests.donations.conftest import deliver, fake_stripe  # noqa: F401 (the gift form's fixtures, for naming by gift)
from tests.factories import CampaignFactory


def make_space(campaign, name="Bay 1", *, center=Center.INFUSION, price_cents=25_000_00, xywh=(2, 3, 4, 6), **extra):
    x, y, w, h = xywh
    return NamingOpportunity.objects.create(
        campaign=campaign,
        name=name,
        center=center,
        price_cents=price_cents,
        plan_x=x,
        plan_y=y,
        plan_w=w,
        plan_h=h,
        **extra,
    )


@pytest.fixture
def campaign(db):
    return CampaignFactory(slug="centers", title="New Centers")


@pytest.fixture
def space(campaign):
    return make_space(campaign, "Bay 1", description="A private bay.")
