"""Naming a space from the gift form: the offer, the hold while the donor is in Checkout, and what follows."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from donations import extensions
from donations.models import Gift
from donations.services import gift_refund
from recognition import services
from recognition.models import NamingClaim, NamingOpportunity, NamingStatus
from tests.donations.conftest import form_data
from tests.factories import CampaignFactory, DesignationFactory

from .conftest import make_space

pytestmark = pytest.mark.django_db

PRICE = 500_00


@pytest.fixture
def centers(db, settings):
    settings.GIFT_MAX_CENTS = 25_000_00
    settings.NAMING_NOTIFY_EMAILS = ["office@example.org"]
    campaign = CampaignFactory(slug="centers", title="New Centers")
    return campaign


@pytest.fixture
def bay(centers):
    designation = DesignationFactory(campaign=centers, slug="infusion", name="Infusion Center")
    return make_space(centers, "Infusion bay 3", price_cents=PRICE, designation=designation)


def naming_post(campaign, space, **overrides):
    values = {"naming": str(space.pk), "recognition_name": "The Rivera family", "amount": "", **overrides}
    return form_data(campaign, **values)


def start(client, campaign, space, **overrides):
    return client.post("/donate/", naming_post(campaign, space, **overrides))


# --- The naming page links small spaces to the gift form ---------------------------------------


def test_the_page_offers_a_gift_for_spaces_up_to_the_online_maximum_and_asks_about_the_rest(client, centers, bay):
    big = make_space(centers, "Family lounge", price_cents=50_000_00, xywh=(10, 3, 6, 6))
    body = client.get("/campaigns/centers/naming/").content.decode()
    assert f'href="/donate/?campaign=centers&amp;naming={bay.pk}"' in body
    assert "Name this space with a gift" in body
    assert f"/naming/{big.pk}/ask/" in body
    assert f"naming={big.pk}" not in body
    assert f"/naming/{bay.pk}/ask/" not in body


def test_a_lapsed_hold_shows_available_at_once_and_a_live_one_limits_the_cache(client, centers, bay, settings):
    services.space_hold(opportunity=bay, expires_at=timezone.now() - datetime.timedelta(seconds=1), holder_note="x")
    body = client.get("/campaigns/centers/naming/").content.decode()
    assert f"naming={bay.pk}" in body  # lapsed: offered again before release_naming_holds runs

    other = make_space(centers, "Infusion bay 4", price_cents=PRICE, xywh=(10, 3, 4, 6))
    services.space_hold(opportunity=other, expires_at=timezone.now() + datetime.timedelta(seconds=90), holder_note="y")
    cache.clear()  # the hold's invalidation runs on commit, which this test's transaction never reaches
    response = client.get("/campaigns/centers/naming/")
    assert f"naming={other.pk}" not in response.content.decode()
    # The shared cache keeps this copy only until the hold lapses (not PAGE_CACHE_SECONDS).
    assert 85 <= response.page_cache_seconds <= 91


# --- The form ------------------------------------------------------------------------------------


def test_the_form_says_what_is_named_and_asks_for_the_name(client, centers, bay):
    response = client.get(f"/donate/?campaign=centers&naming={bay.pk}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "You are naming: Infusion bay 3" in body
    assert "A one-time gift of $500.00." in body
    assert 'name="recognition_name"' in body
    assert f'name="naming" value="{bay.pk}"' in body
    assert 'name="installments"' not in body


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1e3", "99999999999", "１２", "", " 1", "1;DROP"])
def test_hostile_naming_values_are_told_plainly_with_a_400_and_nothing_recorded(
    client, centers, bay, fake_stripe, value
):
    for response in (
        client.get("/donate/", {"campaign": "centers", "naming": value}),
        client.post("/donate/", {**naming_post(centers, bay), "naming": value}),
    ):
        assert response.status_code == 400
        assert "This naming link is not valid" in response.content.decode()
    assert not Gift.objects.exists() and not NamingClaim.objects.exists()
    assert fake_stripe.calls("POST", "/v1/checkout/sessions") == []


def test_an_unknown_space_another_campaigns_or_one_over_the_maximum_is_refused(client, centers, bay, fake_stripe):
    elsewhere = make_space(CampaignFactory(slug="other"), "Bay X", price_cents=PRICE)
    big = make_space(centers, "Family lounge", price_cents=50_000_00, xywh=(10, 3, 6, 6))
    cases = {
        str(bay.pk + 1000): "We could not find this space",
        str(elsewhere.pk): "belongs to another campaign",
        str(big.pk): "named with our development office",
    }
    for value, message in cases.items():
        response = client.post("/donate/", {**naming_post(centers, bay), "naming": value})
        assert response.status_code == 400, value
        assert message in response.content.decode()
    assert not Gift.objects.exists() and not NamingClaim.objects.exists()


def test_a_named_or_held_space_is_refused_and_nothing_recorded(client, centers, bay, fake_stripe):
    services.space_hold(opportunity=bay, expires_at=timezone.now() + datetime.timedelta(hours=1), holder_note="x")
    response = start(client, centers, bay)
    assert response.status_code == 409
    assert "Someone is naming this space right now" in response.content.decode()
    services.space_name(
        opportunity=NamingOpportunity.objects.get(pk=bay.pk),
        recognition_name="Ada",
        claim_seen=services.active_claim_id(bay),
    )
    response = start(client, centers, bay)
    assert response.status_code == 400
    assert "already been named" in response.content.decode()
    assert not Gift.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter the name you would like on the space."),
        ("   ", "Enter the name you would like on the space."),
        ("x" * 81, "Keep the name to 80 characters"),
        ("Visit www.spam.example", "without links"),
        ("<b>Ada</b>", "without links"),
        ("!!!", "Enter the name you would like on the space."),
    ],
)
def test_the_recognition_name_is_required_short_and_plain(client, centers, bay, fake_stripe, name, message):
    response = start(client, centers, bay, recognition_name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Gift.objects.exists() and not NamingClaim.objects.exists()


# --- Checkout: the hold, then completed, expired, refunded ---------------------------------------


def test_going_to_checkout_holds_the_space_for_that_gift_until_the_session_expires(client, centers, bay, fake_stripe):
    before = timezone.now()
    response = start(client, centers, bay, amount="10", frequency="monthly", installments="12", designation="")
    assert response.status_code == 303
    gift = Gift.objects.get()
    # The offer's terms, whatever was posted: one time, the price, the space's designation.
    assert (gift.amount_cents, gift.frequency, gift.pledge_id, gift.designation.slug) == (
        PRICE,
        "one_time",
        None,
        "infusion",
    )
    session = fake_stripe.sessions[gift.stripe_checkout_session_id]
    (call,) = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert call.params["metadata"]["naming"] == str(bay.pk)
    claim = NamingClaim.objects.get()
    assert (claim.gift_id, claim.status, claim.requested_name) == (gift.pk, NamingStatus.HELD, "The Rivera family")
    assert int(claim.expires_at.timestamp()) == session["expires_at"]
    assert before + extensions.RESERVE_FOR <= claim.expires_at <= timezone.now() + extensions.RESERVE_FOR
    bay.refresh_from_db()
    assert bay.status == NamingStatus.HELD
    # Another donor now hears it is taken.
    response = client.get(f"/donate/?campaign=centers&naming={bay.pk}")
    assert response.status_code == 409


def test_completed_turns_the_hold_into_a_pledge_awaiting_the_approved_name(client, centers, bay, fake_stripe, deliver):
    start(client, centers, bay)
    gift = Gift.objects.get()
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    assert deliver("checkout.session.completed", session).status_code == 200
    deliver("checkout.session.completed", session)  # again: nothing more

    claim = NamingClaim.objects.get()
    bay.refresh_from_db()
    assert (claim.status, claim.expires_at, claim.released_at) == (NamingStatus.PLEDGED, None, None)
    assert (bay.status, bay.recognition_name) == (NamingStatus.PLEDGED, "")  # shown once staff approve it
    notices = [m for m in mail.outbox if m.to == ["office@example.org"]]
    assert len(notices) == 1
    assert notices[0].subject == "Task: approve the name for Infusion bay 3"


def test_expired_gives_the_space_back(client, centers, bay, fake_stripe, deliver):
    start(client, centers, bay)
    gift = Gift.objects.get()
    session = fake_stripe.expire_session(gift.stripe_checkout_session_id)
    assert deliver("checkout.session.expired", session).status_code == 200
    bay.refresh_from_db()
    assert bay.status == NamingStatus.AVAILABLE
    assert NamingClaim.objects.get().released_at is not None
    assert start(client, centers, bay).status_code == 303  # the next donor can name it


def test_a_session_stripe_refuses_to_create_releases_the_hold(client, centers, bay, fake_stripe, monkeypatch):
    from donations import stripe_gateway

    def refuse(**kwargs):
        raise stripe_gateway.PaymentError("down")

    monkeypatch.setattr(stripe_gateway, "checkout_session_create", refuse)
    response = start(client, centers, bay)
    assert response.status_code == 503
    bay.refresh_from_db()
    assert bay.status == NamingStatus.AVAILABLE
    assert Gift.objects.get().status == Gift.Status.FAILED


def test_paid_after_the_hold_lapsed_claims_it_again_if_free(client, centers, bay, fake_stripe, deliver):
    start(client, centers, bay)
    gift = Gift.objects.get()
    NamingClaim.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    services.holds_release_expired()
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    deliver("checkout.session.completed", session)
    bay.refresh_from_db()
    claim = NamingClaim.objects.get(released_at__isnull=True)
    assert (bay.status, claim.gift_id, claim.requested_name) == (NamingStatus.PLEDGED, gift.pk, "The Rivera family")


def test_paid_after_someone_else_took_it_tells_staff_and_never_gives_it_twice(
    client, centers, bay, fake_stripe, deliver
):
    start(client, centers, bay)
    gift = Gift.objects.get()
    NamingClaim.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    services.space_hold(opportunity=bay, expires_at=timezone.now() + datetime.timedelta(days=1), holder_note="Prospect")
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    assert deliver("checkout.session.completed", session).status_code == 200
    active = NamingClaim.objects.get(released_at__isnull=True)
    assert active.holder_note == "Prospect"
    assert [m.subject for m in mail.outbox if m.to == ["office@example.org"]] == [
        "Task: a paid naming gift for Infusion bay 3 could not have it"
    ]


def test_a_refund_tells_staff_and_does_not_unname_the_space(
    client, centers, bay, fake_stripe, deliver, django_capture_on_commit_callbacks
):
    start(client, centers, bay)
    gift = Gift.objects.get()
    deliver("checkout.session.completed", fake_stripe.complete_session(gift.stripe_checkout_session_id))
    mail.outbox.clear()
    gift.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        gift_refund(gift=gift, amount_cents=gift.remaining_cents)
    bay.refresh_from_db()
    assert bay.status == NamingStatus.PLEDGED
    assert "Task: a gift naming Infusion bay 3 was refunded" in [m.subject for m in mail.outbox]


def test_a_refund_of_an_ordinary_gift_tells_no_one(
    client, centers, fake_stripe, deliver, django_capture_on_commit_callbacks
):
    response = client.post("/donate/", form_data(centers))
    gift = Gift.objects.get(stripe_checkout_session_id=response["Location"].rsplit("/", 1)[-1])
    deliver("checkout.session.completed", fake_stripe.complete_session(gift.stripe_checkout_session_id))
    mail.outbox.clear()
    gift.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        gift_refund(gift=gift, amount_cents=gift.remaining_cents)
    assert [m for m in mail.outbox if m.to == ["office@example.org"]] == []


def test_in_spanish(client, centers, bay, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    body = client.get(f"/donate/?campaign=centers&naming={bay.pk}").content.decode()
    assert "Usted da nombre a: Infusion bay 3" in body
    assert "Nombre en el espacio" in body
    body = client.get("/donate/?campaign=centers&naming=x").content.decode()
    assert "Este enlace para dar nombre no es válido" in body
    assert "Dé nombre a este espacio con una donación" in client.get("/campaigns/centers/naming/").content.decode()


def test_the_shared_cache_keeps_a_page_with_a_live_hold_only_until_it_lapses(client, centers, bay, monkeypatch):
    from core import cache as page_cache

    services.space_hold(opportunity=bay, expires_at=timezone.now() + datetime.timedelta(seconds=40), holder_note="y")
    stored = []
    real_set = page_cache.cache.set

    def spy(key, value, timeout=None, **kwargs):
        stored.append((key, timeout))
        return real_set(key, value, timeout=timeout, **kwargs)

    monkeypatch.setattr(page_cache.cache, "set", spy)
    client.get("/campaigns/centers/naming/")
    (timeout,) = [timeout for key, timeout in stored if not key.startswith("pages:version")]
    assert 35 <= timeout <= 41


def test_back_from_checkout_the_session_is_expired_and_the_same_space_offered_again(client, centers, bay, fake_stripe):
    start(client, centers, bay)
    gift = Gift.objects.get()
    cancel_url = fake_stripe.sessions[gift.stripe_checkout_session_id]["cancel_url"]
    response = client.get(cancel_url.removeprefix("https://give.example.org"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "You are naming: Infusion bay 3" in body
    assert 'value="The Rivera family"' in body
    assert fake_stripe.sessions[gift.stripe_checkout_session_id]["status"] == "expired"  # it can no longer be paid
    bay.refresh_from_db()
    assert bay.status == NamingStatus.AVAILABLE
    # Continue again: a new gift holds it.
    assert start(client, centers, bay).status_code == 303
    assert NamingClaim.objects.get(released_at__isnull=True).gift_id != gift.pk


def test_back_from_checkout_another_browser_changes_nothing(client, centers, bay, fake_stripe):
    from django.test import Client

    start(client, centers, bay)
    gift = Gift.objects.get()
    response = Client().get(f"/donate/cancelled/?gift={gift.pk}")
    assert "You are naming" not in response.content.decode()
    assert fake_stripe.sessions[gift.stripe_checkout_session_id]["status"] == "open"
    bay.refresh_from_db()
    assert bay.status == NamingStatus.HELD


def test_staff_see_the_name_the_donor_asked_for_and_approve_it(
    dev_client, centers, bay, fake_stripe, deliver, django_capture_on_commit_callbacks
):
    from django.test import Client

    from tests.recognition.test_admin import _change_url, _post

    donor = Client()
    donor.post("/donate/", naming_post(centers, bay))
    gift = Gift.objects.get()
    deliver("checkout.session.completed", fake_stripe.complete_session(gift.stripe_checkout_session_id))

    page = dev_client.get(_change_url(bay)).content.decode()
    assert "The donor asked for “The Rivera family”" in page
    assert 'value="The Rivera family"' in page
    bay.refresh_from_db()
    response = _post(
        dev_client, bay, django_capture_on_commit_callbacks, price_cents="500", claim_action="name",
        approved_name="The Rivera Family",
    )  # fmt: skip
    assert response.status_code == 302
    bay.refresh_from_db()
    assert (bay.status, bay.recognition_name) == (NamingStatus.NAMED, "The Rivera Family")
    assert NamingClaim.objects.get(released_at__isnull=True).gift_id == gift.pk
    assert "Named for The Rivera Family" in Client().get("/campaigns/centers/naming/").content.decode()


def test_the_asked_for_name_is_escaped_in_the_admin_hint(dev_client, centers, bay):
    from tests.factories import GiftFactory
    from tests.recognition.test_admin import _change_url

    gift = GiftFactory(campaign=centers)
    services.space_hold_for_gift(
        opportunity=bay, gift_id=gift.pk, requested_name="<script>alert(1)</script>", expires_at=timezone.now()
    )
    page = dev_client.get(_change_url(bay)).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
