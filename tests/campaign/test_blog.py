"""The blog: the update list, drafts and previews, an update's page, and the feeds."""

import datetime

import pytest
from django.utils import timezone

from campaign.models import Update
from tests.factories import CampaignFactory, UpdateFactory
from tests.readings import page_text

pytestmark = pytest.mark.django_db


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
        ("page=%00", 1),
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


@pytest.mark.parametrize("query", ["utm_source=x&utm_medium=%ZZ", "a=%00", "%%%", "campaign=<script>"])
def test_malformed_query_strings_on_campaign_pages_are_ignored(client, campaign, query):
    assert client.get("/campaigns/infusion/?" + query).status_code == 200
    assert client.get("/?" + query).status_code == 200
    assert client.get("/campaigns/infusion/progress.json?" + query).status_code == 200


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


def test_update_detail_is_one_query(client, campaign, django_assert_num_queries):
    UpdateFactory(campaign=campaign, slug="news")

    with django_assert_num_queries(1):  # the update with its campaign joined
        assert client.get("/updates/news/").status_code == 200


@pytest.mark.parametrize("path", ["/updates/", "/updates/feed/", "/updates/rss/", "/sitemap.xml"])
def test_blog_pages_and_feeds_work_with_no_updates_at_all(client, path):
    assert client.get(path).status_code == 200
