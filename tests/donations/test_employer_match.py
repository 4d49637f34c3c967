"""'My employer matches gifts': the form's contract, hostile input, the staff follow-up list and its actions."""

import pytest
from django.core import mail

from donations.forms import GiftForm
from donations.models import EmployerMatch, Gift
from tests.factories import CampaignFactory, GiftFactory
from tests.staff import make_staff

from .conftest import form_data

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/donations/gift/"


def test_the_form_offers_the_match_unchecked(client):
    campaign = CampaignFactory()
    html = client.get(f"/donate/?campaign={campaign.slug}").content.decode()
    assert 'name="employer_match"' in html
    assert 'name="employer_match" checked' not in html
    assert 'name="employer_name"' in html
    assert 'maxlength="120"' in html


def test_the_employer_reaches_the_gift_awaiting_a_match(start_gift):
    gift = start_gift(CampaignFactory(), employer_match="on", employer_name="  Acme\n  Corporation ")
    assert gift.employer_name == "Acme Corporation"
    assert gift.employer_match_status == EmployerMatch.AWAITING


def test_no_match_asked_keeps_no_employer(start_gift):
    gift = start_gift(CampaignFactory(), employer_name="Acme")  # a name without the box is not a request
    assert (gift.employer_name, gift.employer_match_status) == ("", "")


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "Enter your employer's name"),
        ("   ", "Enter your employer's name"),
        ("x" * 121, "Keep the employer's name to 120 characters (it has 121)."),
        ("https://evil.example/phish", "as words"),
        ("<>!!", "as words"),
    ],
)
def test_a_bad_employer_name_is_told_not_stored(client, fake_stripe, name, error):
    campaign = CampaignFactory()
    response = client.post("/donate/", form_data(campaign, employer_match="on", employer_name=name))
    assert response.status_code == 400  # the form again, with its error: never a 500
    assert error in response.content.decode().replace("&#x27;", "'")
    assert not Gift.objects.exists()


def test_a_returning_donor_finds_the_match_again():
    gift = GiftFactory(employer_name="Acme", employer_match_status=EmployerMatch.AWAITING)
    initial = GiftForm.initial_from_gift(gift)
    assert (initial["employer_match"], initial["employer_name"]) == (True, "Acme")


def test_thanks_page_and_receipt_remind_the_donor_to_file_the_match(paid_gift, client):
    gift = paid_gift(CampaignFactory(), employer_match="on", employer_name="Acme")
    page = client.get(f"/donate/thanks/?session_id={gift.stripe_checkout_session_id}").content.decode()
    assert "Your employer, Acme, matches gifts: please file the match with them" in page
    [receipt] = [message for message in mail.outbox if "Acme" in message.body]
    assert "please file the match with them" in receipt.body
    assert "please file the match with them" in receipt.alternatives[0][0]


@pytest.mark.parametrize("group", ["Development staff", "Finance"])
def test_staff_list_the_gifts_awaiting_a_match_and_mark_them(client, django_user_model, group):
    awaiting = GiftFactory(donor_name="Awaits Match", employer_name="Acme", employer_match_status="awaiting")
    GiftFactory(donor_name="Already Received", employer_name="Beta", employer_match_status="received")
    plain = GiftFactory(donor_name="No Match Asked")
    client.force_login(make_staff(django_user_model, "follow", group))

    page = client.get(f"{CHANGELIST}?employer_match_status__exact=awaiting").content.decode()
    assert "Awaits Match" in page
    assert "Already Received" not in page and "No Match Asked" not in page

    response = client.post(
        CHANGELIST,
        {"action": "match_submitted", "_selected_action": [awaiting.pk, plain.pk]},
        follow=True,
    )
    assert "1 employer match marked “Submitted”." in response.content.decode()
    assert "1 gift has no employer match and was left as it was." in response.content.decode()
    awaiting.refresh_from_db()
    plain.refresh_from_db()
    assert awaiting.employer_match_status == "submitted"
    assert awaiting.history.latest().history_user.username == "follow"
    assert plain.employer_match_status == ""


def test_the_actions_need_the_follow_up_permission(client, django_user_model):
    from django.contrib.auth.models import Group

    gift = GiftFactory(employer_name="Acme", employer_match_status="awaiting")
    staff = make_staff(django_user_model, "nomatch", None)
    staff.groups.clear()
    viewer = Group.objects.create(name="Viewers only")
    viewer.permissions.set(
        Group.objects.get(name="Development staff").permissions.exclude(codename="follow_employer_match")
    )
    staff.groups.add(viewer)
    client.force_login(staff)

    page = client.get(CHANGELIST).content.decode()
    assert "match_submitted" not in page
    client.post(CHANGELIST, {"action": "match_received", "_selected_action": [gift.pk]})
    gift.refresh_from_db()
    assert gift.employer_match_status == "awaiting"
