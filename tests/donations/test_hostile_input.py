"""
Hostile input: property tests (hypothesis) on amount parsing and the gift form, and webhook
bodies that are malformed, of the wrong types or huge, all signed with the real secret so they
get past the signature to the parser. Never a 500, never a gift outside the limits, never a
recorded gift changed or doubled.
"""

import copy
import json
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.tallies import tally_totals
from core import money
from donations.models import Gift, WebhookEvent
from tests.donations.conftest import form_data
from tests.factories import CampaignFactory, DesignationFactory

pytestmark = pytest.mark.django_db

# --- Amount parsing ------------------------------------------------------------------------------

AMOUNT_ALPHABET = st.sampled_from([*list("0123456789$,.-+eE _\t\n"), "NaN", "inf", "Infinity", "١", "٣", "０", "½"])


def _parse(text):
    try:
        return money.parse_amount(text)
    except ValueError:
        return None


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(AMOUNT_ALPHABET, max_size=14).map("".join)))
def test_parse_amount_raises_only_value_error_and_returns_whole_non_negative_cents(text):
    cents = _parse(text)  # anything but ValueError propagates and fails the test
    if cents is None:
        return
    assert type(cents) is int and cents >= 0
    lowered = text.lower()
    for forbidden in ("-", "+", "e", "nan", "inf", "_"):
        assert forbidden not in lowered, (text, cents)
    # Whole cents: what the donor typed, times 100, is exactly the result (nothing was rounded).
    digits = text.strip().lstrip("$").strip().replace(",", "")
    assert Decimal(digits) * 100 == cents


@settings(max_examples=2000, deadline=None)
@given(st.integers(min_value=0, max_value=10**13), st.booleans())  # up to $100 billion: 20 characters
def test_format_then_parse_round_trips(cents, whole):
    text = money.format_cents(cents, whole=whole)
    assert money.parse_amount(text) == cents
    assert money.parse_amount(text.replace(",", "")) == cents


@pytest.mark.parametrize(
    "text",
    [
        "-5",
        "−5",
        "+5",
        "5e2",
        "1E3",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "Infinity",
        "0x10",
        "1_000",
        "5.001",
        "5.",
        ".5.5",
        "$-5",
        "--5",
        "5,00",
        "1,0000",
        "$$5",
        "5 5",
        "\x005",
        "5\x00",
        "٥٠",
        "null",
        "None",
        "[]",
        "{}",
    ],
)
def test_hostile_amounts_are_refused_with_a_value_error(text):
    # "٥٠" too: Python's \d would read Unicode digits, but the gift form's script could not show
    # the same total, so amounts are ASCII digits only.
    with pytest.raises(ValueError):
        money.parse_amount(text)


# --- The gift form --------------------------------------------------------------------------------

JUNK = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "",
            "0",
            "5",
            "4.99",
            "5.00",
            "25000",
            "25000.01",
            "9" * 25,
            "-100",
            "1e9",
            "NaN",
            "other",
            "monthly",
            "one_time",
            "in_memory",
            "\x00",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "ａ" * 600,
        ]
    ),
)


@pytest.fixture
def open_limits(settings):
    settings.GIFT_SESSIONS_PER_ADDRESS = settings.GIFT_SESSIONS_PER_ADDRESS_MAX = 10**9
    settings.GIFT_SESSIONS_GLOBAL_PER_MINUTE = settings.GIFT_SESSIONS_GLOBAL_PER_HOUR = 10**9
    return settings


def test_random_gift_form_posts_never_500_and_never_make_a_gift_outside_limits(client, fake_stripe, open_limits):
    campaign = CampaignFactory(preset_amounts="25, 50, 100")
    DesignationFactory(campaign=campaign, slug="infusion")
    statuses: dict[int, int] = {}

    @settings(
        max_examples=250,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.fixed_dictionaries(
            {},
            optional={
                name: JUNK
                for name in (
                    "campaign",
                    "frequency",
                    "amount",
                    "other_amount",
                    "cover_fee",
                    "designation",
                    "display_name",
                    "is_anonymous",
                    "dedication",
                    "honoree_name",
                    "honoree_email",
                    "message",
                    "leave_blank",
                )
            },
        ),
        st.booleans(),
    )
    def post(fields, base):
        data = {**form_data(campaign), **fields} if base else fields
        response = client.post("/donate/", data)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code in (303, 400, 404), response.status_code

    post()

    assert statuses.get(303, 0) > 0 and statuses.get(400, 0) > 0  # both paths were exercised
    for gift in Gift.objects.all():
        assert django_settings.GIFT_MIN_CENTS <= gift.amount_cents <= django_settings.GIFT_MAX_CENTS
        assert 0 <= gift.fee_cents < gift.amount_cents
        assert gift.status == Gift.Status.PENDING
        assert len(gift.display_name) <= 80 and len(gift.message) <= 500 and "\x00" not in gift.message
    assert Gift.objects.count() == len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == statuses[303]


# --- Webhook bodies ---------------------------------------------------------------------------------


@pytest.fixture
def recorded(fake_stripe, paid_gift):
    """A gift already paid and counted, which no hostile delivery may change."""
    campaign = CampaignFactory()
    gift = paid_gift(campaign)
    tally = tally_totals(campaign=campaign, designation=None)
    return gift, (tally.raised_cents, tally.gift_count, tally.donor_count)


def assert_untouched(recorded):
    gift, counts = recorded
    fresh = Gift.objects.get(pk=gift.pk)
    assert (fresh.status, fresh.amount_cents, fresh.refunded_cents) == (gift.status, gift.amount_cents, 0)
    tally = tally_totals(campaign=gift.campaign, designation=None)
    assert (tally.raised_cents, tally.gift_count, tally.donor_count) == counts
    assert Gift.objects.count() == 1


MALFORMED_BODIES = [
    b"",
    b"{",
    b"null",
    b"[]",
    b'"a string"',
    b"123",
    b"true",
    b"{}",
    b'{"id": 5, "type": "checkout.session.completed"}',
    b'{"id": "evt_1", "type": 5, "data": {"object": {}}}',
    b'{"id": "evt_1", "type": "checkout.session.completed"}',
    b'{"id": "evt_1", "type": "checkout.session.completed", "data": "object"}',
    b'{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": []}}',
    b'{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": null}}',
    b'{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": {"object": "charge", "id": "ch_1"}}}',
    b'{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": {"object": "checkout.session"}}}',
    b'{"id": "evt_1", "amount": NaN}',
    b'{"id": "evt_1", "amount": Infinity}',
    b"\xff\xfe\x00{",
    b'{"id": "evt_\xff"}',
    b"[" * 50_000 + b"]" * 50_000,  # nested deep enough to exhaust the parser's recursion
    b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
    json.dumps({"id": "evt_" + "x" * 300, "type": "ping", "data": {"object": {}}}).encode(),
    # A valid envelope around what no JSON column can hold.
    b'{"id": "evt_nan", "type": "ping", "data": {"object": {"amount": NaN}}}',
    b'{"id": "evt_nul", "type": "ping", "data": {"object": {"name": "a\\u0000b"}}}',
    b'{"id": "evt_sur", "type": "ping", "data": {"object": {"name": "\\ud800"}}}',
    b'{"id": "evt_nul\\u0000", "type": "checkout.session.completed", "data": {"object": {}}}',
]


def sign_bytes(body: bytes, secret: str) -> str:
    """Stripe's signature over raw bytes (the fake signs text; these bodies need not be UTF-8)."""
    import hashlib
    import hmac
    import time

    timestamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@pytest.mark.parametrize("body", MALFORMED_BODIES, ids=range(len(MALFORMED_BODIES)))
def test_malformed_bodies_signed_are_refused_with_400(client, fake_stripe, recorded, body):
    response = client.post(
        "/stripe/webhook/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign_bytes(body, fake_stripe.webhook_secret),
    )
    assert response.status_code == 400, response.content
    assert_untouched(recorded)


def _wrong_types(session: dict) -> list[tuple[str, dict]]:
    cases = []

    def case(name, **changes):
        obj = copy.deepcopy(session)
        obj.update(changes)
        cases.append((name, obj))

    case("amount_total a string", amount_total=str(session["amount_total"]))
    case("amount_total a float", amount_total=float(session["amount_total"]))
    case("amount_total negative", amount_total=-session["amount_total"])
    case("amount_total huge", amount_total=10**30)
    case("amount_total null", amount_total=None)
    case("client_reference_id a number", client_reference_id=int(session["client_reference_id"]))
    case("client_reference_id a dict", client_reference_id={"id": session["client_reference_id"]})
    case("client_reference_id huge", client_reference_id="9" * 5000)
    case("metadata a list", metadata=["gift_id", session["client_reference_id"]])
    case("metadata a string", metadata="gift_id")
    case("customer_details a string", customer_details="ada@example.com")
    case("customer_details.email a number", customer_details={"email": 5, "name": ["Ada"]})
    case("customer a dict", customer={"id": "cus_1"})
    case("payment_intent a list", payment_intent=["pi_1"])
    case("status a number", status=1)
    case("mode a dict", mode={"payment": True})
    case("payment_status a list", payment_status=["paid"])
    case("id a number", id=12345)
    case("created a string", created="yesterday")
    return cases


def test_wrong_types_in_a_signed_event_never_500(client, fake_stripe, start_gift, paid_gift):
    campaign = CampaignFactory()
    already = paid_gift(campaign)
    gift = start_gift(campaign)
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id)
    tried = []
    for name, obj in _wrong_types(session):
        for event_type in (
            "checkout.session.completed",
            "checkout.session.expired",
            "checkout.session.async_payment_failed",
        ):
            event = fake_stripe.event(event_type, obj, hostile=True)
            response = fake_stripe.post(client, event)
            assert response.status_code in (200, 400), (name, event_type, response.status_code, response.content)
            tried.append((name, event_type, response.status_code))
    # Other handlers' objects, with every field a wrong type.
    for event_type, kind in [
        ("charge.refunded", "charge"),
        ("charge.dispute.created", "dispute"),
        ("charge.dispute.closed", "dispute"),
        ("charge.dispute.updated", "dispute"),
        ("refund.failed", "refund"),
        ("invoice.paid", "invoice"),
        ("invoice.payment_failed", "invoice"),
        ("customer.subscription.updated", "subscription"),
        ("customer.subscription.deleted", "subscription"),
    ]:
        for junk in (5, "x", [1], {"a": 1}, None, True, 10**30):
            obj = {
                "object": kind,
                "id": f"{kind[:3]}_junk",
                "amount_refunded": junk,
                "payment_intent": junk,
                "charge": junk,
                "metadata": junk,
                "amount_paid": junk,
                "parent": junk,
                "subscription": junk,
                "status": junk,
                "items": junk,
                "created": junk,
                "payments": junk,
                "customer": junk,
            }
            response = fake_stripe.post(client, fake_stripe.event(event_type, obj, hostile=True))
            assert response.status_code in (200, 400), (event_type, junk, response.status_code, response.content)
            tried.append((event_type, repr(junk), response.status_code))
    assert len(tried) == len(_wrong_types(session)) * 3 + 9 * 7
    outcomes = {name: status for name, event_type, status in tried if event_type == "checkout.session.completed"}
    # What cannot be a payment of this gift is refused; nothing else about the gift moved.
    for name in (
        "amount_total a string",
        "amount_total a float",
        "amount_total negative",
        "amount_total huge",
        "amount_total null",
        "metadata a list",
        "metadata a string",
        "customer_details a string",
    ):
        assert outcomes[name] == 400, name
    # The genuine, well-formed event, delivered after all that.
    response = fake_stripe.post(client, fake_stripe.event("checkout.session.completed", session))
    assert response.status_code == 200
    already.refresh_from_db()
    gift.refresh_from_db()
    assert (already.status, gift.status) == (Gift.Status.SUCCEEDED, Gift.Status.SUCCEEDED)
    assert Gift.objects.count() == 2
    tally = tally_totals(campaign=campaign, designation=None)
    assert (tally.raised_cents, tally.gift_count) == (already.amount_cents + gift.amount_cents, 2)


def test_huge_bodies_are_refused_before_parsing(client, fake_stripe, recorded):
    huge = json.dumps({"id": "evt_huge", "type": "ping", "data": {"object": {"pad": "x" * 300_000}}})
    response = fake_stripe.post(client, huge)
    assert response.status_code == 413
    lying = client.post(
        "/stripe/webhook/",
        data=b"{}",
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=x",
        CONTENT_LENGTH="not-a-number",
    )
    assert lying.status_code in (400, 413)
    assert not WebhookEvent.objects.filter(stripe_event_id="evt_huge").exists()
    assert_untouched(recorded)
