"""The campaign page and the home page: story, figures, donor wall, and a fixed number of queries."""

import datetime

import pytest
from django.utils import timezone

from campaign.models import Update
from donations.models import Gift
from tests.factories import CampaignFactory, GiftFactory, UpdateFactory
from tests.readings import page_text

pytestmark = pytest.mark.django_db


# --- The campaign page ----------------------------------------------------------------------


def test_campaign_page_shows_story_figures_divisions_designations_and_meter(client, campaign):
    GiftFactory(campaign=campaign, amount_cents=250_000_00, display_name="Ana")

    response = client.get("/campaigns/infusion/")

    assert response.status_code == 200
    text = page_text(response)
    assert "Infusion &amp; Dialysis" in text
    assert "<strong>two centers</strong>" in text
    assert '<span class="figure-value">3,000+</span> <span class="figure-label">infusions a year</span>' in text
    assert "<li>Gastroenterology</li>" in text
    assert 'href="/donate/?campaign=infusion&amp;designation=infusion-center"' in text
    assert '<span class="meter-raised-amount" data-meter-raised>$250,000</span>' in text
    assert 'aria-valuenow="25"' in text
    assert 'aria-valuetext="$250,000 raised of the $1,000,000 goal, 25 percent."' in text
    assert "<dd data-meter-percent>25%</dd>" in text
    assert '✓</span> <span class="meter-milestone-amount">$100,000</span>' in text


def test_donate_buttons_link_to_the_gift_form_with_each_preset_amount(client, campaign):
    text = page_text(client.get("/campaigns/infusion/"))

    assert 'href="/donate/?campaign=infusion&amp;amount=25"' in text
    assert 'href="/donate/?campaign=infusion&amp;amount=100"' in text
    assert 'href="/donate/?campaign=infusion&amp;amount=25&amp;frequency=monthly"' in text
    assert 'href="/donate/?campaign=infusion&amp;amount=100&amp;frequency=monthly"' in text


def test_home_shows_the_featured_campaign(client, campaign):
    CampaignFactory(title="Newer but not featured", starts_on=timezone.localdate())

    response = client.get("/")

    assert response.status_code == 200
    assert response.context["campaign"] == campaign
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{campaign.get_absolute_url()}">' in page_text(response)


def test_home_without_a_featured_campaign_shows_the_most_recent_published(client):
    CampaignFactory(title="Older", starts_on=timezone.localdate() - datetime.timedelta(days=90))
    newer = CampaignFactory(title="Newer", starts_on=timezone.localdate() - datetime.timedelta(days=2))
    CampaignFactory(title="Unpublished", starts_on=timezone.localdate(), is_published=False)

    assert client.get("/").context["campaign"] == newer


def test_home_without_any_published_campaign_is_a_friendly_404(client):
    CampaignFactory(is_published=False)

    response = client.get("/")

    assert response.status_code == 404
    assert "No campaign is open right now" in page_text(response)


@pytest.mark.parametrize("path", ["/campaigns/nope/", "/campaigns/nope/embed/", "/updates/nope/"])
def test_unknown_slugs_are_a_friendly_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "We couldn’t find that page" in page_text(response)


def test_unpublished_campaign_is_404(client):
    CampaignFactory(slug="hidden", is_published=False)

    assert client.get("/campaigns/hidden/").status_code == 404
    assert client.get("/campaigns/hidden/progress.json").status_code == 404


def test_campaign_page_escapes_gift_messages_and_names(client, campaign):
    GiftFactory(campaign=campaign, display_name="<b>Bob</b>", message="<script>alert(1)</script>")

    text = page_text(client.get("/campaigns/infusion/"))

    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;b&gt;Bob&lt;/b&gt;" in text


def test_donor_wall_hides_anonymous_names_and_labels_pledges(client, campaign):
    GiftFactory(campaign=campaign, display_name="Hidden Person", is_anonymous=True, amount_cents=75_00)
    GiftFactory(campaign=campaign, display_name="Pledge Co", source=Gift.Source.PLEDGE, amount_cents=5_000_00)

    text = page_text(client.get("/campaigns/infusion/"))

    assert "Hidden Person" not in text
    assert '<span class="donor-wall-name">Anonymous</span> <span class="donor-wall-amount">$75</span>' in text
    assert (
        '<span class="donor-wall-name">Pledge Co</span> <span class="donor-wall-amount">$5,000</span> '
        '<span class="badge donor-wall-badge">pledge</span>'
    ) in text


def test_campaign_page_shows_only_the_latest_three_public_updates(client, campaign):
    now = timezone.now()
    for days in range(1, 6):
        UpdateFactory(campaign=campaign, title=f"Published {days}", publish_at=now - datetime.timedelta(days=days))
    UpdateFactory(campaign=campaign, title="A draft", status=Update.Status.DRAFT)
    UpdateFactory(campaign=campaign, title="Scheduled", publish_at=now + datetime.timedelta(hours=1))

    response = client.get("/campaigns/infusion/")

    assert [update.title for update in response.context["updates"]] == ["Published 1", "Published 2", "Published 3"]
    assert "A draft" not in page_text(response)
    assert "Scheduled" not in page_text(response)


def _make_gifts(campaign, count):
    designation = campaign.designations.first()
    for index in range(count):
        GiftFactory(
            campaign=campaign,
            designation=designation if index % 2 else None,
            source=Gift.Source.CHECK if index % 5 == 0 else Gift.Source.ONLINE,
            is_anonymous=index % 3 == 0,
            message="Thanks!" if index % 4 == 0 else "",
        )


def _make_updates(campaign, count):
    for index in range(count):
        UpdateFactory(campaign=campaign, publish_at=timezone.now() - datetime.timedelta(hours=index + 1))


# Campaign, its figures, divisions, designations and milestones (prefetched), the Tally row,
# the open matching challenge, the outstanding pledges (one aggregate), the donor wall and its
# donors' cumulative giving, the recognition levels, whether there are naming opportunities, the
# latest updates, the fundraisers' leaderboard (pages, teams): the same 15 queries whatever the
# number of gifts or updates (0 once cached).
CAMPAIGN_PAGE_QUERIES = 15


@pytest.mark.parametrize("gifts, updates", [(3, 3), (40, 40)])
def test_campaign_page_query_count_does_not_grow_with_gifts_or_updates(
    client, campaign, django_assert_num_queries, gifts, updates
):
    _make_gifts(campaign, gifts)
    _make_updates(campaign, updates)

    with django_assert_num_queries(CAMPAIGN_PAGE_QUERIES):
        response = client.get("/campaigns/infusion/")

    assert response.status_code == 200
    assert response.context["progress"].gift_count == gifts
    assert len(response.context["recent_gifts"]) == min(gifts, 8)


@pytest.mark.parametrize("gifts", [3, 40])
def test_home_query_count_does_not_grow_with_gifts(client, campaign, django_assert_num_queries, gifts):
    _make_gifts(campaign, gifts)

    with django_assert_num_queries(CAMPAIGN_PAGE_QUERIES):
        assert client.get("/").status_code == 200
