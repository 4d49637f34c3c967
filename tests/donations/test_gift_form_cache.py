"""
The gift form served from the shared cache (donations.form_cache): the page is rendered once per
language and prefill, and what is each visitor's own (the CSRF token, the CSP nonce, the check,
the landing URL's attribution, the language switch's return path) is filled in per request.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from campaign.services import campaign_save
from donations import antifraud
from tests.factories import CampaignFactory, DesignationFactory, MatchChallengeFactory

from .conftest import form_data

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HEADER = "X-Form-Cache"


@pytest.fixture
def campaign(fake_stripe, gift_limits):
    campaign = CampaignFactory(
        title="Infusion Centers", title_es="Centros de infusión", slug="infusion", is_featured=True,
        preset_amounts="25, 50, 100",
    )  # fmt: skip
    DesignationFactory(campaign=campaign, slug="dialysis", name="Dialysis Center")
    return campaign


def token_of(response) -> str:
    return TOKEN.search(response.content.decode()).group(1)


def without_token(response) -> str:
    return TOKEN.sub("TOKEN", response.content.decode())


def test_a_warm_form_costs_no_query_and_is_the_page_a_render_gives(campaign, django_assert_num_queries):
    first = Client().get("/donate/")
    assert first.status_code == 200
    assert first[HEADER] == "miss"

    with django_assert_num_queries(0):
        second = Client().get("/donate/")

    assert second.status_code == 200
    assert second[HEADER] == "hit"
    assert without_token(second) == without_token(first)
    for response in (first, second):
        # Never stored by a browser or a shared cache; the token's cookie set for each new visitor.
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]
        assert response.cookies["csrftoken"].value
        assert response["Content-Security-Policy"] == first["Content-Security-Policy"]
        assert "nonce-" not in response["Content-Security-Policy"]


def test_the_cold_form_costs_four_queries(campaign, django_assert_num_queries):
    # The live campaigns with their designations (what the cache key is checked against), the
    # campaign, its designations (the choices), the open matching challenges.
    with django_assert_num_queries(4):
        assert Client().get("/donate/?campaign=infusion&designation=dialysis")[HEADER] == "miss"
    with django_assert_num_queries(0):
        assert Client().get("/donate/?campaign=infusion&designation=dialysis")[HEADER] == "hit"


def test_each_visitor_gets_their_own_token_and_only_theirs_is_accepted(campaign):
    ada, bea, cal = (Client(enforce_csrf_checks=True) for _ in range(3))
    ada_form, bea_form, cal_form = ada.get("/donate/"), bea.get("/donate/"), cal.get("/donate/")
    assert (ada_form[HEADER], bea_form[HEADER], cal_form[HEADER]) == ("miss", "hit", "hit")
    assert len({token_of(ada_form), token_of(bea_form), token_of(cal_form)}) == 3
    assert len({ada.cookies["csrftoken"].value, bea.cookies["csrftoken"].value}) == 2

    # Another visitor's token (with one's own cookie) and no token at all are refused.
    stolen = bea.post("/donate/", {**form_data(campaign), "csrfmiddlewaretoken": token_of(ada_form)})
    assert stolen.status_code == 403
    assert cal.post("/donate/", form_data(campaign)).status_code == 403

    own = bea.post("/donate/", {**form_data(campaign), "csrfmiddlewaretoken": token_of(bea_form)})
    assert own.status_code == 303


def test_the_turnstile_scripts_nonce_is_each_responses_own(campaign, settings):
    settings.TURNSTILE_SITE_KEY, settings.TURNSTILE_SECRET_KEY = "0x4AAAAAAAsitekey", "0x4AAAAAAAsecret"
    cache.set(antifraud.CHALLENGE_MODE_KEY, True, 60)
    nonces = []
    for state in ("miss", "hit"):
        response = Client().get("/donate/")
        assert response[HEADER] == state
        html = response.content.decode()
        assert 'class="cf-turnstile" data-sitekey="0x4AAAAAAAsitekey"' in html
        (nonce,) = re.findall(r'<script src="https://challenges\.cloudflare\.com\S*" async defer nonce="([^"]+)"', html)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        assert "https://challenges.cloudflare.com" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_the_proof_of_work_check_is_fresh_for_each_visitor_and_goes_when_the_burst_ends(campaign):
    cache.set(antifraud.CHALLENGE_MODE_KEY, True, 60)
    widgets = []
    for state in ("miss", "hit"):
        response = Client().get("/donate/")
        assert response[HEADER] == state
        html = response.content.decode()
        assert 'id="gift-challenge"' in html
        widgets.append(re.search(r"<altcha-widget[^>]*>", html).group(0))
        assert "worker-src 'self' blob:" in response["Content-Security-Policy"]
    assert widgets[0] != widgets[1]  # each its own signed challenge

    cache.delete(antifraud.CHALLENGE_MODE_KEY)
    response = Client().get("/donate/")
    assert response[HEADER] == "hit"
    assert 'id="gift-challenge"' not in response.content.decode()
    assert "blob:" not in response["Content-Security-Policy"]


def test_english_and_spanish_are_cached_apart(campaign):
    for state in ("miss", "hit"):
        english = Client().get("/donate/")
        spanish = Client().get("/donate/", HTTP_ACCEPT_LANGUAGE="es")
        assert (english[HEADER], spanish[HEADER]) == (state, state)
        assert '<html lang="en">' in english.content.decode() and "Give to Infusion Centers" in english.content.decode()
        assert '<html lang="es">' in spanish.content.decode() and "Centros de infusión" in spanish.content.decode()
        assert english["Content-Language"] == "en" and spanish["Content-Language"] == "es"
    by_cookie = Client()
    by_cookie.cookies["django_language"] = "es"
    assert '<html lang="es">' in by_cookie.get("/donate/").content.decode()


def test_prefills_are_cached_by_their_cleaned_values(campaign):
    assert Client().get("/donate/?campaign=infusion&amount=50&frequency=monthly")[HEADER] == "miss"
    same = Client().get("/donate/?frequency=monthly&amount=50.00&campaign=infusion")
    assert same[HEADER] == "hit"
    assert same.content.decode().count('data-cents="5000" checked') == 1
    assert Client().get("/donate/?campaign=infusion&amount=100&frequency=monthly")[HEADER] == "miss"


def test_attribution_and_the_return_path_are_each_visitors_own(campaign):
    first = Client().get("/donate/?utm_source=mailing&utm_campaign=gt-2026")
    second = Client().get("/donate/?utm_source=sms&source=BOARD1")
    assert (first[HEADER], second[HEADER]) == ("miss", "hit")
    html = second.content.decode()
    assert '<input type="hidden" name="utm_source" value="sms" id="id_utm_source">' in html
    assert '<input type="hidden" name="source" value="BOARD1" id="id_source">' in html
    assert '<input type="hidden" name="utm_campaign" value="" id="id_utm_campaign">' in html
    assert "mailing" not in html and "gt-2026" not in html
    assert '<input type="hidden" name="next" value="/donate/?utm_source=sms&amp;source=BOARD1">' in html


@pytest.mark.parametrize(
    "query",
    [
        "amount=abc",
        "amount=75.50",  # valid, but not a preset: one entry per typed amount would be unbounded
        "amount=",
        "frequency=weekly",
        "designation=nowhere",
        "installments=99",
        "campaign=does-not-exist",
        "utm_source=%3Cscript%3E",
        "amount=25&amount=50",
        "fundraiser=someone",
        "naming=3",
        "anything=else",
    ],
)
def test_a_query_outside_the_known_valid_prefills_is_rendered_each_time(campaign, query, django_assert_max_num_queries):
    for _ in range(2):
        response = Client().get(f"/donate/?{query}")
        # A space to name that does not exist is told (400, recognition's gift extension); the rest is ignored.
        assert response.status_code == (400 if query.startswith("naming=") else 200)
        assert HEADER not in response
    assert response.context["form"].campaign_obj == campaign
    assert Client().get("/donate/")[HEADER] == "miss"  # nothing was stored under the plain form's key


def test_a_form_with_errors_is_told_its_errors_and_never_cached(campaign):
    client = Client()
    response = client.post("/donate/", form_data(campaign, amount="other", other_amount="4.99"))
    assert response.status_code == 400
    assert HEADER not in response
    assert "The smallest gift we can take online is $5.00." in response.content.decode()
    assert "4.99" not in Client().get("/donate/").content.decode()


def test_a_visitor_with_a_session_or_messages_gets_a_fresh_render(campaign):
    Client().get("/donate/")
    with_session = Client()
    with_session.cookies["sessionid"] = "abc"
    assert HEADER not in with_session.get("/donate/")
    with_messages = Client()
    with_messages.cookies["messages"] = "x"
    assert HEADER not in with_messages.get("/donate/")


def test_a_change_to_the_campaign_shows_at_once(campaign, django_capture_on_commit_callbacks):
    Client().get("/donate/")
    campaign.title = "Dialysis Centers"
    campaign.preset_amounts = "30, 60"
    with django_capture_on_commit_callbacks(execute=True):
        campaign_save(campaign=campaign)
    response = Client().get("/donate/")
    assert response[HEADER] == "miss"
    html = response.content.decode()
    assert "Give to Dialysis Centers" in html and 'id="id_amount_30"' in html and 'id="id_amount_25"' not in html
    # The prefill is checked against the new presets: 25 is no longer one, so it is not cached.
    assert HEADER not in Client().get("/donate/?amount=25")


def test_a_matching_challenge_shows_at_once_and_its_pot_stays_current(
    campaign, django_capture_on_commit_callbacks, paid_gift, django_assert_num_queries
):
    assert "Your gift will be matched" not in Client().get("/donate/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        MatchChallengeFactory(campaign=campaign, pot_cents=1_000_00)
    response = Client().get("/donate/")
    assert response[HEADER] == "miss"  # the offer is new content
    assert "Your gift will be matched" in response.content.decode()
    assert "$1,000" in response.content.decode()
    assert '<script src="/static/js/countdown.js" defer></script>' in response.content.decode()
    with django_assert_num_queries(0):
        assert Client().get("/donate/")[HEADER] == "hit"

    paid_gift(campaign, amount="100")  # its match is drawn from the pot
    with django_assert_num_queries(1):  # the page is still good; only the offer is read again
        response = Client().get("/donate/")
    assert response[HEADER] == "hit"
    assert "$900" in response.content.decode()


def test_a_challenge_that_ends_leaves_the_form_on_time(campaign, django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        challenge = MatchChallengeFactory(campaign=campaign, ends_at=timezone.now() + datetime.timedelta(hours=1))
    assert "Your gift will be matched" in Client().get("/donate/").content.decode()
    later = challenge.ends_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = Client().get("/donate/")
    assert response[HEADER] == "hit"
    assert "Your gift will be matched" not in response.content.decode()
    assert "countdown.js" not in response.content.decode()


def test_a_challenge_that_starts_shows_on_time(campaign, django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        challenge = MatchChallengeFactory(campaign=campaign, starts_at=timezone.now() + datetime.timedelta(hours=1))
    assert "Your gift will be matched" not in Client().get("/donate/").content.decode()
    later = challenge.starts_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Your gift will be matched" in Client().get("/donate/").content.decode()


def test_a_worker_rechecks_the_shared_cache_once_a_second_and_a_change_shows_after_it(
    campaign, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from donations import form_cache

    settings.FORM_CACHE_RECHECK_SECONDS = 1
    clock = [1000.0]
    monkeypatch.setattr(form_cache.time, "monotonic", lambda: clock[0])
    reads = []
    real_get_many = form_cache.cache.get_many
    monkeypatch.setattr(form_cache.cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys))

    assert Client().get("/donate/")[HEADER] == "miss"
    assert Client().get("/donate/")[HEADER] == "hit"
    reads.clear()
    second = Client().get("/donate/")
    assert (second[HEADER], reads) == ("hit", [])  # from the worker's memory: no round trip
    assert token_of(second) != token_of(Client().get("/donate/"))  # still each visitor's own token

    campaign.title = "Dialysis Centers"
    with django_capture_on_commit_callbacks(execute=True):
        campaign_save(campaign=campaign)
    assert "Give to Infusion Centers" in Client().get("/donate/").content.decode()  # within the second
    clock[0] += 1
    assert "Give to Dialysis Centers" in Client().get("/donate/").content.decode()
