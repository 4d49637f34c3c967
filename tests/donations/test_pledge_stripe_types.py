"""The subscription schedule an online pledge's end is made of, read from Stripe's own example."""

import pytest

from donations.stripe_fixtures import fixture
from donations.stripe_types import SchedulePhaseItem, StripeObjectMalformed, SubscriptionSchedule


def test_a_subscription_schedule_from_stripes_example():
    example = fixture("subscription_schedule")
    schedule = SubscriptionSchedule.from_stripe(example)
    assert schedule.id == example["id"]
    assert schedule.end_behavior == "release"
    assert schedule.first_phase_start == example["phases"][0]["start_date"]
    assert schedule.first_phase_items == (
        SchedulePhaseItem(price_id=example["phases"][0]["items"][0]["price"], quantity=1),
    )


@pytest.mark.parametrize("phases", ["not a list", [["a list"]], [{"items": ["not an item"]}]])
def test_phases_stripe_never_sends_are_refused(phases):
    with pytest.raises(StripeObjectMalformed):
        SubscriptionSchedule.from_stripe({**fixture("subscription_schedule"), "phases": phases})
