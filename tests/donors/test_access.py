"""The door to the donor's pages, and what an attacker can (not) do with it."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from donors.models import DonorAccessToken

from .conftest import LINK

pytestmark = pytest.mark.django_db


def test_the_answer_is_the_same_whether_or_not_the_address_gives(ask, alice_gift):
    known = ask("alice@example.com")
    unknown = ask("stranger@example.com")

    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert LINK.search(mail.outbox[0].body)
    assert DonorAccessToken.objects.count() == 1


def test_the_token_rides_in_the_fragment_and_only_its_hash_is_stored(ask, alice_gift):
    ask("alice@example.com")
    path, token = LINK.search(mail.outbox[0].body).groups()

    assert path == "/donate/manage/access/"
    assert len(token) >= 40
    assert not DonorAccessToken.objects.filter(token_hash=token).exists()


def test_the_link_opens_the_pages_listing_every_gift_plan_and_tribute(client, sign_in, alice_gift):
    from tests.factories import GiftFactory

    offline = GiftFactory(
        donor_email="alice@example.com",
        source="check",
        reference="1042",
        amount_cents=30_00,
        receipt_year=2026,
        receipt_serial=50,
    )
    tribute = GiftFactory(
        donor_email="ALICE@example.com",
        dedication="memory",
        honoree_name="Grandma Rose",
        receipt_year=2026,
        receipt_serial=51,
    )
    sign_in("alice@example.com")

    page = client.get("/donate/manage/you/")

    assert page.status_code == 200
    text = page.content.decode()
    for gift in (alice_gift, offline, tribute):
        assert gift.receipt_number in text
    assert "$120.00" in text and "$30.00" in text
    assert "In memory of Grandma Rose" in text
    assert page["Cache-Control"].startswith("max-age=0")


def test_a_link_works_once(client, sign_in, alice_gift):
    token = sign_in("alice@example.com")
    client.post("/donate/manage/you/sign-out/")

    again = client.post("/donate/manage/access/", {"token": token})

    assert again.status_code == 400
    assert client.get("/donate/manage/you/").status_code == 403


def test_an_expired_link_is_refused(client, ask, alice_gift):
    ask("alice@example.com")
    token = LINK.search(mail.outbox[0].body).group(2)
    DonorAccessToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = client.post("/donate/manage/access/", {"token": token})

    assert response.status_code == 400
    assert "expired or is not valid" in response.content.decode()
    assert client.get("/donate/manage/you/").status_code == 403


@pytest.mark.parametrize(
    "tamper", [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: t + "x", lambda t: "", lambda t: "x" * 5000]
)
def test_a_tampered_token_is_refused(client, ask, alice_gift, tamper):
    ask("alice@example.com")
    token = LINK.search(mail.outbox[0].body).group(2)

    response = client.post("/donate/manage/access/", {"token": tamper(token)})

    assert response.status_code == 400
    assert client.get("/donate/manage/you/").status_code == 403


def test_the_session_grant_expires(client, sign_in, alice_gift, monkeypatch):
    sign_in("alice@example.com")
    session = client.session
    session["donors_access"] = {**session["donors_access"], "until": 1}
    session.save()

    assert client.get("/donate/manage/you/").status_code == 403


def test_a_forged_session_grant_is_ignored(client, alice_gift):
    session = client.session
    session["donors_access"] = {"email": "alice@example.com", "until": "9999999999"}
    session.save()

    assert client.get("/donate/manage/you/").status_code == 403


def test_one_donor_never_reaches_another_donors_gift_by_id(client, sign_in, alice_gift, bob_gift):
    sign_in("alice@example.com")

    home = client.get("/donate/manage/you/").content.decode()
    assert bob_gift.receipt_number not in home and "Bob Roe" not in home
    assert client.get(f"/donate/manage/you/gifts/{alice_gift.pk}/receipt/").status_code == 200
    assert client.get(f"/donate/manage/you/gifts/{bob_gift.pk}/receipt/").status_code == 404
    assert client.get(f"/donate/manage/you/gifts/{bob_gift.pk}/receipt.pdf").status_code == 404
    assert client.get("/donate/manage/you/gifts/999999/receipt/").status_code == 404


def test_pages_without_a_link_show_the_door_not_data(client, alice_gift):
    for url in (
        "/donate/manage/you/",
        f"/donate/manage/you/gifts/{alice_gift.pk}/receipt/",
        "/donate/manage/you/statements/2026/",
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "Alice" not in response.content.decode()


def test_requests_are_rate_limited_per_address(ask, alice_gift):
    statuses = [ask("alice@example.com").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert len(mail.outbox) == 3


def test_a_bad_address_gets_a_message(client):
    response = client.post("/donate/manage/", {"email": "not an email"})

    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
    assert not mail.outbox


def test_a_plan_opens_its_management_page_only_for_its_donor(client, sign_in, alice_gift):
    from donations.models import RecurringPlan

    mine = RecurringPlan.objects.create(
        campaign=alice_gift.campaign,
        amount_cents=25_00,
        donor_email="alice@example.com",
        status="active",
        stripe_subscription_id="sub_a",
    )
    theirs = RecurringPlan.objects.create(
        campaign=alice_gift.campaign,
        amount_cents=25_00,
        donor_email="bob@example.com",
        status="active",
        stripe_subscription_id="sub_b",
    )
    sign_in("alice@example.com")

    assert client.post(f"/donate/manage/you/plans/{theirs.pk}/").status_code == 404
    opened = client.post(f"/donate/manage/you/plans/{mine.pk}/")
    assert opened.status_code == 303 and opened["Location"] == "/donate/manage/plan/"
    assert client.get("/donate/manage/plan/").status_code == 200


def test_the_donor_pages_cost_a_fixed_number_of_queries(client, sign_in, alice_gift, django_assert_num_queries):
    from tests.factories import GiftFactory

    for serial in range(60, 70):  # more gifts, no more queries
        GiftFactory(
            donor_email="alice@example.com",
            dedication="honor",
            honoree_name="Sam",
            receipt_year=2026,
            receipt_serial=serial,
        )
    sign_in("alice@example.com")

    # session, gifts (with campaign), plans, tribute cards, statement years
    with django_assert_num_queries(5):
        assert client.get("/donate/manage/you/").status_code == 200
    with django_assert_num_queries(2):  # session, the gift
        assert client.get(f"/donate/manage/you/gifts/{alice_gift.pk}/receipt/").status_code == 200
