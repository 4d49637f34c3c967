"""
A fundraiser is told of each gift through their page (the donor's chosen name and message; the
amount only if the donor allowed it) and thanks donors through the site, never seeing an address.
"""

import re

import pytest
from django.core import mail

from fundraisers import services
from fundraisers.models import GiftAcknowledgement
from tests.factories import CampaignFactory, FundraiserFactory

pytestmark = pytest.mark.django_db


def mail_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_the_fundraiser_is_told_the_name_message_and_amount_the_donor_allowed(fake_stripe, paid_gift, deliver):
    fundraiser = FundraiserFactory(display_name="Ana Rivera", title="Ana runs 10K")
    gift = paid_gift(
        fundraiser.campaign,
        fundraiser=fundraiser.slug,
        amount="50",
        display_name="Luis and Marta",
        message="Go Ana!",
        amount_shown_to_fundraiser="on",
    )
    assert gift.amount_shown_to_fundraiser is True

    [notice] = mail_to(fundraiser.owner_email)
    assert notice.subject == "A gift through your page “Ana runs 10K”"
    assert "From: Luis and Marta" in notice.body
    assert "Amount: $50.00" in notice.body
    assert "Go Ana!" in notice.body
    assert "ada@example.com" not in notice.body  # the donor's address, from Checkout
    assert "/fundraisers/manage/#" in notice.body

    # Stripe redelivers the event: the fundraiser is not told twice.
    session = fake_stripe.sessions[gift.stripe_checkout_session_id]
    assert deliver("checkout.session.completed", session).status_code == 200
    assert len(mail_to(fundraiser.owner_email)) == 1
    assert GiftAcknowledgement.objects.get().notice_sent_at is not None


def test_without_consent_no_amount_and_an_anonymous_donor_stays_anonymous(fake_stripe, paid_gift):
    fundraiser = FundraiserFactory()
    paid_gift(fundraiser.campaign, fundraiser=fundraiser.slug, amount="25", is_anonymous="on", display_name="Secret")

    [notice] = mail_to(fundraiser.owner_email)
    assert "From: Someone who gives anonymously" in notice.body
    assert "Secret" not in notice.body
    assert "Amount" not in notice.body
    assert "$25" not in notice.body


def test_a_gift_straight_to_the_campaign_tells_no_fundraiser(fake_stripe, paid_gift):
    fundraiser = FundraiserFactory()
    gift = paid_gift(fundraiser.campaign, amount="25", amount_shown_to_fundraiser="on")
    assert gift.amount_shown_to_fundraiser is False
    assert mail_to(fundraiser.owner_email) == []
    assert not GiftAcknowledgement.objects.exists()


def test_the_consent_box_is_only_on_a_fundraisers_form_and_unchecked(client):
    fundraiser = FundraiserFactory()
    html = client.get(fundraiser.donate_url()).content.decode()
    box = re.search(r'<input type="checkbox" name="amount_shown_to_fundraiser"[^>]*>', html).group(0)
    assert "checked" not in box
    campaign_form = client.get("/donate/", {"campaign": fundraiser.campaign.slug}).content.decode()
    assert "amount_shown_to_fundraiser" not in campaign_form


# --- The fundraiser's link, and thanking donors ----------------------------------------------------


def open_manage(client, fundraiser):
    token = services.manage_url(fundraiser=fundraiser).split("#", 1)[1]
    response = client.post("/fundraisers/manage/", {"token": token})
    assert response.status_code == 303
    assert response["Location"] == "/fundraisers/manage/page/"
    return client.get("/fundraisers/manage/page/")


def test_the_link_opens_the_fundraisers_gifts_without_any_donor_address(fake_stripe, paid_gift, client):
    fundraiser = FundraiserFactory()
    paid_gift(fundraiser.campaign, fundraiser=fundraiser.slug, amount="40", display_name="Luis", message="Go!")
    paid_gift(fundraiser.campaign, fundraiser=fundraiser.slug, amount="15", amount_shown_to_fundraiser="on")

    page = open_manage(client, fundraiser)
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    assert "Luis" in html and "Go!" in html
    assert "Anonymous" not in html and "· $15 ·" in html and "$40" not in html
    assert "$55 raised of $1,000, from 2 gifts." in html
    assert "@example.com" not in html  # neither donor's address nor anyone else's


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "x" * 5000, "eyJmIjoxfQ:1vQ:forged"],
)
def test_a_bad_token_opens_nothing(client, token):
    FundraiserFactory()
    response = client.post("/fundraisers/manage/", {"token": token})
    assert response.status_code == 400
    assert client.get("/fundraisers/manage/page/").status_code == 403


def test_a_link_stops_working_when_staff_change_the_owners_email(client):
    fundraiser = FundraiserFactory()
    token = services.manage_url(fundraiser=fundraiser).split("#", 1)[1]
    fundraiser.owner_email = "new-owner@example.com"
    fundraiser.save()
    assert client.post("/fundraisers/manage/", {"token": token}).status_code == 400


def test_a_thank_you_reaches_the_donor_once_and_the_fundraiser_never_sees_the_address(
    fake_stripe, paid_gift, client, django_capture_on_commit_callbacks
):
    fundraiser = FundraiserFactory(display_name="Ana Rivera")
    gift = paid_gift(fundraiser.campaign, fundraiser=fundraiser.slug, is_anonymous="on", display_name="")
    open_manage(client, fundraiser)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/fundraisers/manage/page/", {"gift": gift.pk, "note": "Thank you so much!"})
    assert response.status_code == 200
    assert "Your note is on its way." in response.content.decode()
    assert "ada@example.com" not in response.content.decode()
    [note] = mail.outbox
    assert note.to == ["ada@example.com"]
    assert note.subject == "A thank-you from Ana Rivera"
    assert "Thank you so much!" in note.body

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/fundraisers/manage/page/", {"gift": gift.pk, "note": "Thanks again!"})
    assert again.status_code == 409
    assert len(mail.outbox) == 1


def test_no_fundraiser_can_write_to_anothers_donors(fake_stripe, paid_gift, client, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    mine, theirs = FundraiserFactory(campaign=campaign), FundraiserFactory(campaign=campaign)
    their_gift = paid_gift(campaign, fundraiser=theirs.slug)
    plain_gift = paid_gift(campaign)
    open_manage(client, mine)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        for gift_id in (their_gift.pk, plain_gift.pk, 10**12):
            response = client.post("/fundraisers/manage/page/", {"gift": gift_id, "note": "Hello"})
            assert response.status_code == 404
    assert mail.outbox == []
    assert not GiftAcknowledgement.objects.filter(thanked_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "Thanks"}, None),
        ({"gift": "abc", "note": "Thanks"}, None),
        ({"gift": "GIFT", "note": ""}, "Write a few words of thanks."),
        ({"gift": "GIFT", "note": "See www.example.com"}, "Please leave out links and email addresses."),
        ({"gift": "GIFT", "note": "x" * 1001}, "Keep your note to 1000 characters (it has 1001)."),
    ],
)
def test_bad_notes_are_refused_with_a_message(fake_stripe, paid_gift, client, data, message):
    fundraiser = FundraiserFactory()
    gift = paid_gift(fundraiser.campaign, fundraiser=fundraiser.slug)
    open_manage(client, fundraiser)
    mail.outbox.clear()
    if data.get("gift") == "GIFT":
        data = {**data, "gift": str(gift.pk)}
    response = client.post("/fundraisers/manage/page/", data)
    assert response.status_code == 400
    if message:
        assert message in response.content.decode()
    assert mail.outbox == []


def test_thank_yous_are_rate_limited(fake_stripe, paid_gift, client, settings):
    settings.FUNDRAISER_THANKS_PER_HOUR = 1
    fundraiser = FundraiserFactory()
    first = paid_gift(fundraiser.campaign, fundraiser=fundraiser.slug)
    second = paid_gift(fundraiser.campaign, fundraiser=fundraiser.slug)
    open_manage(client, fundraiser)
    assert client.post("/fundraisers/manage/page/", {"gift": first.pk, "note": "Thanks"}).status_code == 200
    limited = client.post("/fundraisers/manage/page/", {"gift": second.pk, "note": "Thanks"})
    assert limited.status_code == 429
    assert not GiftAcknowledgement.objects.filter(gift_id=second.pk, thanked_at__isnull=False).exists()


def test_creating_a_page_emails_the_fundraiser_their_link(client, django_capture_on_commit_callbacks):
    from tests.fundraisers.test_signup import emailed_link, page_data

    link = emailed_link(client, CampaignFactory())
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link, page_data()).status_code == 200
    manage = mail.outbox[-1]
    assert manage.to == ["ana@example.com"]
    assert "Our team will review it before it is shared" in manage.body
    token = re.search(r"/fundraisers/manage/#(\S+)", manage.body).group(1)
    assert client.post("/fundraisers/manage/", {"token": token}).status_code == 303


def test_staff_approving_a_page_emails_its_fundraiser_once(django_capture_on_commit_callbacks):
    from fundraisers.models import Fundraiser

    fundraiser = FundraiserFactory(
        status=Fundraiser.Status.PENDING, title="Ana runs 10K", owner_email="ana@example.com"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.fundraiser_set_status(fundraiser=fundraiser, status=Fundraiser.Status.APPROVED)
    [approved] = mail.outbox
    assert approved.to == ["ana@example.com"]
    assert approved.subject == "Your fundraiser “Ana runs 10K” is live"
    assert f"http://127.0.0.1:8000/fundraisers/{fundraiser.slug}/" in approved.body
    assert "/fundraisers/manage/#" in approved.body

    with django_capture_on_commit_callbacks(execute=True):  # hidden, then approved again: not news
        services.fundraiser_set_status(fundraiser=fundraiser, status=Fundraiser.Status.HIDDEN)
        services.fundraiser_set_status(fundraiser=fundraiser, status=Fundraiser.Status.APPROVED)
    assert len(mail.outbox) == 1


# --- Editing one's own page ---------------------------------------------------------------------


def edit_data(fundraiser, **overrides):
    data = {
        "display_name": fundraiser.display_name,
        "title": fundraiser.title,
        "story": fundraiser.story,
        "photo_alt": "",
        "goal": "1000",
        "ends_on": fundraiser.ends_on.isoformat(),
        "share_consent": "on",
    }
    return {**data, **overrides}


def test_a_new_goal_shows_at_once_but_new_words_wait_for_review(client):
    from fundraisers.models import Fundraiser

    fundraiser = FundraiserFactory(title="Ana runs 10K")
    open_manage(client, fundraiser)
    assert 'value="1000"' in client.get("/fundraisers/manage/edit/").content.decode()

    response = client.post("/fundraisers/manage/edit/", edit_data(fundraiser, goal="1500"))
    assert response.status_code == 200
    assert "Your changes are saved." in response.content.decode()
    fundraiser.refresh_from_db()
    assert (fundraiser.goal_cents, fundraiser.status) == (1500_00, Fundraiser.Status.APPROVED)

    response = client.post("/fundraisers/manage/edit/", edit_data(fundraiser, goal="1500", story="New words"))
    assert "Our team will review them before they are shared." in response.content.decode()
    fundraiser.refresh_from_db()
    assert (fundraiser.story, fundraiser.status) == ("New words", Fundraiser.Status.PENDING)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"goal": "5"}, "goal"), ({"share_consent": ""}, "share_consent"), ({"title": ""}, "title")],
)
def test_a_bad_edit_changes_nothing(client, overrides, field):
    fundraiser = FundraiserFactory(title="Ana runs 10K")
    open_manage(client, fundraiser)
    response = client.post("/fundraisers/manage/edit/", edit_data(fundraiser, **overrides))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    fundraiser.refresh_from_db()
    assert (fundraiser.title, fundraiser.goal_cents) == ("Ana runs 10K", 1000_00)


def test_editing_needs_the_link_and_a_withdrawn_page_cannot_be_edited(client):
    from fundraisers.models import Fundraiser

    fundraiser = FundraiserFactory()
    assert client.get("/fundraisers/manage/edit/").status_code == 403
    assert client.post("/fundraisers/manage/edit/", edit_data(fundraiser, title="Hijacked")).status_code == 403
    open_manage(client, fundraiser)
    Fundraiser.objects.filter(pk=fundraiser.pk).update(status=Fundraiser.Status.HIDDEN)
    assert client.post("/fundraisers/manage/edit/", edit_data(fundraiser, title="Back")).status_code == 409
    fundraiser.refresh_from_db()
    assert fundraiser.title != "Back"


def test_the_fundraisers_own_page_and_gift_notice_in_spanish(fake_stripe, paid_gift, client):
    fundraiser = FundraiserFactory(language="es", title="Ana corre 10K")
    paid_gift(fundraiser.campaign, fundraiser=fundraiser.slug, amount="30", amount_shown_to_fundraiser="on")
    [notice] = mail_to(fundraiser.owner_email)
    assert notice.subject == "Un donativo a través de su página «Ana corre 10K»"
    assert "Importe: $30.00" in notice.body

    client.cookies["django_language"] = "es"
    html = open_manage(client, fundraiser).content.decode()
    assert "Donativos a través de su página" in html
    assert "$30 recaudados de $1,000, con 1 donativo." in html
    assert "Enviar mi agradecimiento" in html


def test_a_new_photo_from_the_edit_form_is_stored_without_its_location_and_reviewed(client):
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from fundraisers.models import Fundraiser
    from tests.fundraisers.test_models import GPS_TAG, phone_photo

    fundraiser = FundraiserFactory()
    open_manage(client, fundraiser)
    photo = SimpleUploadedFile("IMG_0002.jpg", phone_photo(), "image/jpeg")
    response = client.post("/fundraisers/manage/edit/", {**edit_data(fundraiser), "photo": photo})
    assert response.status_code == 200
    fundraiser.refresh_from_db()
    assert fundraiser.status == Fundraiser.Status.PENDING
    with default_storage.open(fundraiser.photo.name, "rb") as handle, Image.open(handle) as image:
        assert not image.getexif().get_ifd(GPS_TAG)
