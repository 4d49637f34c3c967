"""Two donors and a member of staff claim one space at once: exactly one wins (PostgreSQL only)."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from recognition import services
from recognition.models import NamingClaim, NamingOpportunity, NamingStatus
from tests.donations.test_concurrency import concurrently
from tests.factories import CampaignFactory, GiftFactory
from tests.recognition.conftest import make_space

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")


def _attempt(action):
    def job():
        try:
            action()
            return "won"
        except services.SpaceTaken:
            return "refused"

    return job


@pytest.mark.parametrize("round_", range(3))
def test_two_holds_and_a_naming_race_for_one_space_and_exactly_one_wins(round_):
    campaign = CampaignFactory()
    space = make_space(campaign, f"Bay {round_}")
    gift = GiftFactory(campaign=campaign)
    until = timezone.now() + datetime.timedelta(days=3)

    def fresh():
        return NamingOpportunity.objects.get(pk=space.pk)

    results = concurrently(
        _attempt(lambda: services.space_hold(opportunity=fresh(), expires_at=until, holder_note="donor A")),
        _attempt(lambda: services.space_hold(opportunity=fresh(), expires_at=until, holder_note="donor B")),
        _attempt(lambda: services.space_name(opportunity=fresh(), recognition_name="Staff's donor", gift_id=gift.pk)),
    )
    assert sorted(results) == ["refused", "refused", "won"]
    claim = NamingClaim.objects.get(opportunity=space, released_at__isnull=True)
    space.refresh_from_db()
    winner = results.index("won")
    assert space.status == claim.status == [NamingStatus.HELD, NamingStatus.HELD, NamingStatus.NAMED][winner]
    assert NamingClaim.objects.filter(opportunity=space).count() == 1  # the refused left nothing behind


def test_two_staff_naming_one_space_for_two_different_gifts_one_is_refused():
    campaign = CampaignFactory()
    space = make_space(campaign, "Playroom")
    gifts = [GiftFactory(campaign=campaign), GiftFactory(campaign=campaign)]
    results = concurrently(
        *(
            _attempt(
                lambda gift=gift: services.space_name(
                    opportunity=NamingOpportunity.objects.get(pk=space.pk),
                    recognition_name=f"Donor {gift.pk}",
                    gift_id=gift.pk,
                )
            )
            for gift in gifts
        )
    )
    assert sorted(results) == ["refused", "won"]
    claim = NamingClaim.objects.get(opportunity=space, released_at__isnull=True)
    space.refresh_from_db()
    assert space.status == NamingStatus.NAMED
    assert space.recognition_name == f"Donor {claim.gift_id}"
