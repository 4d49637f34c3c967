"""
A monthly gift started through a fundraiser's page credits that page on every later month too:
the plan remembers the page, so invoices paid long after the form still move its total exactly.
"""

import pytest

from donations.models import Gift, RecurringPlan
from fundraisers.models import Fundraiser, FundraiserTally
from fundraisers.selectors import team_for_page
from tests.factories import FundraiserFactory, TeamFactory
from tests.readings import tally_counts

pytestmark = pytest.mark.django_db


def page_counts(fundraiser) -> tuple[int, int]:
    row = FundraiserTally.objects.filter(fundraiser=fundraiser).first()
    return (row.raised_cents, row.gift_count) if row else (0, 0)


def start_monthly(fake_stripe, start_gift, deliver, campaign, **overrides):
    gift = start_gift(campaign, frequency="monthly", amount="20", **overrides)
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id, email="riveras@example.com")
    assert deliver("checkout.session.completed", session).status_code == 200
    assert deliver("invoice.paid", fake_stripe.invoices[session["invoice"]]).status_code == 200
    return session


def test_every_later_month_credits_the_page_and_team_the_plan_began_through(fake_stripe, start_gift, deliver):
    team = TeamFactory()
    fundraiser = FundraiserFactory(campaign=team.campaign, team=team)
    session = start_monthly(fake_stripe, start_gift, deliver, team.campaign, fundraiser=fundraiser.slug)
    plan = RecurringPlan.objects.get()
    assert plan.fundraiser_id == fundraiser.pk

    for _month in range(2):
        invoice = fake_stripe.invoice_for(session["subscription"])
        assert deliver("invoice.paid", invoice).status_code == 200
        assert deliver("invoice.paid", invoice).status_code == 200  # a redelivery credits nothing twice

    gifts = list(Gift.objects.order_by("pk"))
    assert [gift.fundraiser_id for gift in gifts] == [fundraiser.pk] * 3
    assert page_counts(fundraiser) == (60_00, 3)
    assert team_for_page(slug=team.slug).progress.raised_cents == 60_00
    assert tally_counts(team.campaign)[:2] == (60_00, 3)


def test_a_page_closed_later_still_gets_the_months_its_donor_promised(fake_stripe, start_gift, deliver):
    fundraiser = FundraiserFactory()
    session = start_monthly(fake_stripe, start_gift, deliver, fundraiser.campaign, fundraiser=fundraiser.slug)
    Fundraiser.objects.filter(pk=fundraiser.pk).update(status=Fundraiser.Status.CLOSED)

    assert deliver("invoice.paid", fake_stripe.invoice_for(session["subscription"])).status_code == 200
    assert page_counts(fundraiser) == (40_00, 2)


def test_a_plan_begun_on_the_campaign_credits_no_page(fake_stripe, start_gift, deliver):
    fundraiser = FundraiserFactory()
    session = start_monthly(fake_stripe, start_gift, deliver, fundraiser.campaign)
    assert deliver("invoice.paid", fake_stripe.invoice_for(session["subscription"])).status_code == 200

    assert RecurringPlan.objects.get().fundraiser_id is None
    assert set(Gift.objects.values_list("fundraiser_id", flat=True)) == {None}
    assert page_counts(fundraiser) == (0, 0)
    assert tally_counts(fundraiser.campaign)[:2] == (40_00, 2)


def test_a_month_refunded_moves_the_page_back_by_exactly_that_month(fake_stripe, start_gift, deliver):
    fundraiser = FundraiserFactory()
    session = start_monthly(fake_stripe, start_gift, deliver, fundraiser.campaign, fundraiser=fundraiser.slug)
    invoice = fake_stripe.invoice_for(session["subscription"])
    deliver("invoice.paid", invoice)
    month2 = Gift.objects.get(stripe_invoice_id=invoice["id"])

    charge = fake_stripe.charges[fake_stripe.payment_intents[month2.stripe_payment_intent_id]["latest_charge"]]
    charge["amount_refunded"] = 20_00
    assert deliver("charge.refunded", charge).status_code == 200
    assert page_counts(fundraiser) == (20_00, 1)
    assert tally_counts(fundraiser.campaign)[:2] == (20_00, 1)
