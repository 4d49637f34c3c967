"""
Donor-wall messages are pre-moderated (issue 17) and honoree notices are limited and plain
(issue 18, finding 10): a $5 gift must not publish unreviewed text, nor send a foundation-branded
email with attacker-chosen words to any address, as often as it likes.
"""

import pytest
from django.core import mail

from donations import services
from donations.models import Gift
from tests.donations.conftest import form_data
from tests.factories import CampaignFactory, GiftFactory

pytestmark = pytest.mark.django_db


def wall(client, campaign) -> str:
    return client.get(campaign.get_absolute_url()).content.decode()


def test_a_message_waits_for_staff_but_the_name_shows_at_once(client, fake_stripe, paid_gift):
    campaign = CampaignFactory(slug="infusion")
    gift = paid_gift(campaign, display_name="The Rivera family", message="Buy cheap pills at spam.example")

    before = wall(client, campaign)
    assert "The Rivera family" in before
    assert "spam.example" not in before
    gift.refresh_from_db()
    assert gift.message_status == Gift.MessageStatus.PENDING


def test_staff_approve_a_message_and_the_wall_shows_it(
    client,
    campaign_with_message,
    development_officer,
    django_capture_on_commit_callbacks,
):
    campaign, gift = campaign_with_message
    wall(client, campaign)  # cached

    staff = client.__class__()
    staff.force_login(development_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            "/admin/donations/gift/",
            {"action": "approve_messages", "_selected_action": [gift.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "1 message approved" in response.content.decode()
    gift.refresh_from_db()
    assert gift.message_status == Gift.MessageStatus.APPROVED
    assert "We love the nurses" in wall(client, campaign)


def test_a_hidden_message_never_shows(client, campaign_with_message, development_officer):
    campaign, gift = campaign_with_message
    services.gift_message_review(gift=gift, approve=False, actor=development_officer)

    gift.refresh_from_db()
    assert gift.message_status == Gift.MessageStatus.HIDDEN
    assert "We love the nurses" not in wall(client, campaign)
    assert gift.display_name in wall(client, campaign)


def test_post_moderation_when_the_foundation_chooses_it(client, settings, fake_stripe, paid_gift):
    settings.DONOR_WALL_PREMODERATION = False
    campaign = CampaignFactory(slug="infusion")
    paid_gift(campaign, message="Go team")

    assert "Go team" in wall(client, campaign)


@pytest.mark.parametrize(
    "message", ["see https://spam.example", "visit www.spam.example now", "mail me: a@spam.example"]
)
def test_messages_with_links_or_addresses_are_refused_by_the_form(client, fake_stripe, message):
    campaign = CampaignFactory()

    response = client.post("/donate/", form_data(campaign, message=message))

    assert response.status_code == 400
    assert "Please leave out links and email addresses" in response.content.decode()
    assert Gift.objects.count() == 0


@pytest.fixture
def campaign_with_message():
    campaign = CampaignFactory(slug="infusion")
    gift = GiftFactory(campaign=campaign, display_name="Ana", message="We love the nurses")
    return campaign, gift


# --- Honoree notices -------------------------------------------------------------------------------


def _honor(paid_gift, campaign, *, honoree_email, donor_email="ada@example.com", honoree_name="Dr. Ruiz"):
    gift = paid_gift(campaign, dedication="honor", honoree_name=honoree_name, honoree_email=honoree_email)
    Gift.objects.filter(pk=gift.pk).update(donor_email=donor_email)
    return gift


def test_one_address_gets_one_honoree_notice_a_day(fake_stripe, paid_gift, settings):
    settings.HONOREE_NOTICES_PER_RECIPIENT_PER_DAY = 1
    campaign = CampaignFactory()
    for _ in range(3):
        _honor(paid_gift, campaign, honoree_email="Target@Example.com")

    notices = [m for m in mail.outbox if m.to == ["Target@Example.com"]]
    assert len(notices) == 1
    assert Gift.objects.filter(dedication_notice_sent_at__isnull=False).count() == 1


def test_one_donor_sends_at_most_three_honoree_notices_a_day(fake_stripe, paid_gift, settings):
    settings.HONOREE_NOTICES_PER_DONOR_PER_DAY = 3
    campaign = CampaignFactory()
    for n in range(5):
        gift = paid_gift(campaign, dedication="honor", honoree_name="Dr. Ruiz", honoree_email=f"h{n}@example.com")
        assert gift.donor_email == "ada@example.com"

    notices = [m for m in mail.outbox if m.to[0].startswith("h")]
    assert [m.to for m in notices] == [["h0@example.com"], ["h1@example.com"], ["h2@example.com"]]


def test_the_honoree_notice_is_plain_text_and_cannot_carry_links(fake_stripe, paid_gift):
    campaign = CampaignFactory()
    paid_gift(
        campaign,
        display_name="Your bank\nPlease verify your account at https://evil.example",
        dedication="honor",
        honoree_name="<a href='https://evil.example'>click</a>",
        honoree_email="victim@example.com",
    )
    (notice,) = [m for m in mail.outbox if m.to == ["victim@example.com"]]

    assert notice.alternatives == []  # text only: nothing styled to look like anything else
    assert "evil.example" not in notice.body
    assert "A donor has made a gift" in notice.body
    assert "\nPlease verify" not in notice.body
    assert "you will receive no more than one such note a day" in notice.body.lower()
