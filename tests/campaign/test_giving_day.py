"""Giving-day mode: a live donor count, a goal of donors each hour or day, and a countdown."""

import datetime
import html

import pytest
from django.utils import timezone

from campaign.selectors import campaign_giving_day
from tests.factories import CampaignFactory, GiftFactory
from tests.readings import page_text

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=-5))  # America/New_York in November


def at(hour, minute=0, day=27):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def giving_day_campaign():
    return CampaignFactory(
        slug="infusion",
        giving_day_starts_at=at(9, 30),
        giving_day_ends_at=at(9, 30, day=28),
        giving_day_goal_donors=5,
        giving_day_unlock="an extra $5,000 from Acme",
    )


def test_donors_are_counted_once_each_for_the_day_and_for_the_clock_hour(
    giving_day_campaign, django_assert_num_queries
):
    campaign = giving_day_campaign
    GiftFactory(campaign=campaign, donor_email="early@example.com", paid_at=at(9, 0))  # before it started
    GiftFactory(campaign=campaign, donor_email="a@example.com", paid_at=at(9, 45))
    GiftFactory(campaign=campaign, donor_email="b@example.com", paid_at=at(10, 5))
    GiftFactory(campaign=campaign, donor_email="b@example.com", paid_at=at(10, 20))  # the same donor again
    GiftFactory(campaign=campaign, donor_email="c@example.com", paid_at=at(10, 30))
    GiftFactory(campaign=campaign, donor_email="d@example.com", paid_at=at(10, 40), status="refunded")

    with django_assert_num_queries(1):
        day = campaign_giving_day(campaign=campaign, now=at(10, 50))

    assert (day.state, day.donor_count, day.period_donor_count, day.donors_needed) == ("live", 3, 2, 3)
    assert (day.period, day.period_ends_at) == ("hour", at(11, 0))


def test_the_first_hour_runs_to_the_clock_hour_and_a_daily_goal_counts_the_day(giving_day_campaign):
    assert campaign_giving_day(campaign=giving_day_campaign, now=at(9, 40)).period_ends_at == at(10, 0)
    giving_day_campaign.giving_day_period = "day"
    day = campaign_giving_day(campaign=giving_day_campaign, now=at(18, 0))
    assert (day.period, day.period_ends_at) == ("day", at(0, 0, day=28))


def test_before_it_starts_nothing_is_counted_and_no_query_is_made(giving_day_campaign, django_assert_num_queries):
    with django_assert_num_queries(0):
        day = campaign_giving_day(campaign=giving_day_campaign, now=at(8, 0))
    assert (day.state, day.donor_count) == ("upcoming", 0)
    assert campaign_giving_day(campaign=CampaignFactory(), now=at(8, 0)) is None


def test_progress_json_and_the_pages_show_the_live_giving_day(client, django_assert_num_queries):
    now = timezone.now()
    campaign = CampaignFactory(
        slug="infusion",
        giving_day_starts_at=now - datetime.timedelta(hours=2),
        giving_day_ends_at=now + datetime.timedelta(hours=22),
        giving_day_goal_donors=42,
        giving_day_unlock="an extra $5,000 from Acme",
    )
    GiftFactory(campaign=campaign, paid_at=timezone.now())  # this clock hour (a minute ago may be the last one)

    # The campaign, its milestones, its tally row, the outstanding pledges, the open challenge, the
    # giving day's donors.
    with django_assert_num_queries(6):
        data = client.get("/campaigns/infusion/progress.json").json()
    with django_assert_num_queries(0):
        client.get("/campaigns/infusion/progress.json")
    assert data["giving_day"]["state"] == "live"
    assert (data["giving_day"]["donor_count"], data["giving_day"]["donors_needed"]) == (1, 41)
    assert data["giving_day"]["ends_at"] == campaign.giving_day_ends_at.isoformat()

    for path in ("/campaigns/infusion/", "/campaigns/infusion/embed/"):
        response = client.get(path)
        text = html.unescape(page_text(response))
        assert "Giving day" in text
        assert "<dd data-giving-donors>1</dd>" in text
        assert "<dd data-giving-needed>41</dd>" in text
        assert "42 donors this hour unlock an extra $5,000 from Acme." in text
        assert "countdown.js" in text


def test_a_giving_day_needs_both_ends_in_the_right_order(dev_client):
    from django.core.exceptions import ValidationError

    campaign = CampaignFactory(giving_day_starts_at=at(9))
    with pytest.raises(ValidationError, match="both its start and its end"):
        campaign.full_clean()
    campaign.giving_day_ends_at = at(8)
    with pytest.raises(ValidationError, match="must end after it starts"):
        campaign.full_clean()


def test_staff_set_a_giving_day_in_the_campaign_form_and_a_campaign_without_one_needs_no_period(dev_client):
    from campaign.models import Campaign

    campaign = CampaignFactory(title="Dialysis", slug="dialysis")
    url = f"/admin/campaign/campaign/{campaign.pk}/change/"
    form = dev_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update({"goal_cents": "1000000", "starts_on": campaign.starts_on.isoformat(), "giving_day_period": ""})
    for prefix in ("figures", "divisions", "designations", "milestones"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.pop("hero_image", None)
    data.pop("ends_on", None)
    response = dev_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Campaign.objects.get(pk=campaign.pk).giving_day_period == "hour"

    data.update(
        {
            "giving_day_starts_at_0": "2026-12-02",
            "giving_day_starts_at_1": "09:00:00",
            "giving_day_ends_at_0": "2026-12-01",
            "giving_day_ends_at_1": "09:00:00",
            "giving_day_goal_donors": "42",
        }
    )
    response = dev_client.post(url, data)
    assert response.status_code == 200
    assert "must end after it starts" in str(response.context["adminform"].form.errors)
