"""
The site's own types for Stripe's objects (donations/stripe_types.py), each read from Stripe's own
example object (donations/stripe_fixtures/fixtures3.json), and the rule that keeps Stripe's JSON
out of the services: no module under donations/services/ indexes a Stripe field by name.
"""

import ast
from pathlib import Path

import pytest

from donations import stripe_types
from donations.stripe_fixtures import fixture
from donations.stripe_types import (
    Charge,
    CheckoutSession,
    Dispute,
    Invoice,
    InvoicePayment,
    Payer,
    PortalSession,
    Refund,
    StripeObjectMalformed,
    Subscription,
    SubscriptionItem,
)

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "donations" / "services"
# Every kind of object the site reads from Stripe.
KINDS = (
    "checkout.session",
    "invoice",
    "invoice_payment",
    "charge",
    "refund",
    "dispute",
    "subscription",
    "billing_portal.session",
    "event",
)


def test_a_checkout_session_from_stripes_example():
    session = CheckoutSession.from_stripe(fixture("checkout.session"))
    assert session == CheckoutSession(
        id="cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY",
        status="open",
        mode="payment",
        payment_status="unpaid",
        amount_total=None,
        client_reference_id="",
        metadata={},
        payer=Payer(email="example@example.com", name="", customer_id=""),
        url="https://checkout.stripe.com/pay/c/cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY",
        payment_intent_id="pi_1PgafyB7WZ01zgkWSjxsAJo3",
        subscription_id="",
        invoice_id="",
        created=1234567890,
        expires_at=1234567890,
    )


def test_a_completed_monthly_session_names_its_subscription_invoice_and_payer():
    obj = fixture("checkout.session")
    obj.update(
        status="complete",
        mode="subscription",
        payment_status="paid",
        amount_total=5000,
        client_reference_id="42",
        metadata={"gift_id": "42"},
        customer="cus_1",
        customer_details={**obj["customer_details"], "email": " ada@example.com ", "name": "Ada"},
        payment_intent=None,
        subscription="sub_1",
        invoice="in_1",
    )
    session = CheckoutSession.from_stripe(obj)
    assert (session.amount_total, session.client_reference_id, session.metadata) == (5000, "42", {"gift_id": "42"})
    assert (session.subscription_id, session.invoice_id, session.payment_intent_id) == ("sub_1", "in_1", "")
    assert session.payer == Payer(email="ada@example.com", name="Ada", customer_id="cus_1")


@pytest.mark.parametrize("amount", [5000.0, True, "5000", None])
def test_an_amount_that_is_no_json_integer_is_none(amount):
    assert CheckoutSession.from_stripe({**fixture("checkout.session"), "amount_total": amount}).amount_total is None


def test_an_invoice_from_stripes_example_reads_the_subscription_under_parent():
    invoice = Invoice.from_stripe(fixture("invoice"))
    assert invoice == Invoice(
        id="in_1Pgc6tB7WZ01zgkWu9fdqL6I",
        subscription_id="subscription",
        subscription_metadata={},
        amount_paid=0,
        currency="usd",
        payer=Payer(email="", name="", customer_id="cus_QXg1o8vcGmoR32"),
        paid_at=None,
        created=1234567890,
    )


def test_an_invoice_in_the_shape_before_2025_03_31_names_its_subscription_at_the_top():
    obj = {**fixture("invoice"), "parent": None, "subscription": {"id": "sub_old"}}
    obj["subscription_details"] = {"metadata": {"gift_id": "7"}}
    obj["status_transitions"] = {**obj["status_transitions"], "paid_at": 1700000000}
    invoice = Invoice.from_stripe(obj)
    assert (invoice.subscription_id, invoice.subscription_metadata, invoice.paid_at) == (
        "sub_old",
        {"gift_id": "7"},
        1700000000,
    )


def test_an_invoice_payment_from_stripes_example():
    obj = fixture("invoice_payment")
    assert InvoicePayment.from_stripe(obj) == InvoicePayment(id="obj_123", invoice_id="invoice", status="status")
    obj["payment"]["payment_intent"] = "pi_1"
    assert InvoicePayment.from_stripe(obj).payment_intent_id == "pi_1"


def test_a_charge_from_stripes_example_and_an_expanded_payment_intent():
    assert Charge.from_stripe(fixture("charge")) == Charge(
        id="ch_1PgafuB7WZ01zgkWXYmPNZs8", amount_refunded=0, payment_intent_id="", metadata={}, created=1234567890
    )
    expanded = {**fixture("charge"), "payment_intent": {"id": "pi_2", "object": "payment_intent"}}
    assert Charge.from_stripe(expanded).payment_intent_id == "pi_2"


def test_a_refund_from_stripes_example():
    assert Refund.from_stripe(fixture("refund")) == Refund(
        id="re_1Pgc72B7WZ01zgkWqPvrRrPE", charge_id="ch_1PgafuB7WZ01zgkWXYmPNZs8"
    )


def test_a_dispute_from_stripes_example():
    assert Dispute.from_stripe(fixture("dispute")) == Dispute(
        id="dp_1Pgc71B7WZ01zgkWMevJiAUx",
        status="warning_needs_response",
        charge_id="ch_1PgafuB7WZ01zgkWXYmPNZs8",
        payment_intent_id="",
        metadata={},
        created=1234567890,
    )


def test_a_subscription_from_stripes_example():
    obj = fixture("subscription")
    subscription = Subscription.from_stripe(obj)
    assert subscription == Subscription(
        id="sub_1Pgc6rB7WZ01zgkWNy0Cn5nw",
        status="active",
        items=(
            SubscriptionItem(
                unit_amount=2000,
                quantity=1,
                id="si_QXhVnC2h0Jczwc",
                product_id="prod_QXg1hqf4jFNsqG",
                current_period_end=obj["items"]["data"][0]["current_period_end"],
            ),
        ),
        ended_at=obj["canceled_at"] or obj["ended_at"],
        paused=True,  # the example's pause_collection: mark_uncollectible, no resumes_at
        resumes_at=None,
    )
    obj.update(pause_collection={"behavior": "void", "resumes_at": 1800000000})
    assert Subscription.from_stripe(obj).resumes_at == 1800000000
    obj.update(pause_collection=None)
    assert not Subscription.from_stripe(obj).paused
    obj.update(canceled_at=None, ended_at=1700000000)
    assert Subscription.from_stripe(obj).ended_at == 1700000000


def test_a_portal_session_from_stripes_example():
    obj = fixture("billing_portal.session")
    assert PortalSession.from_stripe(obj) == PortalSession(id="bps_1Pgc7HB7WZ01zgkWNs8s9Auh", url=obj["url"])


@pytest.mark.parametrize(
    ("reader", "kind", "changes"),
    [
        (CheckoutSession, "checkout.session", {"metadata": ["gift_id", "1"]}),
        (CheckoutSession, "checkout.session", {"customer_details": "ada@example.com"}),
        (CheckoutSession, "checkout.session", {"customer_details": {"email": 5}}),
        (Invoice, "invoice", {"parent": "x"}),
        (Charge, "charge", {"metadata": "gift_id"}),
        (Subscription, "subscription", {"items": [1]}),
    ],
)
def test_a_field_of_a_type_stripe_never_sends_is_refused(reader, kind, changes):
    with pytest.raises(StripeObjectMalformed):
        reader.from_stripe({**fixture(kind), **changes})
    assert issubclass(StripeObjectMalformed, ValueError)  # the webhook answers 400 and keeps it for replay


# --- No Stripe dict in the services -------------------------------------------------------------


def _stripe_field_names() -> set[str]:
    """Every key of Stripe's examples of the objects the site reads, at any depth (not metadata's)."""
    names: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                names.add(key)
                if key != "metadata":
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for kind in KINDS:
        walk(fixture(kind))
    return names


def stripe_field_reads(source: str, *, fields: set[str]) -> list[str]:
    """`x["field"]` and `x.get("field")` in `source` where field is one of Stripe's field names."""
    reads = []
    for node in ast.walk(ast.parse(source)):
        key = None
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            key = node.slice.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "pop", "setdefault")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            key = node.args[0].value
        if isinstance(key, str) and key in fields:
            reads.append(f"line {node.lineno}: {key!r}")
    return reads


def stripe_imports(source: str) -> list[str]:
    """Imports of stripe-python, or of the raw shapes, in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.split(".")[0] == "stripe"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "stripe":
            found.append(node.module)
    return found


def test_the_services_never_index_a_stripe_object():
    fields = _stripe_field_names()
    assert {"customer_details", "amount_total", "object", "data", "parent", "payment_intent"} <= fields
    offences = {}
    for module in sorted(SERVICES.glob("*.py")):
        source = module.read_text(encoding="utf-8")
        found = stripe_field_reads(source, fields=fields) + stripe_imports(source)
        if found:
            offences[module.name] = found
    assert offences == {}


def test_the_check_finds_a_stripe_dict_read():
    """The check can fail: the reads the services made before the gateway returned types."""
    fields = _stripe_field_names()
    before = (
        'details = obj.get("customer_details") or {}\n'
        'session_id = session["id"]\n'
        'paid_at = (invoice.get("status_transitions") or {}).get("paid_at")\n'
        'report["errors"].append(metadata.get("gift_id"))\n'
        "import stripe\n"
    )
    assert sorted(stripe_field_reads(before, fields=fields)) == [
        "line 1: 'customer_details'",
        "line 2: 'id'",
        "line 3: 'paid_at'",
        "line 3: 'status_transitions'",
    ]
    assert stripe_imports(before) == ["stripe"]


def test_only_the_gateway_and_its_types_read_stripe_shapes():
    """stripe_types is where the field names live; nothing in it imports the rest of the site."""
    source = Path(stripe_types.__file__).read_text(encoding="utf-8")
    assert stripe_imports(source) == []
    assert "from django" not in source and "from ." not in source
