import datetime
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.utils import timezone

from campaign.models import Campaign, Update
from tests.factories import CampaignFactory, UpdateFactory

pytestmark = pytest.mark.django_db

SITE = "https://give.example.org"


@pytest.fixture
def updates(settings):
    settings.SITE_URL = SITE
    campaign = CampaignFactory(slug="infusion", title="Infusion")
    now = timezone.now()
    older = UpdateFactory(
        campaign=campaign,
        slug="older",
        title="Older news",
        summary="The older one.",
        body="Hello **world** <script>alert(1)</script>",
        publish_at=now - datetime.timedelta(days=2),
        author_name="Dana",
    )
    newer = UpdateFactory(
        campaign=campaign, slug="newer", title="Newer & better", publish_at=now - datetime.timedelta(hours=1)
    )
    UpdateFactory(campaign=campaign, slug="a-draft", title="Draft news", status=Update.Status.DRAFT)
    UpdateFactory(
        campaign=campaign, slug="scheduled", title="Scheduled news", publish_at=now + datetime.timedelta(days=1)
    )
    return [newer, older]


@pytest.mark.parametrize("path, version", [("/updates/feed/", "atom10"), ("/updates/rss/", "rss20")])
def test_feeds_list_published_updates_with_absolute_links(client, updates, path, version):
    response = client.get(path)
    feed = feedparser.parse(response.content)

    assert response.status_code == 200
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == version
    assert feed.feed.title == "Campaign updates"
    assert [entry.title for entry in feed.entries] == ["Newer & better", "Older news"]
    assert [entry.link for entry in feed.entries] == [f"{SITE}/updates/newer/", f"{SITE}/updates/older/"]
    assert [entry.id for entry in feed.entries] == [f"{SITE}/updates/newer/", f"{SITE}/updates/older/"]
    assert feed.entries[1].author == "Dana"
    assert feed.entries[1].published_parsed is not None


@pytest.mark.parametrize("path", ["/updates/feed/", "/updates/rss/"])
def test_feeds_never_include_drafts_or_scheduled_updates(client, updates, path):
    content = client.get(path).content.decode()

    assert "Draft news" not in content
    assert "a-draft" not in content
    assert "Scheduled news" not in content
    assert "/updates/scheduled/" not in content


def test_rss_item_carries_the_sanitised_body(client, updates):
    feed = feedparser.parse(client.get("/updates/rss/").content)

    older = feed.entries[1]
    assert "<strong>world</strong>" in older.description
    assert "alert(1)" not in older.description


def test_atom_entry_has_summary_and_sanitised_content(client, updates):
    feed = feedparser.parse(client.get("/updates/feed/").content)

    older = feed.entries[1]
    assert older.summary == "The older one."
    assert "<strong>world</strong>" in older.content[0].value
    assert "alert(1)" not in older.content[0].value
    assert feed.feed.links[0].href.startswith(SITE)


def test_a_scheduled_update_appears_in_the_feed_once_its_time_comes(client, updates):
    Update.objects.filter(slug="scheduled").update(publish_at=timezone.now() - datetime.timedelta(minutes=1))

    titles = [entry.title for entry in feedparser.parse(client.get("/updates/rss/").content).entries]

    assert titles == ["Scheduled news", "Newer & better", "Older news"]


def test_sitemap_lists_campaigns_published_updates_and_public_pages(client, updates):
    CampaignFactory(slug="hidden", is_published=False)

    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)  # noqa: S314 - the site's own response
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = sorted(loc.text for loc in root.findall("s:url/s:loc", namespace))

    assert response.status_code == 200
    assert locations == sorted(
        [
            f"{SITE}/campaigns/infusion/",
            f"{SITE}/updates/newer/",
            f"{SITE}/updates/older/",
            f"{SITE}/updates/",
            f"{SITE}/donate/",
            f"{SITE}/destination-care/",
        ]
    )


def test_sitemap_lists_the_naming_page_of_a_published_campaign_with_spaces(client, updates):
    from tests.recognition.conftest import make_space

    campaign = Campaign.objects.get(slug="infusion")
    make_space(campaign, "Bay 1")
    make_space(campaign, "Bay 2", xywh=(10, 3, 4, 6))
    make_space(CampaignFactory(slug="hidden", is_published=False), "Bay 1")
    CampaignFactory(slug="no-spaces")

    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - the site's own response
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in root.findall("s:url/s:loc", namespace)]
    assert [loc for loc in locations if "/naming/" in loc] == [f"{SITE}/campaigns/infusion/naming/"]
    assert client.get("/campaigns/infusion/naming/").status_code == 200


def test_robots_txt_points_to_the_sitemap(client, settings):
    settings.SITE_URL = SITE
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert f"Sitemap: {SITE}/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


@pytest.mark.parametrize("path", ["/updates/feed/", "/updates/rss/"])
def test_pictures_and_links_inside_a_post_and_its_picture_are_absolute(client, settings, path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campaign.services import update_save
    from tests.campaign.test_images import image_bytes

    settings.SITE_URL = SITE
    update = UpdateFactory(
        slug="chairs",
        body="![The chairs](/media/updates/body/chairs.jpg) [Give](/donate/) [Elsewhere](https://x.example/a) "
        "[Protocol-relative](//cdn.example/b)",
        publish_at=timezone.now() - datetime.timedelta(hours=1),
    )
    update.image = SimpleUploadedFile("hero.jpg", image_bytes(1200, 800), "image/jpeg")
    update_save(update=update)
    feed = feedparser.parse(client.get(path).content)
    entry = feed.entries[0]
    html = entry.content[0].value if path.endswith("/feed/") else entry.description
    assert f'src="{SITE}/media/updates/body/chairs.jpg"' in html
    assert f'href="{SITE}/donate/"' in html
    assert 'href="https://x.example/a"' in html and 'href="//cdn.example/b"' in html
    assert 'src="/' not in html and 'href="/"' not in html
    enclosures = [link for link in entry.links if link.rel == "enclosure"]
    assert len(enclosures) == 1
    assert enclosures[0].href.startswith(f"{SITE}/media/") and enclosures[0].href.endswith("-960.jpeg")
    assert enclosures[0].type == "image/jpeg" and int(enclosures[0].length) > 0
