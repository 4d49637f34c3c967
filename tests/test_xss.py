"""
XSS payloads in every donor-visible text field, rendered inert wherever they appear: the donor
wall and campaign page, the admin's lists and forms, receipt and dedication emails, the blog
and its feeds, and Destination Care's admin.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from destination.models import CareRequest
from donations.models import Gift
from tests.donations import conftest as donation_fixtures
from tests.donations.conftest import form_data
from tests.factories import CampaignFactory, CareRequestFactory, UpdateFactory

pytestmark = pytest.mark.django_db

fake_stripe = donation_fixtures.fake_stripe
deliver = donation_fixtures.deliver

# Short enough for the 80-character donor-wall name; each part is one classic vector.
PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
LONG_PAYLOAD = PAYLOAD + '<svg onload=alert(3)><a href="javascript:alert(4)">x</a><iframe src=//evil.example>'
LIVE = [
    re.compile(r"<script>alert", re.I),
    re.compile(r"<img[^>]*onerror", re.I),
    re.compile(r"<svg[^>]*onload", re.I),
    re.compile(r"<a[^>]*href=[\"']?javascript:", re.I),
    re.compile(r"<iframe", re.I),
]
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def assert_inert(html: str, where: str, *, shown: bool = True) -> None:
    for pattern in LIVE:
        assert not pattern.search(html), (where, pattern.pattern)
    if shown:
        assert ESCAPED in html or "&lt;script&gt;alert(1)" in html, f"{where}: the payload was not rendered at all"


@pytest.fixture
def admin_client(client, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-and-good-password")
    client.force_login(user)
    return client


@pytest.fixture
def hostile_gift(client, fake_stripe, deliver, settings):
    settings.GIFT_SESSIONS_PER_ADDRESS = 100
    campaign = CampaignFactory(title="Campaign", slug="campaign")
    data = form_data(
        campaign,
        display_name=PAYLOAD,
        message=LONG_PAYLOAD,
        dedication="memory",
        honoree_name=PAYLOAD,
        honoree_email="honoree@example.org",
    )
    response = client.post("/donate/", data)
    assert response.status_code == 303, response.content.decode()[:500]
    gift = Gift.objects.get()
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id, email="donor@example.org", name=PAYLOAD)
    assert deliver("checkout.session.completed", session).status_code == 200
    gift.refresh_from_db()
    assert (gift.display_name, gift.donor_name, gift.message, gift.honoree_name) == (
        PAYLOAD,
        PAYLOAD,
        LONG_PAYLOAD,
        PAYLOAD,
    )  # kept as typed: escaping is the templates' job, where the context is known
    return gift


def test_donor_wall_and_campaign_page(client, hostile_gift):
    from donations.services import gift_message_review

    gift_message_review(gift=hostile_gift, approve=True, actor=None)  # staff let it through, unread
    html = client.get(f"/campaigns/{hostile_gift.campaign.slug}/").content.decode()
    assert_inert(html, "campaign page")
    assert html.count(ESCAPED) >= 2  # the name and the message
    assert_inert(client.get("/").content.decode(), "home", shown=False)


def test_thank_you_page(client, hostile_gift):
    html = client.get(f"/donate/thanks/?session_id={hostile_gift.stripe_checkout_session_id}").content.decode()
    assert_inert(html, "thanks", shown=False)


def test_receipt_and_dedication_emails(hostile_gift):
    assert [m.to for m in mail.outbox] == [["donor@example.org"], ["honoree@example.org"]]
    receipt, notice = mail.outbox
    (html, mimetype) = receipt.alternatives[0]
    assert mimetype == "text/html"
    assert_inert(html, "receipt")
    assert notice.alternatives == []  # the honoree notice is plain text, its names neutralised
    assert "<script" not in notice.body
    for message in mail.outbox:
        assert "<script" not in message.subject.lower() and "\n" not in message.subject


def test_admin_gift_list_and_form(admin_client, hostile_gift):
    listing = admin_client.get("/admin/donations/gift/")
    assert listing.status_code == 200
    assert_inert(listing.content.decode(), "gift changelist", shown=False)
    search = admin_client.get("/admin/donations/gift/", {"q": PAYLOAD})
    assert search.status_code == 200
    assert_inert(search.content.decode(), "gift search")
    change = admin_client.get(f"/admin/donations/gift/{hostile_gift.pk}/change/")
    assert change.status_code == 200
    assert_inert(change.content.decode(), "gift change form")


def test_destination_inquiry_in_the_admin(admin_client, client, settings):
    settings.DESTINATION_NOTIFY_EMAILS = ["coordinators@example.org"]
    data = {
        "contact_name": PAYLOAD,
        "email": "family@example.org",
        "phone": "+12025550143",
        "country": "NG",
        "preferred_contact": "email",
        "preferred_language": "en",
        "age_value": "4",
        "age_unit": "years",
        "specialty": "cardiology",
        "condition": PAYLOAD,
        "details": LONG_PAYLOAD,
        "consent": "on",
    }
    response = client.post("/destination-care/inquiry/", data)
    if response.status_code != 303:  # the form refused the markup: store it directly, as an import might
        assert_inert(response.content.decode(), "inquiry form errors", shown=False)
        CareRequestFactory(contact_name=PAYLOAD, condition=PAYLOAD, details=LONG_PAYLOAD)
    care_request = CareRequest.objects.get()
    assert care_request.details == LONG_PAYLOAD
    for message in mail.outbox:
        for html, _mimetype in message.alternatives:
            assert_inert(html, f"destination email to {message.to}", shown=False)
    listing = admin_client.get("/admin/destination/carerequest/")
    assert listing.status_code == 200
    assert_inert(listing.content.decode(), "care request changelist", shown=False)
    change = admin_client.get(f"/admin/destination/carerequest/{care_request.pk}/change/")
    assert change.status_code == 200
    assert_inert(change.content.decode(), "care request change form")
    history = admin_client.get(f"/admin/destination/carerequest/{care_request.pk}/history/")
    assert history.status_code == 200
    assert_inert(history.content.decode(), "care request history", shown=False)


def test_update_page_and_feeds(client, admin_client):
    campaign = CampaignFactory()
    body = f"Hello {LONG_PAYLOAD}\n\n[click](javascript:alert(5))\n\n<div onclick=alert(6)>x</div>"
    update = UpdateFactory(campaign=campaign, title=PAYLOAD, summary=PAYLOAD, body=body, slug="hostile")

    page = client.get(f"/updates/{update.slug}/").content.decode()
    assert_inert(page, "update page")
    assert "onclick" not in page and "javascript:alert(5)" not in page
    assert_inert(client.get("/updates/").content.decode(), "update list")
    assert_inert(client.get(f"/campaigns/{campaign.slug}/").content.decode(), "campaign page with update")
    assert_inert(admin_client.get(f"/admin/campaign/update/{update.pk}/change/").content.decode(), "update admin")

    for url in ("/updates/feed/", "/updates/rss/"):
        xml = client.get(url).content
        root = ET.fromstring(xml)  # noqa: S314 - our own feed; well-formed XML whatever the payload
        texts = [element.text or "" for element in root.iter()]
        titles = [element.text for element in root.iter() if element.tag.endswith("title") and element.text]
        assert PAYLOAD in titles, url  # a title is text: a reader shows the characters, never markup
        html_parts = [
            text
            for element, text in zip(root.iter(), texts, strict=True)
            if element.tag.endswith(("content", "description", "summary")) and text
        ]
        assert html_parts, url
        for html in html_parts:
            assert_inert(html, f"{url} HTML", shown=False)
            assert "onclick" not in html and "javascript:" not in html, url
