"""
Card-testing defenses on the gift form's POST: bursts of 500 attempts from one address and from
many, counted at the fake Stripe, with a real donor in the middle who still gets through.
"""

import pytest

from donations import antifraud, turnstile
from donations.models import Gift
from tests.donations.conftest import form_data
from tests.factories import CampaignFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_ratelimit_windows")]

BURST = 500
SESSIONS = "/v1/checkout/sessions"
HUMAN_TOKEN = "token-solved-by-a-person"


class FakeTurnstile:
    """Cloudflare's siteverify, answered locally: HUMAN_TOKEN passes once, anything else fails."""

    def __init__(self):
        self.calls: list[dict] = []
        self.unreachable = False
        self.used: set[str] = set()

    def __call__(self, url, data, timeout):
        self.calls.append({"url": url, "data": dict(data), "timeout": timeout})
        if self.unreachable:
            raise TimeoutError("timed out (fake)")
        if data["response"] == HUMAN_TOKEN and data["response"] not in self.used:
            self.used.add(data["response"])
            return {"success": True, "error-codes": [], "action": turnstile.ACTION, "hostname": "give.example.org"}
        return {"success": False, "error-codes": ["invalid-input-response"]}


@pytest.fixture
def limits(gift_limits):
    gift_limits.TURNSTILE_FAIL_OPEN = False
    return gift_limits


@pytest.fixture
def captcha(limits):
    limits.TURNSTILE_SITE_KEY = "0x4AAAAAAAsitekey"
    limits.TURNSTILE_SECRET_KEY = "0x4AAAAAAAsecret"
    fake = FakeTurnstile()
    turnstile.use_transport(fake)
    yield fake
    turnstile.use_transport(None)


def statuses(responses) -> dict[int, int]:
    counts: dict[int, int] = {}
    for response in responses:
        counts[response.status_code] = counts.get(response.status_code, 0) + 1
    return counts


def test_one_address_gets_five_sessions_out_of_500(client, fake_stripe, limits):
    campaign = CampaignFactory()
    data = form_data(campaign, amount="other", other_amount="5")  # the smallest gift a tester would try

    responses = [client.post("/donate/", data, REMOTE_ADDR="198.51.100.7") for _ in range(BURST)]

    assert statuses(responses) == {303: 5, 429: 495}
    assert len(fake_stripe.calls("POST", SESSIONS)) == 5
    assert Gift.objects.count() == 5
    held = responses[-1]
    assert held["Retry-After"] == "600"
    assert "many gift attempts from your connection" in held.content.decode()
    assert "No payment was taken" in held.content.decode()


def test_one_address_spoofing_forwarded_for_is_still_one_address(client, fake_stripe, limits):
    limits.TRUSTED_PROXY_COUNT = 1
    campaign = CampaignFactory()

    responses = [
        # The client writes whatever it likes on the left; our proxy appends the address it saw.
        client.post("/donate/", form_data(campaign), HTTP_X_FORWARDED_FOR=f"10.9.{n // 250}.{n % 250}, 203.0.113.5")
        for n in range(BURST)
    ]

    assert statuses(responses) == {303: 5, 429: 495}
    assert len(fake_stripe.calls("POST", SESSIONS)) == 5


def test_one_address_with_captcha_is_challenged_then_refused(client, fake_stripe, captcha):
    campaign = CampaignFactory()

    responses = [client.post("/donate/", form_data(campaign), REMOTE_ADDR="198.51.100.7") for _ in range(BURST)]

    # 5 sessions; attempts 6-20 are asked for the CAPTCHA (the bot never solves it); then refused.
    assert statuses(responses) == {303: 5, 429: 495}
    assert [b"cf-turnstile" in r.content for r in responses[5:21]] == [True] * 15 + [False]
    assert len(fake_stripe.calls("POST", SESSIONS)) == 5
    assert Gift.objects.count() == 5
    assert captcha.calls == []  # no token, no call to Cloudflare


def test_many_addresses_without_turnstile_get_ten_sessions_then_the_proof_of_work(client, fake_stripe, limits, caplog):
    campaign = CampaignFactory()
    caplog.set_level("INFO", logger="donations.antifraud")

    responses = [
        client.post("/donate/", form_data(campaign), REMOTE_ADDR=f"198.51.{n // 250}.{n % 250 + 1}")
        for n in range(BURST)
    ]

    assert statuses(responses) == {303: 10, 429: 490}
    assert len(fake_stripe.calls("POST", SESSIONS)) == 10
    assert Gift.objects.count() == 10
    assert "Many gifts are being started right now" in responses[-1].content.decode()
    assert b"<altcha-widget " in responses[-1].content  # asked to prove, not refused
    # One warning when the site switched the check on for everyone, then one quiet line per attempt held back.
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING" and r.name == "donations.antifraud"]
    assert warnings == [
        "gift sessions over the global limit (11 this minute, 11 this hour): check (altcha) asked of everyone for 600 s"
    ]
    assert len([r for r in caplog.records if r.levelname == "INFO" and r.name == "donations.antifraud"]) == 490


def test_many_addresses_with_a_real_donor_in_the_middle(client, fake_stripe, captcha, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    campaign = CampaignFactory()

    def bot(n):
        return client.post("/donate/", form_data(campaign), HTTP_X_FORWARDED_FOR=f"203.0.{n // 250}.{n % 250 + 1}")

    first_half = [bot(n) for n in range(BURST // 2)]
    # The donor, from an address of their own, is asked for the check, solves it and goes on to pay.
    donor = {"HTTP_X_FORWARDED_FOR": "192.0.2.44"}
    donor_data = form_data(campaign, display_name="A real donor", amount="100")
    asked = client.post("/donate/", donor_data, **donor)
    paid = client.post("/donate/", {**donor_data, turnstile.RESPONSE_FIELD: HUMAN_TOKEN}, **donor)
    second_half = [bot(n) for n in range(BURST // 2, BURST)]

    assert statuses(first_half + second_half) == {303: 10, 429: 490}
    assert (asked.status_code, b'class="cf-turnstile"' in asked.content) == (429, True)
    assert b'<a href="#gift-challenge">One more step' in asked.content  # at the top, where the page opens
    assert paid.status_code == 303
    assert len(fake_stripe.calls("POST", SESSIONS)) == 11
    assert Gift.objects.filter(display_name="A real donor", amount_cents=10000).count() == 1
    assert Gift.objects.count() == 11
    assert [call["data"]["remoteip"] for call in captcha.calls] == ["192.0.2.44"]


def test_a_family_behind_one_address_can_go_past_the_soft_limit_with_the_captcha(client, fake_stripe, captcha):
    campaign = CampaignFactory()
    for _ in range(5):
        assert client.post("/donate/", form_data(campaign)).status_code == 303

    asked = client.post("/donate/", form_data(campaign))
    solved = client.post("/donate/", {**form_data(campaign), turnstile.RESPONSE_FIELD: HUMAN_TOKEN})
    reused = client.post("/donate/", {**form_data(campaign), turnstile.RESPONSE_FIELD: HUMAN_TOKEN})

    assert asked.status_code == 429
    assert solved.status_code == 303
    assert reused.status_code == 400  # a token passes once
    assert "did not succeed" in reused.content.decode()
    assert len(fake_stripe.calls("POST", SESSIONS)) == 6


def test_honeypot_creates_no_gift_and_reaches_no_stripe(client, fake_stripe, limits):
    campaign = CampaignFactory()

    response = client.post("/donate/", form_data(campaign, leave_blank="http://spam.example"))

    assert response.status_code == 400
    assert "looked filled in automatically" in response.content.decode()
    assert Gift.objects.count() == 0
    assert fake_stripe.requests == []


@pytest.mark.parametrize("fail_open", [False, True])
def test_captcha_service_unreachable_follows_the_setting(client, fake_stripe, captcha, settings, fail_open):
    settings.TURNSTILE_FAIL_OPEN = fail_open
    captcha.unreachable = True
    campaign = CampaignFactory()
    for _ in range(5):
        client.post("/donate/", form_data(campaign))

    response = client.post("/donate/", {**form_data(campaign), turnstile.RESPONSE_FIELD: "some-token"})

    assert len(captcha.calls) == 1
    if fail_open:
        assert response.status_code == 303
        assert len(fake_stripe.calls("POST", SESSIONS)) == 6
    else:
        assert response.status_code == 503
        assert "Please try again in a minute" in response.content.decode()
        assert len(fake_stripe.calls("POST", SESSIONS)) == 5
        assert Gift.objects.count() == 5


def test_invalid_forms_do_not_count_against_a_donor(client, fake_stripe, limits):
    campaign = CampaignFactory()
    for _ in range(20):
        assert client.post("/donate/", form_data(campaign, amount="1")).status_code == 400  # below the minimum
    assert client.post("/donate/", form_data(campaign)).status_code == 303
    assert Gift.objects.count() == 1


def test_csp_allows_turnstile_only_when_the_form_shows_it(client, fake_stripe, captcha, settings):
    campaign = CampaignFactory()
    calm = client.get(f"/donate/?campaign={campaign.slug}")
    assert "challenges.cloudflare.com" not in calm.headers["Content-Security-Policy"]
    assert b"cf-turnstile" not in calm.content

    from django.core.cache import cache

    cache.set(antifraud.CHALLENGE_MODE_KEY, True, 60)
    busy = client.get(f"/donate/?campaign={campaign.slug}")
    csp = busy.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "https://challenges.cloudflare.com" in csp.split("script-src")[1]
    assert "frame-src 'self' https://challenges.cloudflare.com" in csp
    assert "unsafe-inline" not in csp
    html = busy.content.decode()
    assert 'data-sitekey="0x4AAAAAAAsitekey"' in html
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<script src="{turnstile.SCRIPT_URL}" async defer nonce="{nonce}"></script>' in html

    settings.TURNSTILE_SITE_KEY = settings.TURNSTILE_SECRET_KEY = ""
    keyless = client.get(f"/donate/?campaign={campaign.slug}")
    assert "challenges.cloudflare.com" not in keyless.headers["Content-Security-Policy"]
    assert b"cf-turnstile" not in keyless.content


# --- The siteverify call itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        ({"success": True, "error-codes": [], "action": "donate"}, turnstile.Outcome.PASSED),
        ({"success": True, "error-codes": [], "action": "login"}, turnstile.Outcome.FAILED),
        ({"success": False, "error-codes": ["timeout-or-duplicate"]}, turnstile.Outcome.FAILED),
        ({"success": "true", "error-codes": []}, turnstile.Outcome.FAILED),
        ({"success": False, "error-codes": ["invalid-input-secret"]}, turnstile.Outcome.UNAVAILABLE),
        ({"success": False, "error-codes": ["internal-error"]}, turnstile.Outcome.UNAVAILABLE),
        (["not", "an", "object"], turnstile.Outcome.UNAVAILABLE),
    ],
)
def test_siteverify_answers(captcha, answer, outcome):
    turnstile.use_transport(lambda url, data, timeout: answer)
    assert turnstile.verify(token="t", remote_ip="192.0.2.1") == outcome


@pytest.mark.parametrize("error", [TimeoutError("slow"), ConnectionRefusedError(), ValueError("not JSON")])
def test_siteverify_unreachable(captcha, error):
    def transport(url, data, timeout):
        raise error

    turnstile.use_transport(transport)
    assert turnstile.verify(token="t", remote_ip="192.0.2.1") == turnstile.Outcome.UNAVAILABLE


def test_siteverify_sends_the_secret_token_and_address(captcha, settings):
    settings.TURNSTILE_TIMEOUT_SECONDS = 3.5
    assert turnstile.verify(token=HUMAN_TOKEN, remote_ip="192.0.2.9") == turnstile.Outcome.PASSED
    assert turnstile.verify(token="x" * 2049, remote_ip="192.0.2.9") == turnstile.Outcome.FAILED
    (call,) = captcha.calls  # the over-long token was refused without asking
    assert call["url"] == "https://challenges.cloudflare.com/turnstile/v0/siteverify"
    assert call["timeout"] == 3.5
    assert {k: v for k, v in call["data"].items() if k != "idempotency_key"} == {
        "secret": "0x4AAAAAAAsecret",
        "response": HUMAN_TOKEN,
        "remoteip": "192.0.2.9",
    }
