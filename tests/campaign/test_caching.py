"""The shared page cache (core.cache): warm hits cost no query, and every change shows at once."""

import datetime

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone
from django.utils.csp import LazyNonce

from campaign.models import Milestone, Update
from campaign.services import campaign_save, update_save
from core import cache as page_cache
from donations.models import Gift
from donations.services import gift_save
from tests.donations.conftest import deliver, fake_stripe, paid_gift, start_gift  # noqa: F401 (fixtures)
from tests.factories import CampaignFactory, GiftFactory, UpdateFactory

pytestmark = pytest.mark.django_db

CACHED_PAGES = [
    "/",
    "/campaigns/infusion/",
    "/campaigns/infusion/embed/",
    "/campaigns/infusion/progress.json",
    "/updates/",
    "/updates/first-steel/",
]


@pytest.fixture
def campaign():
    campaign = CampaignFactory(title="Infusion & Dialysis", slug="infusion", goal_cents=1_000_000_00, is_featured=True)
    UpdateFactory(campaign=campaign, title="First steel", slug="first-steel")
    GiftFactory(campaign=campaign, amount_cents=100_00, display_name="Ana")
    return campaign


def raised_on_page(client, path="/campaigns/infusion/") -> str:
    text = client.get(path).content.decode()
    marker = "data-meter-raised>"
    return text[text.index(marker) + len(marker) :].split("<", 1)[0]


@pytest.mark.parametrize("path", CACHED_PAGES)
def test_a_warm_page_is_served_from_the_cache_without_a_query(client, campaign, path, django_assert_num_queries):
    first = client.get(path)
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"

    with django_assert_num_queries(0):
        second = client.get(path)

    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    for header in ("Content-Type", "Cache-Control", "Content-Security-Policy", "Content-Language", "Vary", "ETag"):
        assert second[header] == first[header]
    # Added outside the cache on every response, hit or not.
    assert second["X-Content-Type-Options"] == "nosniff"


def test_public_pages_say_how_a_cdn_may_cache_them(client, campaign):
    assert client.get("/")["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert client.get("/updates/")["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert client.get("/campaigns/infusion/embed/")["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    json_response = client.get("/campaigns/infusion/progress.json")
    assert json_response["Cache-Control"] == "public, max-age=15, stale-while-revalidate=60"
    assert json_response["Access-Control-Allow-Origin"] == "*"


def test_a_matching_etag_gets_304_from_the_cache(client, campaign, django_assert_num_queries):
    etag = client.get("/campaigns/infusion/")["ETag"]

    with django_assert_num_queries(0):
        response = client.get("/campaigns/infusion/", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_a_paid_gift_shows_on_the_next_request(client, campaign, paid_gift):  # noqa: F811 (fixture)
    assert raised_on_page(client) == "$100"
    assert client.get("/campaigns/infusion/progress.json").json()["raised_cents"] == 100_00

    paid_gift(campaign, amount="50")  # through the form, Checkout (fake) and the signed webhook

    assert raised_on_page(client) == "$150"
    assert raised_on_page(client, "/") == "$150"
    assert raised_on_page(client, "/campaigns/infusion/embed/") == "$150"
    assert client.get("/campaigns/infusion/progress.json").json()["raised_cents"] == 150_00


def test_a_refund_shows_on_the_next_request(client, campaign, django_capture_on_commit_callbacks):
    gift = GiftFactory(campaign=campaign, amount_cents=40_00)
    assert raised_on_page(client) == "$140"

    with django_capture_on_commit_callbacks(execute=True):
        gift.refunded_cents = 40_00
        gift.status = Gift.Status.REFUNDED
        gift_save(gift)

    assert raised_on_page(client) == "$100"
    assert client.get("/campaigns/infusion/progress.json").json()["gift_count"] == 1


def test_an_offline_gift_shows_on_the_next_request(client, campaign, django_capture_on_commit_callbacks):
    assert raised_on_page(client) == "$100"

    with django_capture_on_commit_callbacks(execute=True):
        gift_save(
            Gift(
                campaign=campaign,
                amount_cents=2_500_00,
                source=Gift.Source.CHECK,
                status=Gift.Status.SUCCEEDED,
                display_name="The Lee family",
                paid_at=timezone.now(),
            )
        )

    text = client.get("/campaigns/infusion/").content.decode()
    assert "data-meter-raised>$2,600<" in text
    assert "The Lee family" in text


def test_a_new_display_name_on_a_counted_gift_refreshes_the_donor_wall(
    client, campaign, django_capture_on_commit_callbacks
):
    gift = Gift.objects.get(campaign=campaign)
    assert "Ana" in client.get("/campaigns/infusion/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        gift.display_name = "Ana M."
        gift_save(gift)

    assert "Ana M." in client.get("/campaigns/infusion/").content.decode()


def test_a_pending_gift_does_not_invalidate_the_pages(client, campaign, django_capture_on_commit_callbacks):
    client.get("/campaigns/infusion/")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        gift_save(Gift(campaign=campaign, amount_cents=10_00, status=Gift.Status.PENDING))

    assert callbacks == []
    assert client.get("/campaigns/infusion/")["X-Page-Cache"] == "hit"


def test_editing_the_campaign_shows_on_the_next_request(client, campaign, django_capture_on_commit_callbacks):
    for path in CACHED_PAGES:
        client.get(path)

    with django_capture_on_commit_callbacks(execute=True):
        campaign.title = "Infusion Centers"
        campaign.goal_cents = 200_00
        campaign_save(campaign=campaign)

    assert "Infusion Centers" in client.get("/").content.decode()
    assert "Infusion Centers" in client.get("/updates/first-steel/").content.decode()
    assert client.get("/campaigns/infusion/progress.json").json()["goal_cents"] == 200_00


def test_publishing_an_update_shows_on_the_next_request(client, campaign, django_capture_on_commit_callbacks):
    draft = UpdateFactory(campaign=campaign, title="Walls are up", slug="walls-up", status=Update.Status.DRAFT)
    assert "Walls are up" not in client.get("/updates/").content.decode()
    assert "Walls are up" not in client.get("/campaigns/infusion/").content.decode()
    assert client.get("/updates/walls-up/").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Update.Status.PUBLISHED
        draft.publish_at = timezone.now() - datetime.timedelta(minutes=1)
        update_save(update=draft)

    assert "Walls are up" in client.get("/updates/").content.decode()
    assert "Walls are up" in client.get("/campaigns/infusion/").content.decode()
    assert client.get("/updates/walls-up/").status_code == 200


def test_deleting_an_update_in_the_admin_removes_it_at_once(
    client, campaign, admin_client, django_capture_on_commit_callbacks
):
    assert client.get("/updates/first-steel/").status_code == 200
    assert "First steel" in client.get("/updates/").content.decode()
    update = Update.objects.get(slug="first-steel")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/campaign/update/{update.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert client.get("/updates/first-steel/").status_code == 404
    assert "First steel" not in client.get("/updates/").content.decode()


def test_a_stale_page_is_served_while_another_process_renders_it(client, campaign, django_assert_num_queries):
    client.get("/campaigns/infusion/")
    page_cache.pages_invalidate(figures=True)
    request = RequestFactory().get("/campaigns/infusion/")
    key = page_cache._page_key(request, page_cache.PagePolicy(depends_on=(), query_params=()))
    assert cache.add(key + ":lock", 1)  # another worker is re-rendering it

    with django_assert_num_queries(0):
        response = client.get("/campaigns/infusion/")

    assert response["X-Page-Cache"] == "stale"
    cache.delete(key + ":lock")
    assert client.get("/campaigns/infusion/")["X-Page-Cache"] == "miss"
    assert client.get("/campaigns/infusion/")["X-Page-Cache"] == "hit"


def test_query_strings_the_page_does_not_read_share_its_entry(client, campaign, django_assert_num_queries):
    client.get("/campaigns/infusion/")

    with django_assert_num_queries(0):
        response = client.get("/campaigns/infusion/?utm_source=newsletter&fbclid=x")

    assert response["X-Page-Cache"] == "hit"


def test_each_page_of_updates_has_its_own_entry(client, campaign):
    for index in range(12):
        UpdateFactory(campaign=campaign, title=f"Note {index}", slug=f"note-{index}")

    first, second = client.get("/updates/"), client.get("/updates/?page=2")

    assert second["X-Page-Cache"] == "miss"
    assert first.content != second.content
    assert client.get("/updates/?page=2").content == second.content


def test_each_language_has_its_own_entry(client, campaign):
    english = client.get("/campaigns/infusion/")
    spanish = client.get("/campaigns/infusion/", headers={"Accept-Language": "es"})

    assert english["Content-Language"] == "en"
    assert spanish["X-Page-Cache"] == "miss"
    assert spanish["Content-Language"] == "es"
    assert "Accept-Language" in spanish["Vary"]
    assert client.get("/campaigns/infusion/", headers={"Accept-Language": "es"})["X-Page-Cache"] == "hit"
    assert client.get("/campaigns/infusion/")["Content-Language"] == "en"


def test_staff_with_a_session_bypass_the_cache_and_see_previews(admin_client, client, campaign):
    UpdateFactory(campaign=campaign, title="Secret draft", slug="secret", status=Update.Status.DRAFT)
    client.get("/campaigns/infusion/")

    staff_view = admin_client.get("/campaigns/infusion/")
    preview = admin_client.get("/updates/secret/")

    assert "X-Page-Cache" not in staff_view
    assert preview.status_code == 200
    assert preview["Cache-Control"] == "private, no-store"
    assert client.get("/updates/secret/").status_code == 404  # the preview was not stored for the public


def test_pages_with_a_nonce_or_a_cookie_or_an_error_are_not_stored():
    request = RequestFactory().get("/")
    ok = page_cache.HttpResponse(b"x")
    ok["Cache-Control"] = page_cache.PAGE_CACHE_CONTROL
    assert page_cache._storable(request, ok)

    request._csp_nonce = LazyNonce()
    assert page_cache._storable(request, ok)  # a nonce never generated is not in the page
    str(request._csp_nonce)
    assert not page_cache._storable(request, ok)

    request = RequestFactory().get("/")
    with_cookie = page_cache.HttpResponse(b"x")
    with_cookie["Cache-Control"] = page_cache.PAGE_CACHE_CONTROL
    with_cookie.set_cookie("csrftoken", "abc")
    assert not page_cache._storable(request, with_cookie)
    not_found = page_cache.HttpResponse(b"x", status=404)
    not_found["Cache-Control"] = page_cache.PAGE_CACHE_CONTROL
    assert not page_cache._storable(request, not_found)
    private = page_cache.HttpResponse(b"x")
    private["Cache-Control"] = "private, no-store"
    assert not page_cache._storable(request, private)


def test_campaign_pages_use_no_inline_script_so_their_csp_has_no_nonce(client, campaign):
    for path in CACHED_PAGES:
        response = client.get(path)
        assert "nonce-" not in response["Content-Security-Policy"], path
        assert b"nonce=" not in response.content, path


def test_a_cache_outage_still_serves_the_page(client, campaign, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(page_cache.cache, "get_many", down)

    response = client.get("/campaigns/infusion/")

    assert response.status_code == 200
    assert "X-Page-Cache" not in response


def test_forms_and_private_pages_are_never_cached(client, campaign):
    for path in ("/donate/", "/donate/?campaign=infusion&amount=50", "/donate/manage/", "/healthz"):
        client.get(path)
        second = client.get(path)
        assert "X-Page-Cache" not in second, path
        assert "public" not in second.get("Cache-Control", ""), path
    assert client.get("/donate/").cookies.get("csrftoken") is not None  # its own token, every time


def test_a_head_request_is_answered_from_the_same_entry(client, campaign, django_assert_num_queries):
    client.get("/campaigns/infusion/")

    with django_assert_num_queries(0):
        response = client.head("/campaigns/infusion/")

    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"


def test_a_stale_copy_is_served_when_the_render_fails(client, campaign, monkeypatch):
    client.get("/campaigns/infusion/")
    page_cache.pages_invalidate(figures=True)

    def database_down(*args, **kwargs):
        raise RuntimeError("connection refused")

    monkeypatch.setattr("campaign.selectors.campaign_for_page", database_down)
    client.raise_request_exception = False
    response = client.get("/campaigns/infusion/")

    assert response.status_code == 200
    assert response["X-Page-Cache"] == "stale-error"
    assert "data-meter-raised>$100<" in response.content.decode()


def test_an_unknown_host_is_refused_not_cached(client, campaign, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    client.raise_request_exception = False

    response = client.get("/campaigns/infusion/", headers={"Host": "evil.example"})

    assert response.status_code == 400
    assert "X-Page-Cache" not in response


def test_odd_page_numbers_are_rendered_but_never_fill_the_cache(client, campaign):
    for query in ("?page=abc", "?page=123456789", "?page=1%20or%201"):
        response = client.get("/updates/" + query)
        assert response.status_code == 200, query
        assert "X-Page-Cache" not in response, query
    assert client.get("/updates/?page=1")["X-Page-Cache"] == "miss"
    assert client.get("/updates/?page=1")["X-Page-Cache"] == "hit"


def test_the_language_cookie_has_its_own_entry_and_every_page_varies_on_it(client, campaign, settings):
    english = client.get("/campaigns/infusion/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    spanish = client.get("/campaigns/infusion/")

    assert spanish["X-Page-Cache"] == "miss"
    assert spanish["Content-Language"] == "es"
    assert client.get("/campaigns/infusion/")["X-Page-Cache"] == "hit"
    for response in (english, spanish):
        vary = {value.strip().lower() for value in response["Vary"].split(",")}
        assert {"cookie", "accept-language"} <= vary


def test_renaming_a_milestone_in_its_own_admin_shows_on_the_next_request(
    client, campaign, admin_client, django_capture_on_commit_callbacks
):
    milestone = Milestone.objects.create(campaign=campaign, amount_cents=500_000_00, label="Chairs ordered")
    with django_capture_on_commit_callbacks(execute=True):
        campaign_save(campaign=campaign)
    assert "Chairs ordered" in client.get("/campaigns/infusion/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/campaign/milestone/{milestone.pk}/change/",
            {"campaign": campaign.pk, "amount_cents": 500_000_00, "label": "Twelve chairs ordered"},
        )

    assert response.status_code == 302
    page = client.get("/campaigns/infusion/").content.decode()
    assert ("Twelve chairs ordered" in page, "Chairs ordered</" in page) == (True, False)
