"""core.tokens (the emailed single-use links) and core.counters (stored totals moved in place)."""

import datetime

import pytest
from django.utils import timezone

from campaign.models import Tally
from core.counters import counters_add
from core.tokens import TOKEN_MAX_LENGTH, token_create, token_hash, token_hash_of_input, token_link, token_spend
from donations.models import PlanManageToken, RecurringPlan
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_its_sha256_and_links_carry_it_in_the_fragment(settings):
    settings.SITE_URL = "https://give.example.org"
    token, stored = token_create()
    assert len(token) == 43 and stored == token_hash(token) and len(stored) == 64 and token not in stored
    assert token_hash_of_input(f"  {token}\n") == stored
    assert token_link("/manage/", token) == f"https://give.example.org/manage/#{token}"


@pytest.mark.parametrize("typed", ["", "   ", "x" * (TOKEN_MAX_LENGTH + 1)])
def test_a_token_that_cannot_be_ours_is_not_looked_up(typed):
    assert token_hash_of_input(typed) is None


def test_a_token_is_spent_once():
    plan = RecurringPlan.objects.create(campaign=CampaignFactory(), amount_cents=500, stripe_subscription_id="sub_1")
    _token, stored = token_create()
    row = PlanManageToken.objects.create(
        plan=plan, token_hash=stored, expires_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert token_spend(PlanManageToken.objects.filter(token_hash=stored)) is True
    assert token_spend(PlanManageToken.objects.filter(token_hash=stored)) is False
    row.refresh_from_db()
    assert row.used_at is not None


def test_counters_create_the_row_once_then_move_it_in_place():
    campaign = CampaignFactory()
    lookup = {"campaign_id": campaign.pk, "designation_id": None}
    Tally.objects.filter(**lookup).delete()
    counters_add(model=Tally, lookup=lookup, deltas={"raised_cents": 0, "gift_count": 0})
    assert not Tally.objects.filter(**lookup).exists()  # nothing to move: no row written
    counters_add(model=Tally, lookup=lookup, deltas={"raised_cents": 25_00, "gift_count": 1})
    counters_add(model=Tally, lookup=lookup, deltas={"raised_cents": -5_00, "gift_count": 0})
    tally = Tally.objects.get(**lookup)
    assert (tally.raised_cents, tally.gift_count) == (20_00, 1)
