"""Matching challenges: what a gift draws from the sponsor's pot, what it gives back, and which gifts qualify."""

import datetime

import pytest
from django.utils import timezone

from campaign.models import Tally
from campaign.tallies import tally_totals
from donations.models import Gift, MatchChallenge
from donations.services import gift_save
from donations.services.tallies import tally_recompute
from tests.factories import CampaignFactory, DesignationFactory, GiftFactory, MatchChallengeFactory

pytestmark = pytest.mark.django_db


def matched_tally(campaign) -> int:
    return tally_totals(campaign=campaign, designation=None).matched_cents


def pot(challenge) -> tuple[int, int]:
    challenge.refresh_from_db()
    return challenge.drawn_cents, challenge.left_cents


def test_a_paid_gift_draws_its_match_from_the_pot_and_the_meter_shows_it_apart():
    challenge = MatchChallengeFactory(pot_cents=1_000_00)
    gift = GiftFactory(campaign=challenge.campaign, amount_cents=120_00, fee_cents=4_00)

    assert (gift.match_challenge_id, gift.match_offered_cents, gift.matched_cents) == (challenge.pk, 120_00, 120_00)
    assert pot(challenge) == (120_00, 880_00)
    tally = tally_totals(campaign=challenge.campaign, designation=None)
    assert (tally.raised_cents, tally.matched_cents) == (120_00, 120_00)  # the covered fee is never matched


def test_a_two_to_one_challenge_gives_two_dollars_for_each():
    challenge = MatchChallengeFactory(ratio=2, pot_cents=1_000_00)
    gift = GiftFactory(campaign=challenge.campaign, amount_cents=50_00)
    assert gift.matched_cents == 100_00
    assert pot(challenge) == (100_00, 900_00)


def test_the_pot_runs_out_exactly_and_a_later_gift_is_told_it_got_nothing():
    challenge = MatchChallengeFactory(pot_cents=80_00)
    first = GiftFactory(campaign=challenge.campaign, amount_cents=50_00)
    second = GiftFactory(campaign=challenge.campaign, amount_cents=50_00)
    third = GiftFactory(campaign=challenge.campaign, amount_cents=50_00)

    assert [(g.match_offered_cents, g.matched_cents) for g in (first, second, third)] == [
        (50_00, 50_00),
        (50_00, 30_00),
        (50_00, 0),
    ]
    assert third.match_challenge_id == challenge.pk  # it qualified: the pot was empty, and it is told so
    assert pot(challenge) == (80_00, 0)
    assert matched_tally(challenge.campaign) == 80_00


def test_a_partial_refund_gives_back_in_proportion_and_a_full_refund_gives_back_all():
    challenge = MatchChallengeFactory(pot_cents=1_000_00)
    gift = GiftFactory(campaign=challenge.campaign, amount_cents=100_00)

    gift.refunded_cents, gift.status = 40_00, Gift.Status.PARTIALLY_REFUNDED
    gift_save(gift)
    assert gift.matched_cents == 60_00
    assert pot(challenge) == (60_00, 940_00)
    assert matched_tally(challenge.campaign) == 60_00

    gift.refunded_cents, gift.status = 100_00, Gift.Status.REFUNDED
    gift_save(gift)
    assert (gift.matched_cents, gift.match_drawn_cents) == (0, 100_00)
    assert pot(challenge) == (0, 1_000_00)
    assert matched_tally(challenge.campaign) == 0


def test_a_dispute_gives_the_match_back_and_a_won_dispute_draws_it_again():
    challenge = MatchChallengeFactory(pot_cents=1_000_00)
    gift = GiftFactory(campaign=challenge.campaign, amount_cents=100_00)
    gift.status = Gift.Status.DISPUTED
    gift_save(gift)
    assert (gift.matched_cents, pot(challenge)) == (0, (0, 1_000_00))

    gift.status = Gift.Status.SUCCEEDED
    gift_save(gift)
    assert (gift.matched_cents, pot(challenge)) == (100_00, (100_00, 900_00))


def test_a_change_that_does_not_move_the_gift_draws_nothing_more():
    challenge = MatchChallengeFactory(pot_cents=1_000_00)
    gift = GiftFactory(campaign=challenge.campaign, amount_cents=100_00, message="Go team")
    gift.message_status = Gift.MessageStatus.HIDDEN
    gift_save(gift)
    assert pot(challenge) == (100_00, 900_00)


def test_gifts_outside_the_window_or_of_an_inactive_challenge_are_not_matched():
    now = timezone.now()
    campaign = CampaignFactory()
    MatchChallengeFactory(campaign=campaign, starts_at=now + datetime.timedelta(hours=1))
    MatchChallengeFactory(
        campaign=campaign, starts_at=now - datetime.timedelta(days=2), ends_at=now - datetime.timedelta(days=1)
    )
    MatchChallengeFactory(campaign=campaign, is_active=False)
    MatchChallengeFactory()  # another campaign's

    gift = GiftFactory(campaign=campaign)
    assert (gift.match_challenge_id, gift.matched_cents) == (None, 0)
    assert MatchChallenge.objects.filter(drawn_cents__gt=0).count() == 0


def test_offline_gifts_qualify_only_when_the_challenge_says_so_and_pledges_never():
    online_only = MatchChallengeFactory()
    check = GiftFactory(campaign=online_only.campaign, source=Gift.Source.CHECK)
    assert check.matched_cents == 0

    both = MatchChallengeFactory(match_offline=True)
    check = GiftFactory(campaign=both.campaign, source=Gift.Source.CHECK, amount_cents=70_00)
    pledge = GiftFactory(campaign=both.campaign, source=Gift.Source.PLEDGE)
    assert (check.matched_cents, pledge.matched_cents) == (70_00, 0)


def test_a_designation_challenge_matches_only_gifts_to_it():
    designation = DesignationFactory()
    challenge = MatchChallengeFactory(campaign=designation.campaign, designation=designation)
    elsewhere = GiftFactory(campaign=designation.campaign)
    there = GiftFactory(campaign=designation.campaign, designation=designation, amount_cents=30_00)
    assert (elsewhere.matched_cents, there.matched_cents) == (0, 30_00)
    assert tally_totals(campaign=designation.campaign, designation=designation).matched_cents == 30_00
    assert pot(challenge)[0] == 30_00


def test_new_donors_only_matches_a_donors_first_gift_and_not_their_next():
    campaign = CampaignFactory()
    GiftFactory(campaign=campaign, donor_email="old@example.com")  # gave before the challenge
    MatchChallengeFactory(campaign=campaign, new_donors_only=True)

    returning = GiftFactory(campaign=campaign, donor_email="OLD@example.com")
    newcomer = GiftFactory(campaign=campaign, donor_email="new@example.com", amount_cents=40_00)
    again = GiftFactory(campaign=campaign, donor_email="new@example.com")
    assert [returning.matched_cents, newcomer.matched_cents, again.matched_cents] == [0, 40_00, 0]


def test_a_monthly_gift_is_matched_at_its_first_payment_only_and_only_if_the_challenge_accepts_it():
    challenge = MatchChallengeFactory()
    first = GiftFactory(campaign=challenge.campaign, frequency="monthly", stripe_checkout_session_id="cs_test_1")
    renewal = GiftFactory(campaign=challenge.campaign, frequency="monthly", stripe_invoice_id="in_test_2")
    assert (first.matched_cents, renewal.matched_cents) == (50_00, 0)

    excluded = MatchChallengeFactory(recurring_rule=MatchChallenge.RecurringRule.EXCLUDED)
    monthly = GiftFactory(campaign=excluded.campaign, frequency="monthly", stripe_checkout_session_id="cs_test_3")
    assert monthly.matched_cents == 0


def test_of_two_open_challenges_the_one_ending_first_is_drawn():
    campaign = CampaignFactory()
    MatchChallengeFactory(campaign=campaign, ends_at=timezone.now() + datetime.timedelta(days=3))
    soon = MatchChallengeFactory(campaign=campaign, ends_at=timezone.now() + datetime.timedelta(hours=2))
    assert GiftFactory(campaign=campaign).match_challenge_id == soon.pk


def test_the_database_refuses_an_overdrawn_pot():
    from django.db import IntegrityError, transaction

    challenge = MatchChallengeFactory(pot_cents=10_00)
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchChallenge.objects.filter(pk=challenge.pk).update(drawn_cents=10_01)


def test_the_rebuild_finds_no_drift_in_matched_money_and_repairs_it_when_there_is():
    challenge = MatchChallengeFactory(pot_cents=1_000_00)
    for amount in (10_00, 25_00):
        GiftFactory(campaign=challenge.campaign, amount_cents=amount)
    assert not tally_recompute(campaign=challenge.campaign, fix=False).has_drift

    Tally.objects.filter(campaign=challenge.campaign, designation=None).update(matched_cents=1)
    report = tally_recompute(campaign=challenge.campaign, fix=True)
    assert report.drifts[0].changed_fields == ["matched_cents"]
    assert matched_tally(challenge.campaign) == 35_00
