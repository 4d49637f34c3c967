"""
Matching challenges: a qualifying gift draws its match from the sponsor's pot when it is paid, and
gives it back when it is refunded or disputed. Called by gift_save only, inside its transaction, so
the match moves with the gift and the meter or not at all.

The rules, decided once here:
- A gift qualifies when it is first paid (Stripe confirms it, or staff record it received) inside
  an active challenge's window, from a source the challenge accepts (online; offline: check, cash,
  wire, stock; never a pledge until it is paid), to its designation if it has one, from a new donor
  if it asks for those, and, for a monthly gift, at its first payment only if it accepts those.
  Of several open challenges, the one ending first is drawn.
- "At N months" (recurring_rule AFTER_PAYMENTS): a new recurring plan whose first payment
  qualifies as above is promised, not drawn (plan.match_pending_challenge). When its Nth paid
  payment that still counts is confirmed (a fully refunded or disputed month does not count;
  quarterly and annual plans count payments, not months), the sponsor matches its first N
  payments: ratio × what each counts, drawn at once as one draw, as much as the pot then holds,
  even after the window has closed (only the plan's start must be inside it). The match is kept
  on each of the N gifts (its share; a pot running short is shared in proportion, rounded down,
  the rest on the Nth), so a refund of one month gives back its share like any gift's. A plan
  stopped before its Nth payment draws nothing; a challenge unticked ("active") meanwhile draws
  nothing either. Payments after the Nth are not matched.
- The match is ratio × what the gift counts (the gift net of refunds, never the fee the donor
  covered), as much as the pot still holds: the pot is never overdrawn (a conditional UPDATE, and
  the database's check constraint behind it). A gift paid after the pot ran out keeps the
  challenge it qualified for with 0 drawn, so its thank-you page and receipt can say so.
- A refund gives back in proportion, rounded down in the sponsor's favour: a $100 gift matched
  $100 and refunded $40 keeps $60 matched; a full refund or a dispute gives the whole match back.
  A dispute won by the foundation draws the match again, as far as the pot then allows.
- The match is the sponsor's money: it never changes the donor's receipt amount (their deduction).
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from campaign.models import CampaignDonor
from core.cache import pages_invalidate_on_commit

from ..models import Frequency, Gift, MatchChallenge, RecurringPlan

# One statement in the common case (the pot holds the whole match): the row lock is taken by the
# update itself, and the condition means no concurrent draw can ever take the pot below zero.
_DRAW_WHOLE_SQL = (
    "UPDATE donations_matchchallenge SET drawn_cents = drawn_cents + %s WHERE id = %s AND drawn_cents + %s <= pot_cents"
)
_GIVE_BACK_SQL = "UPDATE donations_matchchallenge SET drawn_cents = drawn_cents - %s WHERE id = %s"


def _pot_draw(*, challenge_id: int, wanted: int) -> int:
    """Take up to `wanted` cents from the pot; return what was taken (less when it runs short, or 0)."""
    if wanted <= 0:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_DRAW_WHOLE_SQL, [wanted, challenge_id, wanted])
        if cursor.rowcount == 1:
            return wanted
    # The pot cannot give it all: lock the row, then take what is left (the last part of a pot).
    challenge = MatchChallenge.objects.select_for_update().only("pot_cents", "drawn_cents").get(pk=challenge_id)
    taken = max(0, min(wanted, challenge.pot_cents - challenge.drawn_cents))
    if taken:
        with connection.cursor() as cursor:
            cursor.execute(_GIVE_BACK_SQL, [-taken, challenge_id])
    return taken


def _pot_give_back(*, challenge_id: int, cents: int) -> None:
    if cents > 0:
        with connection.cursor() as cursor:
            cursor.execute(_GIVE_BACK_SQL, [cents, challenge_id])


def _qualifies(challenge: MatchChallenge, gift: Gift) -> bool:
    if gift.source == Gift.Source.PLEDGE:
        return False
    if not (challenge.match_online if gift.source == Gift.Source.ONLINE else challenge.match_offline):
        return False
    if challenge.designation_id and challenge.designation_id != gift.designation_id:
        return False
    if gift.frequency != Frequency.ONE_TIME:
        if challenge.recurring_rule == MatchChallenge.RecurringRule.EXCLUDED:
            return False
        if not gift.stripe_checkout_session_id:
            return False  # a later month of a plan (its first payment came through Checkout)
    return True


def _is_new_donor(gift: Gift, *, donor_key: str) -> bool:
    """No other gift of this donor counts in the campaign yet (read before gift_save counts this one)."""
    earlier = CampaignDonor.objects.filter(campaign_id=gift.campaign_id, donor_key=donor_key, gift_count__gt=0)
    return not earlier.exists()


# Every payment asks which challenges a campaign has; the answer changes only when staff save one,
# so it is cached (and forgotten on save) rather than read from the database for each payment.
CHALLENGES_CACHE_SECONDS = 300


def _challenges_cache_key(campaign_id: int) -> str:
    return f"match:challenges:{campaign_id}"


def challenge_save(challenge: MatchChallenge) -> MatchChallenge:
    """
    Save a challenge staff created or changed. Once it commits, the next payment reads the
    campaign's challenges afresh and the public pages (the offer, the meter) are rebuilt.
    """
    challenge.save()
    key = _challenges_cache_key(challenge.campaign_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))  # and again: a payment may have read the old list meanwhile
    pages_invalidate_on_commit(content=True, figures=True)
    return challenge


def _challenges_not_ended(campaign_id: int) -> list[MatchChallenge]:
    key = _challenges_cache_key(campaign_id)
    challenges = cache.get(key)
    if challenges is None:
        challenges = list(
            MatchChallenge.objects.filter(campaign_id=campaign_id, is_active=True, ends_at__gt=timezone.now()).order_by(
                "ends_at", "pk"
            )
        )
        cache.set(key, challenges, CHALLENGES_CACHE_SECONDS)
    return challenges


def challenge_for_gift(*, gift: Gift, donor_key: str, when: datetime.datetime) -> MatchChallenge | None:
    """The open challenge a newly paid gift qualifies for, if any (the one ending first)."""
    for challenge in _challenges_not_ended(gift.campaign_id):
        if not (challenge.starts_at <= when < challenge.ends_at) or not _qualifies(challenge, gift):
            continue
        if challenge.new_donors_only and not _is_new_donor(gift, donor_key=donor_key):
            continue
        return challenge
    return None


@dataclass(frozen=True)
class PotMove:
    """What a gift's change asks of its pot: draw `cents` (> 0, as much as it holds) or give back (< 0)."""

    challenge_id: int
    cents: int
    first_draw: bool = False  # the draw at payment (sets what the gift was given), not a later one
    # "At N months": the plan's earlier months matched by the same draw, (gift id, its full share);
    # `cents` is then the whole draw, the earlier shares included.
    earlier: tuple[tuple[int, int], ...] = ()


def gift_match_plan(*, gift: Gift, previous_counted: int, counted: int, donor_key: str) -> PotMove | None:
    """
    Bring the gift's match in line with what it now counts (see the module's rules), assuming the
    pot can give what is asked: sets gift.match_* and gift.matched_cents, and returns the pot move
    for gift_save to apply with pot_move_apply, just before the tally, which corrects the gift
    when the pot could give less.
    """
    if gift.match_challenge_id is None:
        if counted <= 0 or previous_counted > 0:
            return None
        is_later_month = gift.frequency != Frequency.ONE_TIME and not gift.stripe_checkout_session_id
        if is_later_month:
            return _plan_months_match(gift=gift, counted=counted) if gift.plan_id else None
        challenge = challenge_for_gift(gift=gift, donor_key=donor_key, when=gift.paid_at or timezone.now())
        if challenge is None:
            return None
        if (
            gift.frequency != Frequency.ONE_TIME
            and challenge.recurring_rule == MatchChallenge.RecurringRule.AFTER_PAYMENTS
        ):
            if not gift.plan_id:
                return None
            _plan_pending_set(gift.plan, challenge.pk)  # promised now, drawn at the Nth payment
            return None
        offered = challenge.ratio * counted
        gift.match_challenge_id = challenge.pk
        gift.match_offered_cents, gift.match_drawn_cents, gift.matched_cents = offered, offered, offered
        return PotMove(challenge_id=challenge.pk, cents=offered, first_draw=True)

    # Matched at payment: keep the match in proportion to what the gift still counts.
    target = (gift.match_drawn_cents * counted) // gift.amount_cents if counted > 0 and gift.amount_cents else 0
    change = target - gift.matched_cents
    if change < 0 or (change > 0 and counted > previous_counted):
        gift.matched_cents = target
        return PotMove(challenge_id=gift.match_challenge_id, cents=change)
    return None


def _plan_pending_set(plan: RecurringPlan, challenge_id: int | None) -> None:
    """Record (or clear) the challenge a plan awaits; the caller's copy follows, so a later plan.save() keeps it."""
    if plan.match_pending_challenge_id != challenge_id:
        plan.match_pending_challenge_id = challenge_id
        RecurringPlan.objects.filter(pk=plan.pk).update(match_pending_challenge_id=challenge_id)


def _plan_months_match(*, gift: Gift, counted: int) -> PotMove | None:
    """
    A later payment of a plan: if the plan awaits an "at N months" challenge and this is its Nth
    payment that counts, plan the match of its first N payments (see the module's rules). Costs
    nothing for a plan awaiting none (the plan is already loaded by the invoice's handler).
    """
    plan = gift.plan
    if plan.match_pending_challenge_id is None:
        return None
    # The plan's row lock puts two months of one plan paid at once one after the other: the
    # second then sees the first's match and draws nothing.
    pending = (
        RecurringPlan.objects.select_for_update()
        .filter(pk=plan.pk)
        .values_list("match_pending_challenge_id", flat=True)
        .first()
    )
    if pending is None:
        plan.match_pending_challenge_id = None
        return None
    challenge = MatchChallenge.objects.filter(pk=pending).first()  # not the cache: it may have ended
    after = challenge.monthly_match_after_payments if challenge else None
    if challenge is None or not challenge.is_active or not after:
        _plan_pending_set(plan, None)  # stopped by staff meanwhile: nothing is drawn
        return None
    earlier = list(
        Gift.objects.select_for_update()
        .filter(plan_id=plan.pk, counted_cents__gt=0, match_challenge__isnull=True)
        .exclude(pk=gift.pk)
        .order_by("paid_at", "pk")
        .only("pk", "counted_cents")[: after - 1]
    )
    if len(earlier) + 1 < after:
        return None  # not yet N payments: the promise stands
    _plan_pending_set(plan, None)
    shares = tuple((month.pk, challenge.ratio * month.counted_cents) for month in earlier)
    own = challenge.ratio * counted
    gift.match_challenge_id = challenge.pk
    gift.match_offered_cents, gift.match_drawn_cents, gift.matched_cents = own, own, own
    return PotMove(
        challenge_id=challenge.pk, cents=own + sum(share for _pk, share in shares), first_draw=True, earlier=shares
    )


def _plan_move_apply(*, gift: Gift, move: PotMove) -> int:
    """
    The draw of a plan's N months: one draw of the whole (the existing _pot_draw), then each
    earlier month is given its share of what was drawn (in proportion when the pot ran short,
    rounded down; the rest is the Nth month's). Returns what the tally must take off the Nth
    gift's own planned match to count the whole draw instead (negative: the earlier shares add).
    """
    drawn = _pot_draw(challenge_id=move.challenge_id, wanted=move.cents)
    planned_own = gift.matched_cents
    months, given = [], 0
    for pk, offered in move.earlier:
        share = offered * drawn // move.cents
        given += share
        months.append(
            Gift(
                pk=pk,
                match_challenge_id=move.challenge_id,
                match_offered_cents=offered,
                match_drawn_cents=share,
                matched_cents=share,
            )
        )
    if months:
        Gift.objects.bulk_update(
            months, ["match_challenge_id", "match_offered_cents", "match_drawn_cents", "matched_cents"]
        )
    own = drawn - given
    if own != planned_own:
        gift.matched_cents = gift.match_drawn_cents = own
        Gift.objects.filter(pk=gift.pk).update(matched_cents=own, match_drawn_cents=own)
    return planned_own - drawn


def pot_move_apply(*, gift: Gift, move: PotMove) -> int:
    """
    Move the pot as planned; when it holds less than the draw, take what is left and correct the
    saved gift (one more statement, only while a pot runs out). Returns the shortfall in cents.
    """
    if move.earlier:
        return _plan_move_apply(gift=gift, move=move)
    if move.cents < 0:
        _pot_give_back(challenge_id=move.challenge_id, cents=-move.cents)
        return 0
    shortfall = move.cents - _pot_draw(challenge_id=move.challenge_id, wanted=move.cents)
    if shortfall:
        gift.matched_cents -= shortfall
        if move.first_draw:
            gift.match_drawn_cents -= shortfall
        Gift.objects.filter(pk=gift.pk).update(
            matched_cents=gift.matched_cents, match_drawn_cents=gift.match_drawn_cents
        )
    return shortfall
