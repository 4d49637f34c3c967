"""The public pages of fundraisers and teams: what they show, what they never show, their cost and cache."""

import pytest
from django.core.cache import cache
from django.test import Client

from fundraisers.models import Fundraiser
from fundraisers.services import fundraiser_set_status
from tests.factories import CampaignFactory, FundraiserFactory, GiftFactory, TeamFactory
from tests.readings import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def page():
    team = TeamFactory(name="Night nurses")
    fundraiser = FundraiserFactory(
        campaign=team.campaign,
        team=team,
        display_name="Ana Rivera",
        title="Ana runs 10K for the infusion center",
        story="My son was treated here. **Thank you**, nurses.<script>alert(1)</script>",
        goal_cents=500_00,
    )
    GiftFactory(
        campaign=team.campaign,
        fundraiser=fundraiser,
        amount_cents=123_45,
        donor_email="luis.private@example.com",
        donor_name="Luis Ortega Private",
        display_name="Luis",
        message="Go Ana!",
    )
    GiftFactory(
        campaign=team.campaign,
        fundraiser=fundraiser,
        amount_cents=76_55,
        donor_email="secret.giver@example.com",
        display_name="",
        is_anonymous=True,
    )
    return fundraiser


def test_the_page_shows_story_meter_supporters_donate_and_share(client, page, django_assert_num_queries):
    GiftFactory(campaign=page.campaign, fundraiser=page, amount_cents=0, donor_email="luis.private@example.com")
    # The page with campaign, team and tally; its different donors; its supporters.
    with django_assert_num_queries(3):
        response = client.get(f"/fundraisers/{page.slug}/")
    text = page_text(response)
    assert response.status_code == 200
    assert '<h1 id="fundraiser-title" class="update-title">Ana runs 10K for the infusion center</h1>' in text
    assert "A fundraiser by Ana Rivera" in text
    assert "<strong>Thank you</strong>" in text and "<script>alert(1)" not in text
    assert "data-meter-raised>$200</span>" in text and "data-meter-goal>$500</span>" in text
    assert "data-meter-percent>40%</dd>" in text
    assert "data-progress-url" not in text  # the campaign's live figures must not overwrite the page's
    assert "data-meter-donors>2</dd>" in text  # two donors; a gift of $0 counts no one
    assert '<span class="donor-wall-name">Luis</span>' in text
    assert '<span class="donor-wall-name">Anonymous</span>' in text
    assert "Go Ana!" in text
    assert f'href="/donate/?campaign={page.campaign.slug}&amp;fundraiser={page.slug}"' in text
    assert "facebook.com/sharer/sharer.php?u=http%3A%2F%2F127.0.0.1%3A8000%2Ffundraisers%2F" in text
    assert f'href="/teams/{page.team.slug}/">Team Night nurses</a>' in text
    assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"


def test_no_email_full_name_or_amount_of_a_donor_is_shown(client, page):
    text = page_text(client.get(f"/fundraisers/{page.slug}/"))
    for private in ("luis.private@example.com", "secret.giver@example.com", "Luis Ortega Private", "$123", "$76"):
        assert private not in text
    assert "@" not in text.split("<main", 1)[1].split("</main>", 1)[0]


def test_one_fundraiser_never_sees_anothers_donors(client, page):
    other = FundraiserFactory(campaign=page.campaign, display_name="Marta")
    GiftFactory(campaign=page.campaign, fundraiser=other, display_name="Marta's aunt", donor_email="aunt@example.com")
    mine = page_text(client.get(f"/fundraisers/{page.slug}/"))
    theirs = page_text(client.get(f"/fundraisers/{other.slug}/"))
    assert "Marta&#x27;s aunt" not in mine and "aunt@example.com" not in mine
    assert "Luis" not in theirs and "luis.private@example.com" not in theirs
    assert "Marta&#x27;s aunt" in theirs


@pytest.mark.parametrize(
    "status, code, heading",
    [
        (Fundraiser.Status.PENDING, 404, "This fundraiser isn’t public yet"),
        (Fundraiser.Status.HIDDEN, 410, "This fundraiser isn’t available"),
        (Fundraiser.Status.CLOSED, 410, "This fundraiser has ended"),
    ],
)
def test_a_page_not_approved_shows_only_a_notice(client, page, status, code, heading, django_assert_num_queries):
    Fundraiser.objects.filter(pk=page.pk).update(status=status)
    with django_assert_num_queries(1):  # the page's row, and nothing of its gifts
        response = client.get(f"/fundraisers/{page.slug}/")
    text = page_text(response)
    assert response.status_code == code
    assert heading in text
    for content in ("Ana runs 10K", "Ana Rivera", "Thank you</strong>", "Luis", "Go Ana!", "$200"):
        assert content not in text
    assert '<meta name="robots" content="noindex">' in text
    assert f'href="/campaigns/{page.campaign.slug}/"' in text


def test_unknown_pages_and_unpublished_campaigns_are_404(client, page):
    assert client.get("/fundraisers/nobody/").status_code == 404
    assert client.get("/teams/nobody/").status_code == 404
    page.campaign.is_published = False
    page.campaign.save()
    assert client.get(f"/fundraisers/{page.slug}/").status_code == 404
    assert client.get(f"/teams/{page.team.slug}/").status_code == 404


def test_a_page_past_its_end_date_thanks_and_points_to_the_campaign(client):
    import datetime

    from django.utils import timezone

    ended = FundraiserFactory(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    text = page_text(client.get(f"/fundraisers/{ended.slug}/"))
    assert "This fundraiser has ended. Thank you to everyone who gave!" in text
    assert "fundraiser=" not in text


def test_the_team_page_sums_its_members_and_lists_only_public_pages(client, page, django_assert_num_queries):
    team = page.team
    hidden = FundraiserFactory(campaign=team.campaign, team=team, title="Hidden run", status=Fundraiser.Status.HIDDEN)
    GiftFactory(campaign=team.campaign, fundraiser=hidden, amount_cents=10_00)
    FundraiserFactory(campaign=team.campaign, team=team, title="Second runner", goal_cents=300_00)
    FundraiserFactory(campaign=team.campaign, title="Not in the team")

    with django_assert_num_queries(2):  # the team with its campaign; its members with their tallies
        response = client.get(f"/teams/{team.slug}/")
    text = page_text(response)
    assert response.status_code == 200
    assert "Team Night nurses" in text
    assert "data-meter-raised>$210</span>" in text  # every member's gifts, the hidden page's too
    assert "data-meter-goal>$800</span>" in text  # the public pages' goals
    team.goal_cents = 2_000_00
    team.save()
    cache.clear()
    assert "data-meter-goal>$2,000</span>" in page_text(client.get(f"/teams/{team.slug}/"))  # its own goal
    assert text.index("Ana runs 10K") < text.index("Second runner")
    assert "Hidden run" not in text and "Not in the team" not in text
    assert "$200 raised" in text and "$0 raised" in text


def test_pages_are_cached_and_follow_gifts_and_moderation(
    page, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = Client()
    url = f"/fundraisers/{page.slug}/"
    assert client.get(url)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        assert client.get(url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        GiftFactory(campaign=page.campaign, fundraiser=page, amount_cents=100_00, display_name="Rosa")
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "data-meter-raised>$300</span>" in page_text(response)
    assert client.get(f"/teams/{page.team.slug}/")["X-Page-Cache"] == "miss"

    with django_capture_on_commit_callbacks(execute=True):
        fundraiser_set_status(fundraiser=page, status=Fundraiser.Status.HIDDEN)
    response = client.get(url)
    assert response.status_code == 410
    assert "Ana runs 10K" not in page_text(response)
    assert client.get(url).status_code == 410  # not served from a stale copy either


def test_the_page_in_spanish(client, page):
    client.cookies["django_language"] = "es"
    text = page_text(client.get(f"/fundraisers/{page.slug}/"))
    assert "Una recaudación de Ana Rivera" in text
    assert "Quienes apoyan" in text
    assert "Dona a través de la página de Ana Rivera" in text


def test_the_campaign_lists_no_unapproved_page_anywhere(client):
    campaign = CampaignFactory()
    FundraiserFactory(campaign=campaign, title="Pending story about a patient", status=Fundraiser.Status.PENDING)
    assert "Pending story about a patient" not in page_text(client.get(f"/campaigns/{campaign.slug}/"))


def test_a_message_waits_for_staff_on_the_page_as_on_the_donor_wall(client, settings):
    settings.DONOR_WALL_PREMODERATION = True
    fundraiser = FundraiserFactory()
    GiftFactory(campaign=fundraiser.campaign, fundraiser=fundraiser, display_name="Luis", message="Room 4B, Sam",
                message_status="pending")  # fmt: skip
    text = client.get(f"/fundraisers/{fundraiser.slug}/").content.decode()
    assert "Luis" in text
    assert "Room 4B" not in text


def test_a_team_with_no_approved_page_is_not_shown(client):
    from fundraisers.models import Fundraiser

    team = TeamFactory(name="Unreviewed team name")
    FundraiserFactory(campaign=team.campaign, team=team, status=Fundraiser.Status.PENDING)
    response = client.get(f"/teams/{team.slug}/")
    assert response.status_code == 404
    assert "Unreviewed team name" not in response.content.decode()
