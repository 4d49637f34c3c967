"""Sign-up by emailed link (no password), the creation form, moderation and the rate limits."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from fundraisers import services
from fundraisers.models import Fundraiser, Team
from tests.factories import CampaignFactory, TeamFactory
from tests.fundraisers.test_models import GPS_TAG, phone_photo

pytestmark = pytest.mark.django_db


def page_data(**overrides):
    data = {
        "display_name": "Ana Rivera",
        "title": "Ana runs 10K",
        "story": "My son was treated here.",
        "photo_alt": "Ana running",
        "goal": "500",
        "ends_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "new_team": "",
        "share_consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def emailed_link(client, campaign, email="ana@example.com") -> str:
    response = client.post("/fundraisers/start/", {"campaign": campaign.slug, "email": email})
    assert response.status_code == 200
    assert "Check your email." in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [email]
    token = re.search(r"http://127\.0\.0\.1:8000/fundraisers/new/#(\S+)", mail.outbox[0].body).group(1)
    opened = client.post("/fundraisers/new/", {"token": token})
    assert opened.status_code == 303
    return opened["Location"]


def test_a_parent_signs_up_by_email_and_creates_a_page_that_waits_for_review(client):
    campaign = CampaignFactory()
    link = emailed_link(client, campaign)
    assert Fundraiser.objects.count() == 0  # nothing is stored before the link is used

    form = client.get(link)
    assert form.status_code == 200
    assert "ana@example.com" in form.content.decode()
    photo = SimpleUploadedFile("IMG_0001.jpg", phone_photo(), "image/jpeg")
    response = client.post(link, {**page_data(new_team="Night nurses"), "photo": photo})

    assert response.status_code == 200
    assert "Our team will review it before it is shared." in response.content.decode()
    fundraiser = Fundraiser.objects.get()
    assert (fundraiser.status, fundraiser.owner_email, fundraiser.goal_cents) == ("pending", "ana@example.com", 500_00)
    assert fundraiser.campaign == campaign
    assert fundraiser.share_consent is True and fundraiser.share_consent_at is not None
    assert fundraiser.team.name == "Night nurses" and fundraiser.team.campaign == campaign
    assert re.fullmatch(r"ana-runs-10k-[0-9a-f]{6}", fundraiser.slug)
    with fundraiser.photo.open("rb") as handle, Image.open(handle) as image:
        assert GPS_TAG not in image.getexif() and dict(image.getexif()) == {}
    assert client.get(fundraiser.get_absolute_url()).status_code == 404  # not public before review


def test_with_post_moderation_the_page_is_public_at_once(client, settings):
    settings.FUNDRAISER_MODERATION = "post"
    campaign = CampaignFactory()
    team = TeamFactory(campaign=campaign)
    response = client.post(emailed_link(client, campaign), page_data(team=str(team.pk)))
    fundraiser = Fundraiser.objects.get()
    assert fundraiser.status == "approved" and fundraiser.team == team
    assert "It is public now." in response.content.decode()
    assert client.get(fundraiser.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"share_consent": None}, "share_consent", "Please confirm that you may share this story and photo."),
        ({"goal": "12"}, "goal", "Choose a goal between $100 and $1,000,000."),
        ({"goal": "lots"}, "goal", None),
        ({"ends_on": "2001-01-01"}, "ends_on", "Choose an end date between today and a year from now."),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_a_bad_form_says_what_to_fix_and_creates_nothing(client, overrides, field, message):
    link = emailed_link(client, CampaignFactory())
    response = client.post(link, page_data(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]
    assert Fundraiser.objects.count() == 0


def test_a_team_of_another_campaign_cannot_be_joined(client):
    link = emailed_link(client, CampaignFactory())
    response = client.post(link, page_data(team=str(TeamFactory().pk)))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["team"]


@pytest.mark.parametrize("token", ["forged", "a" * 300, "eyJ4IjoxfQ:1:abc", "x" * 5000])
def test_a_forged_link_opens_nothing(client, token):
    response = client.post("/fundraisers/new/", {"token": token})
    assert response.status_code == 400
    assert "This link no longer works" in response.content.decode()
    if len(token) < 1000:  # an old-style link, token in the path
        assert client.get(f"/fundraisers/new/{token}/").status_code == 400
        assert client.post(f"/fundraisers/new/{token}/", page_data()).status_code == 400
    assert client.get("/fundraisers/new/page/").status_code == 400
    assert client.post("/fundraisers/new/page/", page_data()).status_code == 400
    assert Fundraiser.objects.count() == 0


def test_the_link_carries_its_token_in_the_fragment_never_the_path(client):
    campaign = CampaignFactory()
    client.post("/fundraisers/start/", {"campaign": campaign.slug, "email": "ana@example.com"})
    url = re.search(r"http://127\.0\.0\.1:8000/fundraisers/new/\S+", mail.outbox[0].body).group(0)
    assert url.startswith("http://127.0.0.1:8000/fundraisers/new/#")
    page = client.get("/fundraisers/new/")
    assert page.status_code == 200
    assert "data-token-from-fragment" in page.content.decode()
    assert "token-from-fragment.js" in page.content.decode()


def test_an_old_link_with_the_token_in_its_path_still_opens_the_form(client):
    campaign = CampaignFactory()
    token = services.signup_token(email="ana@example.com", campaign_id=campaign.pk)
    response = client.get(f"/fundraisers/new/{token}/")
    assert response.status_code == 303
    assert response["Location"] == "/fundraisers/new/page/"  # the token leaves the address bar and the Referer
    assert "ana@example.com" in client.get("/fundraisers/new/page/").content.decode()


def test_an_expired_link_opens_nothing(client, monkeypatch):
    campaign = CampaignFactory()
    token = services.signup_token(email="ana@example.com", campaign_id=campaign.pk)
    assert client.post("/fundraisers/new/", {"token": token}).status_code == 303
    later = timezone.now().timestamp() + services.SIGNUP_MAX_AGE + 5
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert client.post("/fundraisers/new/", {"token": token}).status_code == 400
    monkeypatch.setattr("fundraisers.services.time.time", lambda: later)
    assert client.get("/fundraisers/new/page/").status_code == 400  # and the browser's two hours are over


def test_a_bot_filling_the_hidden_field_is_sent_nothing(client):
    campaign = CampaignFactory()
    response = client.post(
        "/fundraisers/start/", {"campaign": campaign.slug, "email": "bot@example.com", "leave_blank": "x"}
    )
    assert response.status_code == 200
    assert mail.outbox == []


def test_a_bad_email_is_refused_with_a_message(client):
    CampaignFactory()  # a campaign slug that is not one falls back to the campaign on "/"
    response = client.post("/fundraisers/start/", {"campaign": "<b>", "email": "not-an-email"})
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == ["Enter a valid email address, like name@example.com."]
    assert mail.outbox == []


@pytest.fixture
def cheap_check(settings):
    settings.ALTCHA_CHALLENGE = {"expires_seconds": 1200, "cost": 50}  # quick to solve in Python
    return settings


def test_past_the_limit_an_address_is_asked_to_prove_it_is_a_person_then_refused(client, cheap_check):
    from tests.donations.test_donors_never_locked_out import solved

    cheap_check.FUNDRAISER_SIGNUPS_PER_HOUR = 2
    campaign = CampaignFactory()
    data = {"campaign": campaign.slug, "email": "a@example.com"}
    assert [client.post("/fundraisers/start/", data).status_code for _ in range(2)] == [200, 200]
    asked = client.post("/fundraisers/start/", data)
    assert asked.status_code == 400
    assert "we ask you to confirm you are a person" in asked.content.decode()
    assert "worker-src 'self' blob:" in asked["Content-Security-Policy"]
    assert len(mail.outbox) == 2

    assert client.post("/fundraisers/start/", {**data, "altcha": "forged"}).status_code == 400
    assert client.post("/fundraisers/start/", {**data, "altcha": solved(asked)}).status_code == 200
    assert len(mail.outbox) == 3
    for _ in range(5):  # up to five times the limit; then refused, even with a solution
        client.post("/fundraisers/start/", data)
    refused = client.post("/fundraisers/start/", {**data, "altcha": solved(asked)})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert len(mail.outbox) == 3


def test_page_creation_past_the_limit_asks_for_the_check(client, cheap_check):
    from tests.donations.test_donors_never_locked_out import solved

    cheap_check.FUNDRAISER_PAGES_PER_HOUR = 1
    campaign = CampaignFactory()
    token = services.signup_token(email="a@example.com", campaign_id=campaign.pk)
    assert client.post("/fundraisers/new/", {"token": token}).status_code == 303
    assert client.post("/fundraisers/new/page/", page_data()).status_code == 200
    asked = client.post("/fundraisers/new/page/", page_data(title="Second"))
    assert asked.status_code == 400
    assert "choose your photo again" in asked.content.decode()
    assert Fundraiser.objects.count() == 1
    created = client.post("/fundraisers/new/page/", {**page_data(title="Second"), "altcha": solved(asked)})
    assert created.status_code == 200
    assert Fundraiser.objects.count() == 2
    assert Team.objects.count() == 0


def test_reserved_slugs_are_refused():
    fundraiser = Fundraiser(slug="start", campaign=CampaignFactory(), goal_cents=100_00, title="x", display_name="x")
    with pytest.raises(Exception, match="taken by the site"):
        fundraiser.full_clean(exclude=["owner_email"])


def test_the_link_email_is_in_the_language_asked_in(client):
    campaign = CampaignFactory()
    client.cookies["django_language"] = "es"
    client.post("/fundraisers/start/", {"campaign": campaign.slug, "email": "ana@example.com"})
    assert "Abre este enlace" in mail.outbox[0].body


def test_the_campaign_page_invites_supporters_to_start_a_fundraiser(client):
    campaign = CampaignFactory(slug="infusion")
    html = client.get("/campaigns/infusion/").content.decode()
    assert '<a class="link-tap" href="/fundraisers/start/?campaign=infusion">Start your own fundraiser</a>' in html
    assert campaign.slug in client.get("/fundraisers/start/?campaign=infusion").content.decode()
