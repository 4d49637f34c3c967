"""Holding, pledging, naming and releasing a space: the rules, and the database's refusal of a second donor."""

import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from recognition import services
from recognition.models import NamingClaim, NamingStatus
from tests.factories import GiftFactory

pytestmark = pytest.mark.django_db

SOON = datetime.timedelta(days=7)


def test_a_hold_then_a_pledge_then_the_name(space):
    hold = services.space_hold(opportunity=space, expires_at=timezone.now() + SOON, holder_note="Rivera family")
    space.refresh_from_db()
    assert space.status == NamingStatus.HELD
    gift = GiftFactory(campaign=space.campaign, amount_cents=25_000_00)
    services.space_pledge(opportunity=space, gift_id=gift.pk, claim_seen=hold.pk)
    space.refresh_from_db()
    assert space.status == NamingStatus.PLEDGED
    claim = services.space_name(opportunity=space, recognition_name="  The Rivera Family ", claim_seen=hold.pk)
    space.refresh_from_db()
    assert (space.status, space.recognition_name) == (NamingStatus.NAMED, "The Rivera Family")
    assert (claim.gift_id, claim.holder_note, claim.expires_at) == (gift.pk, "Rivera family", None)
    assert NamingClaim.objects.filter(opportunity=space).count() == 1  # one claim, moved on


def test_a_held_space_cannot_be_held_again_nor_pledged_to_another_gift(space):
    first = GiftFactory(campaign=space.campaign)
    services.space_pledge(opportunity=space, gift_id=first.pk)
    with pytest.raises(services.SpaceTaken):
        services.space_hold(opportunity=space, expires_at=timezone.now() + SOON, holder_note="someone else")
    with pytest.raises(services.SpaceTaken):
        services.space_pledge(opportunity=space, gift_id=GiftFactory(campaign=space.campaign).pk)
    seen = services.active_claim_id(space)
    with pytest.raises(services.SpaceTaken):  # even when acting on the claim staff saw, another gift is refused
        services.space_pledge(opportunity=space, gift_id=GiftFactory(campaign=space.campaign).pk, claim_seen=seen)
    with pytest.raises(services.SpaceTaken):  # a claim that is no longer the current one
        services.space_name(opportunity=space, recognition_name="X", claim_seen=seen + 1000)
    space.refresh_from_db()
    assert space.status == NamingStatus.PLEDGED


def test_the_database_itself_refuses_a_second_unreleased_claim(space):
    NamingClaim.objects.create(opportunity=space, status=NamingStatus.HELD)
    with pytest.raises(IntegrityError), transaction.atomic():
        NamingClaim.objects.create(opportunity=space, status=NamingStatus.NAMED)


def test_a_named_space_must_carry_its_name(space):
    with pytest.raises(ValueError):
        services.space_name(opportunity=space, recognition_name="   ")
    with pytest.raises(IntegrityError), transaction.atomic():
        type(space).objects.filter(pk=space.pk).update(status=NamingStatus.NAMED, recognition_name="")


def test_release_makes_it_available_and_keeps_the_history(space):
    services.space_name(opportunity=space, recognition_name="Ana")
    assert services.space_release(opportunity=space) is True
    space.refresh_from_db()
    assert (space.status, space.recognition_name) == (NamingStatus.AVAILABLE, "")
    assert services.space_release(opportunity=space) is False
    services.space_hold(opportunity=space, expires_at=timezone.now() + SOON, holder_note="next")
    assert NamingClaim.objects.filter(opportunity=space).count() == 2


def test_expired_holds_are_released_by_the_command_and_on_the_next_claim(space, campaign):
    from tests.recognition.conftest import make_space

    other = make_space(campaign, "Bay 2", xywh=(6, 3, 4, 6))
    now = timezone.now()
    services.space_hold(opportunity=space, expires_at=now + SOON, holder_note="a", now=now - SOON * 2)
    services.space_hold(opportunity=other, expires_at=now + SOON, holder_note="b")
    NamingClaim.objects.filter(opportunity=space).update(expires_at=now - datetime.timedelta(minutes=1))

    call_command("release_naming_holds")
    space.refresh_from_db()
    other.refresh_from_db()
    assert (space.status, other.status) == (NamingStatus.AVAILABLE, NamingStatus.HELD)

    # Without the command: a hold past its expiry gives way to the next claim.
    NamingClaim.objects.filter(opportunity=other).update(expires_at=now - datetime.timedelta(minutes=1))
    services.space_hold(opportunity=other, expires_at=now + SOON, holder_note="c")
    assert NamingClaim.objects.get(opportunity=other, released_at__isnull=True).holder_note == "c"


def test_seed_demo_loads_the_campaigns_spaces_once(db):
    from recognition.demo import seed_naming
    from recognition.models import NamingOpportunity, RecognitionLevel

    call_command("seed_demo", verbosity=0)
    spaces = NamingOpportunity.objects.all()
    names = set(spaces.values_list("name", flat=True))
    assert {"Infusion Center", "Dialysis Center", "Family lounge", "Playroom", "Nurses’ station"} <= names
    assert sum(name.startswith("Bay ") for name in names) == 12
    assert sum(name.startswith("Station ") for name in names) == 6
    assert all(space.name_es and space.price_cents >= 25_000_00 for space in spaces)
    assert spaces.filter(status=NamingStatus.NAMED).count() == 2
    assert RecognitionLevel.objects.count() == 3
    assert seed_naming(campaign=spaces.first().campaign) == 0
    for space in spaces:
        space.full_clean()  # every seeded place sits on the plan
