"""
Matching challenges that count a new monthly gift at N months: the plan must begin inside the
window; at its Nth paid month the sponsor matches its first N months (ratio × what they count),
drawn from the pot at once, as much as it holds; a plan that stops earlier draws nothing; a refund
of one of those months gives back its share.
"""

import datetime
import html

import pytest
from django.core import mail
from django.utils import timezone

from campaign.tallies import tally_totals
from donations.models import Gift, MatchChallenge, RecurringPlan
from donations.receipts import match_statement
from donations.services import gift_save
from donations.services.tallies import tally_recompute
from tests.factories import CampaignFactory, GiftFactory, MatchChallengeFactory
from tests.readings import page_text

pytestmark = pytest.mark.django_db

AT_N = MatchChallenge.RecurringRule.AFTER_PAYMENTS


@pytest.fixture
def challenge():
    campaign = CampaignFactory(slug="infusion", goal_cents=10_000_00)
    return MatchChallengeFactory(
        campaign=campaign,
        sponsor_name="Acme Health",
        pot_cents=1_000_00,
        recurring_rule=AT_N,
        monthly_match_after_payments=3,
    )


@pytest.fixture
def monthly(start_gift, fake_stripe, deliver):
    """Start a monthly gift through Checkout and pay its first month; returns (gift, pay_next_month)."""

    def begin(campaign, amount="25", **overrides):
        gift = start_gift(campaign, frequency="monthly", amount=amount, **overrides)
        session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
        assert deliver("checkout.session.completed", session).status_code == 200
        assert deliver("invoice.paid", fake_stripe.invoices[session["invoice"]]).status_code == 200
        gift.refresh_from_db()

        def next_month(**invoice):
            assert (
                deliver("invoice.paid", fake_stripe.invoice_for(session["subscription"], **invoice)).status_code == 200
            )
            return Gift.objects.filter(plan=gift.plan_id).order_by("-pk").first()

        return gift, next_month

    return begin


def pot(challenge) -> tuple[int, int]:
    challenge.refresh_from_db()
    return challenge.drawn_cents, challenge.left_cents


def matched_tally(campaign) -> int:
    return tally_totals(campaign=campaign, designation=None).matched_cents


def test_the_match_is_drawn_at_the_nth_paid_month_for_the_first_n_months_not_before(challenge, monthly):
    first, next_month = monthly(challenge.campaign, amount="25")
    assert (first.match_challenge_id, first.matched_cents) == (None, 0)  # promised, not yet drawn
    assert first.plan.match_pending_challenge_id == challenge.pk
    second = next_month()
    assert second.matched_cents == 0
    assert pot(challenge) == (0, 1_000_00)

    third = next_month()
    gifts = list(Gift.objects.filter(plan=first.plan_id).order_by("pk"))
    assert [(g.match_challenge_id, g.match_offered_cents, g.matched_cents) for g in gifts] == [
        (challenge.pk, 25_00, 25_00)
    ] * 3
    assert pot(challenge) == (75_00, 925_00)  # 3 × $25
    assert matched_tally(challenge.campaign) == 75_00
    assert RecurringPlan.objects.get(pk=first.plan_id).match_pending_challenge_id is None

    fourth = next_month()  # the promise was the first N months: the fourth is not matched
    assert (fourth.match_challenge_id, fourth.matched_cents) == (None, 0)
    assert pot(challenge) == (75_00, 925_00)
    assert not tally_recompute(campaign=challenge.campaign, fix=False).has_drift
    assert third.pk == gifts[-1].pk


def test_the_nth_month_is_matched_even_after_the_window_has_closed_but_a_plan_begun_after_it_is_not(challenge, monthly):
    _first, next_month = monthly(challenge.campaign)
    challenge.starts_at = timezone.now() - datetime.timedelta(days=2)
    challenge.ends_at = timezone.now() - datetime.timedelta(days=1)
    from donations.services.matching import challenge_save

    challenge_save(challenge)
    next_month()
    next_month()
    assert pot(challenge) == (75_00, 925_00)

    late, late_next = monthly(challenge.campaign)  # begun after the window: never matched
    assert late.plan.match_pending_challenge_id is None
    late_next()
    late_next()
    assert pot(challenge) == (75_00, 925_00)


def test_a_plan_cancelled_before_n_months_draws_nothing(challenge, monthly, fake_stripe, deliver):
    first, next_month = monthly(challenge.campaign)
    next_month()
    assert first.plan.match_pending_challenge_id == challenge.pk  # promised
    assert match_statement(first).startswith("If you give for 3 months, Acme Health will match")
    subscription = fake_stripe.subscriptions[first.plan.stripe_subscription_id]
    subscription["status"] = "canceled"
    assert deliver("customer.subscription.deleted", subscription).status_code == 200

    assert RecurringPlan.objects.get(pk=first.plan_id).status == RecurringPlan.Status.CANCELED
    assert pot(challenge) == (0, 1_000_00)
    assert not Gift.objects.filter(match_challenge__isnull=False).exists()
    assert matched_tally(challenge.campaign) == 0
    first.refresh_from_db()
    assert match_statement(first) == ""  # a resent receipt no longer promises a match


def test_a_two_to_one_match_counts_what_each_month_counts_and_a_month_refunded_before_does_not_count(
    challenge, monthly
):
    challenge.ratio = 2
    challenge.save()
    first, next_month = monthly(challenge.campaign, amount="20")
    first.refunded_cents, first.status = 20_00, Gift.Status.REFUNDED  # the donor asked the first month back
    gift_save(first)
    next_month()
    third = next_month()
    assert pot(challenge) == (0, 1_000_00)  # two months count so far: not yet N
    fourth = next_month(amount=30_00)  # the donor raised the monthly amount
    assert [g.matched_cents for g in Gift.objects.filter(plan=first.plan_id).order_by("pk")] == [0, 40_00, 40_00, 60_00]
    assert pot(challenge) == (140_00, 860_00)
    assert (third.pk, fourth.match_offered_cents) == (third.pk, 60_00)


def test_the_pot_running_short_gives_the_last_of_it_and_the_receipt_says_so(challenge, monthly):
    challenge.pot_cents = 60_00
    challenge.save()
    first, next_month = monthly(challenge.campaign, amount="25")
    next_month()
    third = next_month()
    assert pot(challenge) == (60_00, 0)
    gifts = list(Gift.objects.filter(plan=first.plan_id).order_by("pk"))
    assert sum(g.matched_cents for g in gifts) == 60_00
    assert sum(g.match_offered_cents for g in gifts) == 75_00
    assert matched_tally(challenge.campaign) == 60_00
    assert not tally_recompute(campaign=challenge.campaign, fix=False).has_drift
    third.refresh_from_db()
    assert match_statement(third) == (
        "Acme Health matched $60.00 of the first 3 months of your monthly gift: the last of their pot "
        "(a full match was $75.00). "
        "The match is Acme Health's own gift: it is not part of your gift or of your deduction."
    )

    # A second plan reaching N months after the pot is empty is told so honestly.
    other, other_next = monthly(challenge.campaign, amount="10")
    assert match_statement(other) == (
        "Acme Health's matching pot has been used in full, so your monthly gift will not be matched. "
        "It counts in full toward the goal."
    )
    other_next()
    last = other_next()
    assert (last.match_challenge_id, last.matched_cents, last.match_offered_cents) == (challenge.pk, 0, 10_00)
    assert match_statement(last) == (
        "Your monthly gift reached 3 months after Acme Health's matching pot had been used in full, "
        "so it was not matched. It counts in full toward the goal."
    )


def test_a_refund_of_one_matched_month_gives_back_its_share(challenge, monthly):
    first, next_month = monthly(challenge.campaign, amount="25")
    next_month()
    next_month()
    second = Gift.objects.filter(plan=first.plan_id).order_by("pk")[1]
    second.refunded_cents, second.status = 10_00, Gift.Status.PARTIALLY_REFUNDED
    gift_save(second)
    assert second.matched_cents == 15_00
    assert pot(challenge) == (65_00, 935_00)
    assert matched_tally(challenge.campaign) == 65_00
    assert not tally_recompute(campaign=challenge.campaign, fix=False).has_drift


def test_a_deactivated_challenge_draws_nothing_at_the_nth_month(challenge, monthly):
    first, next_month = monthly(challenge.campaign)
    assert first.plan.match_pending_challenge_id == challenge.pk
    challenge.is_active = False
    challenge.save()
    next_month()
    next_month()
    assert pot(challenge) == (0, 1_000_00)
    assert RecurringPlan.objects.get(pk=first.plan_id).match_pending_challenge_id is None


def test_a_first_payment_challenge_still_matches_at_once_and_one_time_gifts_as_before(challenge, monthly):
    one_time = GiftFactory(campaign=challenge.campaign, amount_cents=40_00)
    assert one_time.matched_cents == 40_00  # the N-months rule is for monthly gifts only
    first_payment = MatchChallengeFactory(recurring_rule=MatchChallenge.RecurringRule.FIRST_PAYMENT)
    first, _next = monthly(first_payment.campaign, amount="25")
    assert first.matched_cents == 25_00
    assert first.plan.match_pending_challenge_id is None


def test_the_thank_you_page_promises_n_months_and_the_nth_receipt_says_what_was_matched(
    client, challenge, start_gift, fake_stripe, deliver
):
    gift = start_gift(challenge.campaign, frequency="monthly", amount="25")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    deliver("checkout.session.completed", session)
    deliver("invoice.paid", fake_stripe.invoices[session["invoice"]])
    text = html.unescape(page_text(client.get(f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}")))
    promise = "If you give for 3 months, Acme Health will match your first 3 months (up to $1,000.00 left in the pot)."
    assert promise in text

    deliver("invoice.paid", fake_stripe.invoice_for(session["subscription"]))
    deliver("invoice.paid", fake_stripe.invoice_for(session["subscription"]))
    receipt = mail.outbox[-1]
    statement = (
        "Acme Health matched the first 3 months of your monthly gift with $75.00. "
        "The match is Acme Health's own gift: it is not part of your gift or of your deduction."
    )
    assert statement in receipt.body
    assert statement in html.unescape(receipt.alternatives[0][0])


def test_the_offer_says_monthly_gifts_are_matched_at_n_months(client, challenge, fake_stripe):
    for path in ("/campaigns/infusion/", "/donate/?campaign=infusion"):
        text = html.unescape(page_text(client.get(path)))
        assert (
            "A new monthly gift begun now is matched for its first 3 months once it has been given for 3 months."
            in text
        )
        assert "Monthly gifts are not matched." not in text


def test_spanish_offer_promise_and_the_nth_receipt(client, challenge, start_gift, fake_stripe, deliver):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    text = html.unescape(page_text(client.get("/campaigns/infusion/")))
    assert "Un donativo mensual nuevo hecho ahora se iguala en sus primeros 3 meses cuando haya dado 3 meses." in text

    gift = start_gift(challenge.campaign, frequency="monthly", amount="25")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    deliver("checkout.session.completed", session)
    deliver("invoice.paid", fake_stripe.invoices[session["invoice"]])
    text = html.unescape(page_text(client.get(f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}")))
    assert "Si da durante 3 meses, Acme Health igualará sus primeros 3 meses (hasta" in text

    deliver("invoice.paid", fake_stripe.invoice_for(session["subscription"]))
    deliver("invoice.paid", fake_stripe.invoice_for(session["subscription"]))
    receipt = mail.outbox[-1]
    assert "Acme Health igualó los primeros 3 meses de su donativo mensual con $75.00." in receipt.body
