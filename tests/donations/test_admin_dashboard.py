"""The staff dashboard's figures, checked against gifts whose totals are known."""

import datetime
import re

import pytest
from django.utils import timezone

from campaign.models import Designation
from donations import dashboard, reports
from donations.models import Gift, RecurringPlan
from tests.factories import CampaignFactory, GiftFactory

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def known():
    campaign = CampaignFactory(title="Dialysis Centers", goal_cents=10_000_00, is_featured=True)
    infusion = Designation.objects.create(campaign=campaign, name="Infusion Center", slug="infusion", position=1)
    dialysis = Designation.objects.create(campaign=campaign, name="Dialysis Center", slug="dialysis", position=2)
    GiftFactory(campaign=campaign, designation=infusion, amount_cents=100_00, paid_at=days_ago(0))
    GiftFactory(campaign=campaign, frequency="monthly", amount_cents=25_00, paid_at=days_ago(3))
    GiftFactory(campaign=campaign, designation=dialysis, source="check", amount_cents=500_00, paid_at=days_ago(10))
    GiftFactory(campaign=campaign, source="pledge", amount_cents=1_000_00, paid_at=days_ago(5))
    GiftFactory(campaign=campaign, status=Gift.Status.FAILED, amount_cents=999_00, paid_at=days_ago(1))
    GiftFactory(
        campaign=campaign,
        designation=infusion,
        amount_cents=200_00,
        refunded_cents=50_00,
        status=Gift.Status.PARTIALLY_REFUNDED,
        paid_at=days_ago(0),
    )
    GiftFactory(campaign=campaign, amount_cents=300_00, paid_at=days_ago(70))  # before the charted days
    other = CampaignFactory(title="Other", goal_cents=1_000_00)
    GiftFactory(campaign=other, amount_cents=40_00, paid_at=days_ago(2))

    plan = {"campaign": campaign, "amount_cents": 25_00}
    RecurringPlan.objects.create(**plan, stripe_subscription_id="sub_a", status="active")
    RecurringPlan.objects.create(campaign=campaign, amount_cents=10_00, stripe_subscription_id="sub_b", status="active")
    RecurringPlan.objects.create(
        **plan,
        stripe_subscription_id="sub_c",
        status="past_due",
        donor_name="Late Payer",
        donor_email="late@example.com",
    )
    RecurringPlan.objects.create(**plan, stripe_subscription_id="sub_d", status="canceled", canceled_at=days_ago(5))
    RecurringPlan.objects.create(**plan, stripe_subscription_id="sub_e", status="canceled", canceled_at=days_ago(60))
    return {"campaign": campaign, "other": other}


def test_totals_by_campaign_designation_and_frequency(known):
    campaign = known["campaign"]
    [first, second] = reports.campaign_totals()
    assert first.campaign == campaign
    assert (first.raised_cents, first.online_cents, first.offline_cents, first.pledged_cents, first.gift_count) == (
        2_075_00,
        575_00,
        500_00,
        1_000_00,
        6,
    )
    assert first.percent == 20
    assert (second.campaign, second.raised_cents, second.gift_count) == (known["other"], 40_00, 1)

    assert [
        (line.label, line.raised_cents, line.gift_count) for line in reports.designation_totals(campaign=campaign)
    ] == [
        ("Infusion Center", 250_00, 2),
        ("Dialysis Center", 500_00, 1),
        ("No designation", 1_325_00, 3),
    ]
    assert [
        (line.label, line.raised_cents, line.gift_count) for line in reports.frequency_totals(campaign=campaign)
    ] == [
        ("One time", 2_050_00, 5),
        ("Monthly", 25_00, 1),
        ("Quarterly", 0, 0),
        ("Annual", 0, 0),
    ]


def test_gifts_per_day_and_the_running_total(known):
    days = reports.gifts_per_day(campaign=known["campaign"])
    assert len(days) == 60
    assert days[-1].date == timezone.localdate()
    by_date = {day.date: (day.gift_count, day.raised_cents) for day in days if day.gift_count}
    today = timezone.localdate()
    assert by_date == {
        today: (2, 250_00),
        timezone.localtime(days_ago(3)).date(): (1, 25_00),
        timezone.localtime(days_ago(5)).date(): (1, 1_000_00),
        timezone.localtime(days_ago(10)).date(): (1, 500_00),
    }
    assert days[0].cumulative_cents == 300_00  # what counted before the window
    assert days[-1].cumulative_cents == 2_075_00  # the meter's total


def test_monthly_donors_and_follow_up(known):
    monthly = reports.monthly_donors()
    assert (monthly.active, monthly.past_due, monthly.cancelled, monthly.cancelled_last_30_days) == (2, 1, 2, 1)
    assert monthly.monthly_cents == 35_00
    assert [plan.stripe_subscription_id for plan in reports.plans_to_follow_up()] == ["sub_c"]


def test_the_dashboard_page(dev_client, known, django_assert_max_num_queries):
    response = dev_client.get("/admin/dashboard/")
    assert response.status_code == 200
    assert response.context["campaign"] == known["campaign"]
    page = response.content.decode()
    assert " style=" not in page  # the CSP forbids inline styles
    assert "<script>" not in page
    assert page.count('<svg class="dash-chart"') == 2
    assert page.count('class="chart-bar"') == 60
    assert "$2,075" in page and "Goal $10,000" in page
    assert "late@example.com" in page
    assert re.search(r"<dt>Active</dt><dd>2</dd>", page)

    other = dev_client.get(f"/admin/dashboard/?campaign={known['other'].pk}")
    assert other.context["campaign"] == known["other"]
    assert dev_client.get("/admin/dashboard/?campaign=nonsense").context["campaign"] == known["campaign"]


def test_dashboard_queries_do_not_grow_with_gifts(dev_client, known):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dev_client.get("/admin/dashboard/")
    with CaptureQueriesContext(connection) as before:
        dev_client.get("/admin/dashboard/")
    for _index in range(20):
        GiftFactory(campaign=known["campaign"], paid_at=days_ago(4))
    with CaptureQueriesContext(connection) as after:
        dev_client.get("/admin/dashboard/")
    assert len(before) == len(after)


def test_the_chart_scales_to_the_goal():
    days = [reports.Day(date=datetime.date(2026, 1, 1), gift_count=0, raised_cents=0, cumulative_cents=5_000_00)]
    chart = dashboard.cumulative_chart(days, goal_cents=10_000_00)
    # The axis tops out at the goal: the goal line at the top, the total half way.
    assert chart["goal_y"] == dashboard.PLOT_TOP
    # One day: the point sits mid-width (84 + 624 / 2) and mid-height (14 + 178 / 2).
    assert chart["points"] == "396.0,103.0"
    assert [tick.label for tick in chart["ticks"]] == ["$0", "$5,000", "$10,000"]


def test_coordinators_cannot_open_the_dashboard(client, care_coordinator):
    client.force_login(care_coordinator)
    assert client.get("/admin/dashboard/").status_code == 403
