import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from campaign.models import Campaign, Figure, Milestone, Tally, Update
from donations.models import Gift
from tests.factories import CampaignFactory, DesignationFactory, GiftFactory, UpdateFactory

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def campaign():
    campaign = CampaignFactory(
        title="Infusion & Dialysis",
        slug="infusion",
        goal_cents=1_000_000_00,
        preset_amounts="25, 100",
        is_featured=True,
    )
    Figure.objects.create(campaign=campaign, value="3,000+", label="infusions a year")
    campaign.divisions.create(name="Gastroenterology")
    DesignationFactory(campaign=campaign, name="Infusion Center", slug="infusion-center")
    Milestone.objects.create(campaign=campaign, amount_cents=100_000_00, label="Design complete")
    return campaign


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
# the donor wall, the latest updates: the same 8 queries whatever the number of gifts or updates.
CAMPAIGN_PAGE_QUERIES = 8


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


# --- The meter: embed and progress.json -----------------------------------------------------


def test_embed_can_be_framed_anywhere_and_renders_the_same_meter(client, campaign):
    Tally.objects.create(campaign=campaign, raised_cents=123_456_00, gift_count=2, donor_count=2)

    response = client.get("/campaigns/infusion/embed/")
    page = client.get("/campaigns/infusion/")

    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    meter = re.search(r'<section class="meter".*?</section>', page_text(response)).group(0)
    assert meter == re.search(r'<section class="meter".*?</section>', page_text(page)).group(0)
    assert "$123,456" in meter
    assert "site-header" not in page_text(response)


def test_other_pages_still_refuse_framing(client, campaign):
    response = client.get("/campaigns/infusion/")

    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_progress_json_shape_values_cors_and_caching(client, campaign):
    GiftFactory(campaign=campaign, amount_cents=1_500_000_00, donor_email="a@example.com")
    GiftFactory(campaign=campaign, amount_cents=10_00, donor_email="a@example.com")
    tally = Tally.objects.get(campaign=campaign, designation=None)

    response = client.get("/campaigns/infusion/progress.json")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, max-age=15, stale-while-revalidate=60"
    assert response.json() == {
        "raised_cents": 1_500_010_00,
        "goal_cents": 1_000_000_00,
        "donor_count": 1,
        "gift_count": 2,
        "percent": 150,
        "currency": "usd",
        "updated_at": tally.updated_at.isoformat(),
    }


def test_progress_json_with_no_gifts_is_zero(client, campaign):
    assert client.get("/campaigns/infusion/progress.json").json() == {
        "raised_cents": 0,
        "goal_cents": 1_000_000_00,
        "donor_count": 0,
        "gift_count": 0,
        "percent": 0,
        "currency": "usd",
        "updated_at": None,
    }


def test_progress_json_unknown_slug_is_a_json_404(client):
    response = client.get("/campaigns/nope/progress.json")

    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "detail": "No published campaign has this slug."}


def test_progress_json_refuses_writes(client, campaign):
    assert Client(enforce_csrf_checks=False).post("/campaigns/infusion/progress.json").status_code == 405


def test_meter_at_zero_percent(client, campaign):
    text = page_text(client.get("/campaigns/infusion/embed/"))

    assert '<span class="meter-raised-amount" data-meter-raised>$0</span>' in text
    assert 'aria-valuenow="0"' in text
    assert 'width="0" height="12" data-meter-fill' in text
    assert "<dd data-meter-percent>0%</dd>" in text


def test_meter_over_the_goal_caps_the_bar_and_says_so(client, campaign):
    Tally.objects.create(campaign=campaign, raised_cents=1_250_000_00, gift_count=9, donor_count=7)

    text = page_text(client.get("/campaigns/infusion/embed/"))

    assert 'aria-valuenow="100"' in text
    assert 'aria-valuetext="$1,250,000 raised of the $1,000,000 goal, 125 percent."' in text
    assert 'width="100" height="12" data-meter-fill' in text
    assert "<dd data-meter-percent>125%</dd>" in text
    assert "Goal reached: 125% of the goal raised." in text


def test_meter_without_an_end_date_shows_no_countdown(client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(ends_on=None)

    text = page_text(client.get("/campaigns/infusion/embed/"))

    assert "data-meter-days" not in text
    assert "days left" not in text


def test_meter_after_the_end_says_ended(client, campaign):
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(
        starts_on=today - datetime.timedelta(days=60), ends_on=today - datetime.timedelta(days=1)
    )

    text = page_text(client.get("/campaigns/infusion/embed/"))

    assert "<dd data-meter-days>Ended</dd>" in text
    assert "days left" not in text


def test_meter_counts_down_days(client, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(ends_on=timezone.localdate() + datetime.timedelta(days=12))

    text = page_text(client.get("/campaigns/infusion/embed/"))

    assert "<dt>days left</dt> <dd data-meter-days>12</dd>" in text


# --- The blog ---------------------------------------------------------------------------------


def test_update_list_is_paginated_ten_a_page_newest_first(client, campaign):
    now = timezone.now()
    for index in range(12):
        UpdateFactory(campaign=campaign, title=f"Post {index:02d}", publish_at=now - datetime.timedelta(days=index))

    first = client.get("/updates/")
    second = client.get("/updates/?page=2")

    assert [u.title for u in first.context["updates"]] == [f"Post {i:02d}" for i in range(10)]
    assert [u.title for u in second.context["updates"]] == ["Post 10", "Post 11"]
    assert 'href="?page=2" rel="next"' in page_text(first)


@pytest.mark.parametrize(
    "query, expected_page",
    [
        ("page=abc", 1),
        ("page=0", 2),
        ("page=-1", 2),
        ("page=999999999999999999999999", 2),
        ("page=1.5", 1),
        ("page=2&page=x", 1),
        ("page[]=1", 1),
        ("page=%ff%fe", 1),
        ("page=" + "9" * 5000, 1),
    ],
)
def test_malformed_page_numbers_never_fail(client, campaign, query, expected_page):
    for index in range(12):
        UpdateFactory(campaign=campaign, publish_at=timezone.now() - datetime.timedelta(hours=index + 1))

    response = client.get("/updates/?" + query)

    assert response.status_code == 200
    assert response.context["page_obj"].number == expected_page


@pytest.mark.parametrize("query", ["utm_source=x&utm_medium=%ZZ", "%%%", "campaign=<script>"])
def test_malformed_query_strings_on_campaign_pages_are_ignored(client, campaign, query):
    assert client.get("/campaigns/infusion/?" + query).status_code == 200
    assert client.get("/?" + query).status_code == 200
    assert client.get("/campaigns/infusion/progress.json?" + query).status_code == 200


@pytest.mark.parametrize("query", ["page=%00", "a=%00", "utm_source=x%00y"])
def test_a_nul_byte_in_the_query_is_a_bad_request(client, campaign, query):
    # No link of ours holds one, and PostgreSQL refuses it: 400 before any view (config.middleware).
    for path in ("/updates/", "/", "/campaigns/infusion/", "/campaigns/infusion/progress.json"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, path
        assert "X-Page-Cache" not in response


# Count, one page of updates with their campaign joined.
UPDATE_LIST_QUERIES = 2


@pytest.mark.parametrize("updates", [3, 40])
def test_update_list_query_count_does_not_grow_with_updates(client, django_assert_num_queries, updates):
    campaigns = [CampaignFactory(), CampaignFactory()]
    for index in range(updates):
        UpdateFactory(campaign=campaigns[index % 2], publish_at=timezone.now() - datetime.timedelta(hours=index + 1))

    with django_assert_num_queries(UPDATE_LIST_QUERIES):
        response = client.get("/updates/")

    assert len(response.context["updates"]) == min(updates, 10)


def test_drafts_and_scheduled_updates_are_not_listed_or_shown(client, campaign):
    UpdateFactory(campaign=campaign, slug="public", title="Public post")
    UpdateFactory(campaign=campaign, slug="draft", title="Draft post", status=Update.Status.DRAFT)
    UpdateFactory(
        campaign=campaign, slug="later", title="Later post", publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    UpdateFactory(campaign=CampaignFactory(is_published=False), slug="hidden-campaign", title="Hidden campaign post")

    listing = page_text(client.get("/updates/"))

    assert "Public post" in listing
    for title in ("Draft post", "Later post", "Hidden campaign post"):
        assert title not in listing
    assert client.get("/updates/public/").status_code == 200
    for slug in ("draft", "later", "hidden-campaign"):
        assert client.get(f"/updates/{slug}/").status_code == 404


def test_staff_who_edit_updates_can_preview_a_draft(client, campaign, django_user_model):
    UpdateFactory(campaign=campaign, slug="draft", title="Draft post", status=Update.Status.DRAFT)
    staff = django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-password-123")
    client.force_login(staff)

    response = client.get("/updates/draft/")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Preview of a draft" in page_text(response)
    assert '<meta name="robots" content="noindex">' in page_text(response)


def test_staff_without_permission_cannot_preview(client, campaign, django_user_model):
    UpdateFactory(campaign=campaign, slug="draft", status=Update.Status.DRAFT)
    client.force_login(django_user_model.objects.create_user("viewer", password="a-long-password-123", is_staff=True))

    assert client.get("/updates/draft/").status_code == 404


def test_update_detail_has_open_graph_canonical_twitter_and_a_call_to_give(client, campaign, settings):
    settings.SITE_URL = "https://give.example.org"
    UpdateFactory(
        campaign=campaign,
        slug="milestone",
        title="We reached a milestone",
        summary="Thanks to you.",
        body="**Hooray** <script>alert(1)</script>",
    )

    text = page_text(client.get("/updates/milestone/"))

    assert '<link rel="canonical" href="https://give.example.org/updates/milestone/">' in text
    assert '<meta property="og:type" content="article">' in text
    assert '<meta property="og:title" content="We reached a milestone">' in text
    assert '<meta property="og:description" content="Thanks to you.">' in text
    assert '<meta property="og:url" content="https://give.example.org/updates/milestone/">' in text
    # No picture of its own nor the campaign's: the site's social image stands in.
    assert '<meta name="twitter:card" content="summary_large_image">' in text
    assert '<meta property="og:image" content="https://give.example.org/static/img/social.png">' in text
    assert '<meta name="twitter:title" content="We reached a milestone">' in text
    assert "<strong>Hooray</strong>" in text
    assert "<script>alert" not in text
    assert 'class="btn btn-donate btn-lg" href="/donate/?campaign=infusion"' in text


def test_reserved_update_slugs_are_refused():
    update = UpdateFactory.build(campaign=CampaignFactory(), slug="feed")

    with pytest.raises(Exception) as error:
        update.full_clean()

    assert "taken by the feeds" in str(error.value)


# --- Site-wide --------------------------------------------------------------------------------


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down"}


def test_base_layout_has_skip_link_landmarks_and_no_inline_styles(client, campaign):
    text = page_text(client.get("/campaigns/infusion/"))

    assert '<a class="visually-hidden-focusable skip-link" href="#main">' in text
    assert '<main id="main" tabindex="-1">' in text
    assert '<header class="site-header">' in text
    assert '<footer class="site-footer">' in text
    assert 'aria-label="Main"' in text
    assert " style=" not in text
    assert "<script>" not in text  # scripts are files (CSP), none inline


def test_update_detail_is_one_query(client, campaign, django_assert_num_queries):
    UpdateFactory(campaign=campaign, slug="news")

    with django_assert_num_queries(1):  # the update with its campaign joined
        assert client.get("/updates/news/").status_code == 200


@pytest.mark.parametrize("path", ["/updates/", "/updates/feed/", "/updates/rss/", "/sitemap.xml"])
def test_blog_pages_and_feeds_work_with_no_updates_at_all(client, path):
    assert client.get(path).status_code == 200
