"""
A fake Stripe: a `stripe.HTTPClient` that answers stripe-python's requests from in-memory state
(sessions, customers, subscriptions, invoices, invoice payments, payment intents, charges,
refunds, disputes, events), every object built from Stripe's own example objects
(donations/stripe_fixtures/fixtures3.json) and never given a field the example lacks: each
object it returns and each event it builds is checked (`fields_not_in_fixture`), and kept in
`returned` for tests/donations/test_stripe_shapes.py.

Strict the way Stripe is: a request that names another API version than the site's pinned one,
an unknown parameter (checked against stripe-python's generated `*Params` types) or an
idempotency key reused with other parameters is answered 400, as Stripe answers it; list
filters and paging (`created`, `status`, `invoice`, `subscription`, `limit`, `starting_after`,
`ending_before`) are honoured, and a filter it does not implement is refused, not ignored.

Every request is recorded (method, path, decoded params, idempotency key, headers) so tests
assert exactly what the site sent. `fail_next()` makes the next request fail like Stripe would
(an error answer or a network timeout). Helpers do what Stripe does on its side (a donor pays, a
month is billed, Finance refunds in the Dashboard, a bank opens a dispute) and build and sign
events for posting through Django's test client.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import stripe
from stripe._request_options import RequestOptions
from typing_extensions import is_typeddict

from donations.stripe_fixtures import fields_not_in_fixture, fixture
from donations.stripe_gateway import STRIPE_API_VERSION
from tests.fakes.stripe_shapes import RecordedRequest, decode_form

__all__ = ["FakeStripe", "decode_form", "fixture"]


# --- Stripe's parameter schema, from stripe-python's generated TypedDicts ----------------------

_REQUEST_OPTIONS = frozenset(RequestOptions.__annotations__)


def _schema(typed_dict: type) -> dict[str, Any]:
    """{parameter: sub-schema or None} of a generated `*Params` TypedDict (None: any value)."""
    module = sys.modules[typed_dict.__module__]
    schema: dict[str, Any] = {}
    for name, annotation in typed_dict.__annotations__.items():
        if name in _REQUEST_OPTIONS:
            continue
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__forward_arg__", repr(annotation))
        child = None
        for word in re.findall(r"[A-Za-z_]\w*", text):
            candidate = getattr(module, word, None)
            if candidate is not None and candidate is not typed_dict and is_typeddict(candidate):
                child = _schema(candidate)
        schema[name] = child
    return schema


def _unknown_parameter(params: Any, schema: dict[str, Any] | None, prefix: str = "") -> str | None:
    if schema is None:
        return None
    if isinstance(params, list):
        for item in params:
            found = _unknown_parameter(item, schema, prefix + "[]")
            if found:
                return found
        return None
    if not isinstance(params, dict):
        return None
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else key
        if key not in schema:
            return name
        found = _unknown_parameter(value, schema[key], name)
        if found:
            return found
    return None


def _schemas() -> dict[tuple[str, str], dict[str, Any]]:
    from stripe.params import (
        ChargeRetrieveParams,
        InvoiceListParams,
        InvoicePaymentListParams,
        InvoiceRetrieveParams,
        RefundCreateParams,
        SubscriptionCancelParams,
        SubscriptionListParams,
        SubscriptionRetrieveParams,
        SubscriptionScheduleCreateParams,
        SubscriptionScheduleUpdateParams,
        SubscriptionUpdateParams,
    )
    from stripe.params.billing_portal import SessionCreateParams as PortalSessionCreateParams
    from stripe.params.checkout import (
        SessionCreateParams,
        SessionExpireParams,
        SessionListParams,
        SessionRetrieveParams,
    )

    return {
        ("POST", "checkout.sessions"): _schema(SessionCreateParams),
        ("GET", "checkout.sessions"): _schema(SessionListParams),
        ("GET", "checkout.session"): _schema(SessionRetrieveParams),
        ("POST", "checkout.session.expire"): _schema(SessionExpireParams),
        ("GET", "subscriptions"): _schema(SubscriptionListParams),
        ("GET", "subscription"): _schema(SubscriptionRetrieveParams),
        ("POST", "subscription"): _schema(SubscriptionUpdateParams),
        ("DELETE", "subscription"): _schema(SubscriptionCancelParams),
        ("GET", "invoices"): _schema(InvoiceListParams),
        ("GET", "invoice"): _schema(InvoiceRetrieveParams),
        ("GET", "invoice_payments"): _schema(InvoicePaymentListParams),
        ("GET", "charge"): _schema(ChargeRetrieveParams),
        ("POST", "billing_portal.sessions"): _schema(PortalSessionCreateParams),
        ("POST", "refunds"): _schema(RefundCreateParams),
        ("POST", "subscription_schedules"): _schema(SubscriptionScheduleCreateParams),
        ("POST", "subscription_schedule"): _schema(SubscriptionScheduleUpdateParams),
    }


_SCHEMAS: dict[tuple[str, str], dict[str, Any]] | None = None


def _error(status: int, type: str, message: str, **extra: Any) -> tuple[int, dict]:
    return status, {"error": {"type": type, "message": message, **extra}}


def assert_fixture_shaped(obj: dict) -> None:
    """Raise AssertionError if a Stripe object (or event, or list) has a field its example lacks."""
    kind = obj.get("object")
    if kind == "list":
        for item in obj.get("data") or []:
            assert_fixture_shaped(item)
        return
    if kind == "event":
        envelope = {**obj, "data": {key: {} for key in obj["data"]}}  # the object is checked on its own
        extra = fields_not_in_fixture(envelope, "event")
        assert not extra, f"event has fields Stripe's example lacks: {extra}"
        assert_fixture_shaped(obj["data"]["object"])
        return
    extra = fields_not_in_fixture(obj, kind)
    assert not extra, f"{kind} {obj.get('id')} has fields Stripe's example lacks: {extra}"


class FakeStripe(stripe.HTTPClient):
    name = "fake"

    def __init__(self, *, webhook_secret: str = "whsec_test_fake"):  # noqa: S107 - a test secret
        super().__init__()
        self.webhook_secret = webhook_secret
        self.requests: list[RecordedRequest] = []
        self.sessions: dict[str, dict] = {}
        self.customers: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.invoices: dict[str, dict] = {}
        self.invoice_payments: dict[str, dict] = {}
        self.payment_intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.disputes: dict[str, dict] = {}
        self.portal_sessions: dict[str, dict] = {}
        self.schedules: dict[str, dict] = {}
        self.events: list[dict] = []
        # Every object the fake answered with or put in an event, for the shape test.
        self.returned: list[dict] = []
        self._session_params: dict[str, dict] = {}
        self._idempotent: dict[str, tuple[str, str, dict, tuple]] = {}
        self._failures: list[dict] = []
        self._lost_responses = 0
        self._ids = itertools.count(1)
        self._order = itertools.count(1)
        self._created_order: dict[str, int] = {}

    # --- stripe.HTTPClient ---------------------------------------------------------------------

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        params = decode_form(post_data if method == "post" else parts.query)
        headers = dict(headers or {})
        key = headers.get("Idempotency-Key")
        self.requests.append(RecordedRequest(method.upper(), parts.path, params, key, headers))
        if self._failures:
            failure = self._failures.pop(0)
            if failure["kind"] == "timeout":
                raise stripe.APIConnectionError("Request timed out (fake)", should_retry=failure["should_retry"])
            body = {"error": {"type": failure["type"], "message": failure["message"], "code": failure["code"]}}
            return json.dumps(body), failure["status"], {"request-id": "req_fake", "stripe-should-retry": "false"}
        if method == "post" and key and key in self._idempotent:
            first_method, first_path, first_params, response = self._idempotent[key]
            if (first_method, first_path, first_params) != (method, parts.path, params):
                status, body = _error(
                    400,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters they were first used "
                    f"with. Try using a key other than '{key}' if you meant to execute a different request.",
                )
                return json.dumps(body), status, {"request-id": "req_fake_idem"}
        else:
            status, body = self._answer(method.upper(), parts.path, params, headers)
            if 200 <= status < 300:
                assert_fixture_shaped(body)
                self.returned.append(copy.deepcopy(body))
            response = (json.dumps(body), status, {"request-id": f"req_fake_{len(self.requests)}"})
            if method == "post" and key and status < 500:
                self._idempotent[key] = (method, parts.path, params, response)
        if self._lost_responses:
            self._lost_responses -= 1
            # Stripe did the work, but its answer never reached us (a read timeout).
            raise stripe.APIConnectionError("Read timed out after the request was sent (fake)", should_retry=True)
        return response

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):  # pragma: no cover
        raise NotImplementedError

    def close(self):
        pass

    # --- Simulated failures ----------------------------------------------------------------------

    def fail_next(
        self,
        *,
        status: int = 402,
        type: str = "card_error",
        code: str = "card_declined",
        message: str = "Your card was declined.",
        times: int = 1,
    ) -> None:
        for _ in range(times):
            self._failures.append({"kind": "error", "status": status, "type": type, "code": code, "message": message})

    def timeout_next(self, *, times: int = 1, should_retry: bool = True) -> None:
        for _ in range(times):
            self._failures.append({"kind": "timeout", "should_retry": should_retry})

    def lose_response_next(self, *, times: int = 1) -> None:
        """Carry out the next requests but time out before answering, as when a response is lost."""
        self._lost_responses += times

    # --- Queries for tests -----------------------------------------------------------------------

    def calls(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        return [r for r in self.requests if (method is None or r.method == method) and (path is None or r.path == path)]

    # --- Routing ---------------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        object_id = f"{prefix}_test_fake{next(self._ids):06d}"
        self._created_order[object_id] = next(self._order)
        return object_id

    @staticmethod
    def _missing(kind: str, object_id: str) -> tuple[int, dict]:
        return _error(404, "invalid_request_error", f"No such {kind}: '{object_id}'", code="resource_missing")

    def _answer(self, method: str, path: str, params: dict, headers: dict) -> tuple[int, dict]:
        version = headers.get("Stripe-Version")
        if version != STRIPE_API_VERSION:
            # The fake answers in the pinned version's shapes only; a request naming another (or
            # none, so the account's default) would get other shapes from the real Stripe.
            return _error(400, "invalid_request_error", f"Fake answers {STRIPE_API_VERSION} only, not {version!r}")
        segments = path.strip("/").split("/")
        if segments[0] != "v1":
            return _error(404, "invalid_request_error", f"Unrecognized request URL ({path})")
        resource = ".".join(segments[1:3]) if segments[1] in ("checkout", "billing_portal") else segments[1]
        rest = segments[3:] if segments[1] in ("checkout", "billing_portal") else segments[2:]
        kind = resource if not rest else {"checkout.sessions": "checkout.session"}.get(resource, resource[:-1])
        if kind == "checkout.session" and len(rest) == 2 and rest[1] == "expire":
            kind, rest = "checkout.session.expire", rest[:1]  # POST /v1/checkout/sessions/:id/expire
        global _SCHEMAS
        _SCHEMAS = _SCHEMAS or _schemas()
        schema = _SCHEMAS.get((method, kind))
        if schema is None or len(rest) > 1:
            return _error(404, "invalid_request_error", f"Unrecognized request URL ({method} {path})")
        unknown = _unknown_parameter(params, schema)
        if unknown:
            return _error(
                400,
                "invalid_request_error",
                f"Received unknown parameter: {unknown}",
                code="parameter_unknown",
                param=unknown,
            )
        if method == "POST":
            if kind == "checkout.session.expire":
                if rest[0] not in self.sessions:
                    return self._missing("checkout.session", rest[0])
                if self.sessions[rest[0]]["status"] != "open":
                    return _error(
                        400, "invalid_request_error", "Only Checkout Sessions with a status of open can be expired."
                    )
                return 200, self.expire_session(rest[0])
            if kind == "checkout.sessions":
                created = self._session_create(params)
                return created if isinstance(created, tuple) else (200, created)
            if kind == "billing_portal.sessions":
                return 200, self._portal_create(params)
            if kind == "subscription_schedules":
                return self._schedule_create(params)
            if kind == "subscription_schedule":
                return self._schedule_update(rest[0], params)
            if kind == "subscription":
                return self._subscription_update(rest[0], params)
            return self._refund_create(params)
        if method == "DELETE":
            return self._subscription_cancel(rest[0])
        if rest:
            store = {
                "checkout.session": self.sessions,
                "subscription": self.subscriptions,
                "invoice": self.invoices,
                "charge": self.charges,
            }
            obj = store[kind].get(rest[0])
            return (200, obj) if obj else self._missing(kind, rest[0])
        objects = {
            "checkout.sessions": self.sessions,
            "subscriptions": self.subscriptions,
            "invoices": self.invoices,
            "invoice_payments": self.invoice_payments,
        }[kind]
        return self._list(kind, list(objects.values()), path, params)

    # Which list filters the fake honours, per list; any other (valid) one is refused, not ignored.
    _FILTERS = {
        "checkout.sessions": {"created", "status", "subscription", "payment_intent", "customer"},
        "subscriptions": {"created", "status", "customer"},
        "invoices": {"created", "status", "subscription", "customer"},
        "invoice_payments": {"created", "status", "invoice", "payment"},
    }
    _PAGING = frozenset({"limit", "starting_after", "ending_before"})

    def _list(self, kind: str, objects: list[dict], path: str, params: dict) -> tuple[int, dict]:
        unsupported = set(params) - self._FILTERS[kind] - self._PAGING
        if unsupported:
            return _error(400, "invalid_request_error", f"Fake does not implement list filter(s) {sorted(unsupported)}")
        for name in self._FILTERS[kind] & set(params):
            wanted = params[name]
            if name == "created":
                objects = [o for o in objects if _in_range(o["created"], wanted)]
            elif name == "status" and kind == "subscriptions":
                if wanted == "all":
                    continue
                if wanted == "ended":
                    objects = [o for o in objects if o["status"] in ("canceled", "incomplete_expired")]
                else:
                    objects = [o for o in objects if o["status"] == wanted]
            elif name == "payment":
                objects = [o for o in objects if all(o["payment"].get(k) == v for k, v in wanted.items())]
            elif name == "subscription" and kind == "invoices":
                objects = [o for o in objects if _invoice_subscription(o) == wanted]
            else:
                objects = [o for o in objects if o.get(name) == wanted]
        if kind == "subscriptions" and "status" not in params:
            objects = [o for o in objects if o["status"] != "canceled"]  # Stripe's default
        objects = sorted(objects, key=lambda o: (o["created"], self._created_order.get(o["id"], 0)), reverse=True)
        ids = [o["id"] for o in objects]
        if "starting_after" in params:
            if params["starting_after"] not in ids:
                return self._missing(kind[:-1], params["starting_after"])
            objects = objects[ids.index(params["starting_after"]) + 1 :]
        elif "ending_before" in params:
            if params["ending_before"] not in ids:
                return self._missing(kind[:-1], params["ending_before"])
            objects = objects[: ids.index(params["ending_before"])]
        limit = int(params.get("limit", 10))
        if not 1 <= limit <= 100:
            return _error(400, "invalid_request_error", "Invalid integer: limit must be between 1 and 100")
        page = objects[-limit:] if "ending_before" in params else objects[:limit]
        return 200, {"object": "list", "url": path, "has_more": len(objects) > limit, "data": page}

    def _session_create(self, params: dict) -> dict:
        session = fixture("checkout.session")
        session_id = self._new_id("cs")
        now = int(time.time())
        # Stripe's rule for expires_at: 30 minutes to 24 hours after the session is created.
        expires_at = int(params["expires_at"]) if params.get("expires_at") not in (None, "") else now + 24 * 3600
        if not now + 30 * 60 <= expires_at <= now + 24 * 3600:
            return _error(
                400,
                "invalid_request_error",
                "The `expires_at` timestamp must be between 30 minutes and 24 hours after the session is created.",
            )
        line = params["line_items"][0]
        amount = int(line["price_data"]["unit_amount"]) * int(line.get("quantity", 1))
        session.update(
            id=session_id,
            url=f"https://checkout.stripe.com/c/pay/{session_id}",
            mode=params["mode"],
            submit_type=params.get("submit_type"),
            client_reference_id=params.get("client_reference_id"),
            metadata=params.get("metadata", {}),
            customer_email=params.get("customer_email"),
            customer_creation=params.get("customer_creation"),
            billing_address_collection=params.get("billing_address_collection"),
            locale=params.get("locale"),
            success_url=params["success_url"],
            cancel_url=params["cancel_url"],
            amount_total=amount,
            amount_subtotal=amount,
            currency=line["price_data"]["currency"],
            status="open",
            payment_status="unpaid",
            payment_intent=None,
            subscription=None,
            invoice=None,
            customer=None,
            customer_details=None,
            created=now,
            expires_at=expires_at,
            livemode=False,
        )
        # Stripe's after_expiration is null unless asked for; asked for, the URL comes at expiry.
        recovery = (params.get("after_expiration") or {}).get("recovery") or {}
        if str(recovery.get("enabled")).lower() == "true":
            session["after_expiration"]["recovery"].update(
                allow_promotion_codes=False, enabled=True, expires_at=None, url=None
            )
        else:
            session["after_expiration"] = None
        self.sessions[session_id] = session
        self._session_params[session_id] = params
        return session

    def _portal_create(self, params: dict) -> dict:
        portal = fixture("billing_portal.session")
        portal.update(
            id=self._new_id("bps"),
            customer=params["customer"],
            return_url=params.get("return_url"),
            created=int(time.time()),
            livemode=False,
        )
        portal["url"] = f"https://billing.stripe.com/p/session/{portal['id']}"
        self.portal_sessions[portal["id"]] = portal
        return portal

    def _schedule_create(self, params: dict) -> tuple[int, dict]:
        """POST /v1/subscription_schedules from_subscription: one phase, the subscription's current period."""
        subscription = self.subscriptions.get(params.get("from_subscription", ""))
        if subscription is None:
            return self._missing("subscription", params.get("from_subscription", ""))
        if subscription["schedule"]:
            return _error(
                400,
                "invalid_request_error",
                "You cannot migrate a subscription that is already attached to a schedule: "
                f"`{subscription['schedule']}`.",
            )
        item = subscription["items"]["data"][0]
        schedule = fixture("subscription_schedule")
        phase = schedule["phases"][0]
        phase_item = phase["items"][0]
        phase_item.update(price=item["price"]["id"], quantity=item["quantity"], plan=item["plan"])
        phase.update(
            items=[phase_item],
            start_date=item["current_period_start"],
            end_date=item["current_period_end"],
            currency=subscription["currency"],
        )
        schedule.update(
            id=self._new_id("sub_sched"),
            customer=subscription["customer"],
            subscription=subscription["id"],
            status="active",
            end_behavior="release",
            phases=[phase],
            current_phase={"start_date": phase["start_date"], "end_date": phase["end_date"]},
            canceled_at=None,
            completed_at=None,
            released_at=None,
            released_subscription=None,
            created=int(time.time()),
            livemode=False,
            metadata={},
        )
        subscription["schedule"] = schedule["id"]
        self.schedules[schedule["id"]] = schedule
        return 200, schedule

    def _schedule_update(self, schedule_id: str, params: dict) -> tuple[int, dict]:
        """POST /v1/subscription_schedules/:id: end_behavior and phases (a phase's `duration` sets its end_date)."""
        schedule = self.schedules.get(schedule_id)
        if schedule is None:
            return self._missing("subscription_schedule", schedule_id)
        if "end_behavior" in params:
            schedule["end_behavior"] = params["end_behavior"]
        if "phases" in params:
            phases = []
            template = schedule["phases"][0]
            for wanted in params["phases"]:
                if "duration" in wanted and "end_date" in wanted:
                    return _error(400, "invalid_request_error", "You cannot set both `end_date` and `duration`.")
                phase = copy.deepcopy(template)
                start = int(wanted.get("start_date", template["start_date"]))
                if "duration" in wanted:
                    duration = wanted["duration"]
                    months = int(duration.get("interval_count", 1)) * {"month": 1, "year": 12}[duration["interval"]]
                    end = _add_months(start, months)
                else:
                    end = int(wanted["end_date"])
                items = [
                    {**template["items"][0], "price": i["price"], "quantity": int(i.get("quantity", 1))}
                    for i in wanted["items"]
                ]
                phase.update(start_date=start, end_date=end, items=items)
                phases.append(phase)
            schedule["phases"] = phases
        return 200, schedule

    def _subscription_update(self, subscription_id: str, params: dict) -> tuple[int, dict]:
        """
        POST /v1/subscriptions/:id: the one item's price (price_data, a new price; quantity 1),
        trial_end, and pause_collection (an object, or "" to unset). Only fields the fixture has.
        """
        subscription = self.subscriptions.get(subscription_id)
        if subscription is None:
            return self._missing("subscription", subscription_id)
        if subscription["status"] == "canceled":
            return _error(
                400,
                "invalid_request_error",
                "A canceled subscription can only update its cancellation_details and metadata.",
            )
        for wanted in params.get("items", []):
            [item] = [i for i in subscription["items"]["data"] if i["id"] == wanted.get("id")] or [None]
            if item is None:
                return _error(400, "invalid_request_error", f"No such subscription item: {wanted.get('id')!r}")
            data = wanted.get("price_data")
            if data:
                recurring = data["recurring"]
                interval, count = recurring["interval"], int(recurring.get("interval_count", 1))
                price_id = self._new_id("price")
                item["price"].update(
                    id=price_id,
                    unit_amount=int(data["unit_amount"]),
                    currency=data["currency"],
                    product=data["product"],
                )
                item["price"]["recurring"].update(interval=interval, interval_count=count)
                item["plan"].update(
                    id=price_id, amount=int(data["unit_amount"]), interval=interval, interval_count=count
                )
                item["quantity"] = 1
        if "trial_end" in params:
            subscription.update(trial_end=int(params["trial_end"]), status="trialing")
        if "pause_collection" in params:
            pause = params["pause_collection"]
            subscription["pause_collection"] = (
                {
                    "behavior": pause["behavior"],
                    "resumes_at": int(pause["resumes_at"]) if pause.get("resumes_at") else None,
                }
                if pause
                else None
            )
        return 200, subscription

    def _subscription_cancel(self, subscription_id: str) -> tuple[int, dict]:
        """DELETE /v1/subscriptions/:id: cancelled now."""
        subscription = self.subscriptions.get(subscription_id)
        if subscription is None:
            return self._missing("subscription", subscription_id)
        if subscription["status"] == "canceled":
            return _error(400, "invalid_request_error", "This subscription has already been canceled.")
        now = int(time.time())
        subscription.update(status="canceled", canceled_at=now, ended_at=now)
        return 200, subscription

    def bill_next_period(self, subscription_id: str, *, paid: bool = True) -> dict | None:
        """
        The subscription's next period begins, as Stripe does it: past the end of a schedule that
        ends with `cancel`, the subscription is cancelled instead (returned None; the subscription
        then reads status "canceled", for a customer.subscription.deleted event); otherwise its
        invoice, paid unless paid=False.
        """
        subscription = self.subscriptions[subscription_id]
        item = subscription["items"]["data"][0]
        recurring = item["price"]["recurring"]
        months = int(recurring["interval_count"]) * {"month": 1, "year": 12}[recurring["interval"]]
        start, end = item["current_period_end"], _add_months(item["current_period_end"], months)
        schedule = self.schedules.get(subscription["schedule"] or "")
        if schedule and start >= schedule["phases"][-1]["end_date"] and schedule["end_behavior"] == "cancel":
            now = int(time.time())
            subscription.update(status="canceled", canceled_at=now, ended_at=now)
            schedule.update(status="completed", completed_at=now, current_phase=None)
            return None
        item.update(current_period_start=start, current_period_end=end)
        return self.invoice_for(subscription_id, paid=paid)

    def _refund_create(self, params: dict) -> tuple[int, dict]:
        intent = self.payment_intents.get(params.get("payment_intent", ""))
        if intent is None:
            return self._missing("payment_intent", params.get("payment_intent", ""))
        charge = self.charges[intent["latest_charge"]]
        amount = int(params.get("amount", charge["amount"] - charge["amount_refunded"]))
        if amount > charge["amount"] - charge["amount_refunded"]:
            return _error(
                400,
                "invalid_request_error",
                "Refund amount is greater than unrefunded amount on charge",
                code="amount_too_large",
            )
        refund = self.refund(intent["id"], amount, reason=params.get("reason"), metadata=params.get("metadata", {}))
        return 200, refund

    # --- What Stripe does on its side -------------------------------------------------------------

    def expire_session(self, session_id: str) -> dict:
        """The session's 24 hours ran out unpaid; if recovery was asked for, Checkout attaches its link."""
        session = self.sessions[session_id]
        session.update(status="expired")
        recovery = (session.get("after_expiration") or {}).get("recovery")
        if recovery and recovery["enabled"]:
            recovery.update(
                url=f"https://buy.stripe.com/r/live_{session_id[-12:]}", expires_at=int(time.time()) + 30 * 86400
            )
        return session

    def recover_session(self, expired_id: str) -> dict:
        """The donor opened the recovery link: Checkout makes a new session, a copy of the expired one."""
        params = dict(self._session_params[expired_id])
        params.pop("after_expiration", None)
        params.pop("expires_at", None)  # the copy has its own 24 hours
        session = self._session_create(params)
        assert isinstance(session, dict)
        session["recovered_from"] = expired_id
        return session

    def complete_session(
        self,
        session_id: str,
        *,
        email: str = "ada@example.com",
        name: str = "Ada Lovelace",
        payment_status: str = "paid",
        address: dict | None = None,
    ) -> dict:
        """
        The donor paid: the session completes, with its payment intent and charge (or subscription).
        With billing_address_collection=required, Checkout made the donor give `address` (the
        fixture's address keys: line1, line2, city, state, postal_code, country).
        """
        session = self.sessions[session_id]
        params = self._session_params[session_id]
        customer = fixture("customer")
        customer.update(id=self._new_id("cus"), email=email, name=name, created=int(time.time()), livemode=False)
        self.customers[customer["id"]] = customer
        details = fixture("checkout.session")["customer_details"]
        details.update(email=email, name=name)
        if session.get("billing_address_collection") == "required":
            given = address or {"line1": "12 Elm St", "city": "Hartford", "state": "CT", "postal_code": "06106"}
            assert set(given) <= set(details["address"]), "not a field of Stripe's address"
            details["address"] = {**details["address"], "country": "US", **given}
        session.update(
            status="complete", payment_status=payment_status, customer=customer["id"], customer_details=details
        )
        if session["mode"] == "payment":
            intent, _charge = self._payment(
                session["amount_total"], customer["id"], params.get("payment_intent_data", {}).get("metadata", {})
            )
            session["payment_intent"] = intent["id"]
        else:
            subscription = fixture("subscription")
            subscription.update(
                id=self._new_id("sub"),
                customer=customer["id"],
                status="active",
                metadata=params.get("subscription_data", {}).get("metadata", {}),
                created=int(time.time()),
                start_date=int(time.time()),
                canceled_at=None,
                cancel_at=None,
                ended_at=None,
                schedule=None,
                pause_collection=None,
                trial_end=None,
                livemode=False,
            )
            item = subscription["items"]["data"][0]
            recurring = params["line_items"][0]["price_data"]["recurring"]
            interval, count = recurring["interval"], int(recurring.get("interval_count", 1))
            now = int(time.time())
            item.update(
                quantity=1,
                subscription=subscription["id"],
                current_period_start=now,
                current_period_end=_add_months(now, count * {"month": 1, "year": 12}[interval]),
            )
            item["price"].update(
                id=self._new_id("price"), unit_amount=session["amount_total"], currency=session["currency"]
            )
            item["price"]["recurring"].update(interval=interval, interval_count=count)
            item["plan"].update(
                id=item["price"]["id"], amount=session["amount_total"], interval=interval, interval_count=count
            )
            subscription["items"]["data"] = [item]
            self.subscriptions[subscription["id"]] = subscription
            session["subscription"] = subscription["id"]
            invoice = self.invoice_for(subscription["id"], billing_reason="subscription_create")
            session["invoice"] = invoice["id"]
            subscription["latest_invoice"] = invoice["id"]
        return session

    def _payment(
        self, amount: int, customer_id: str, metadata: dict, *, created: int | None = None
    ) -> tuple[dict, dict]:
        intent = fixture("payment_intent")
        charge = fixture("charge")
        created = created or int(time.time())
        intent.update(
            id=self._new_id("pi"),
            amount=amount,
            amount_received=amount,
            customer=customer_id,
            status="succeeded",
            metadata=metadata,
            created=created,
            livemode=False,
        )
        charge.update(
            id=self._new_id("ch"),
            amount=amount,
            amount_captured=amount,
            amount_refunded=0,
            refunded=False,
            captured=True,
            payment_intent=intent["id"],
            customer=customer_id,
            metadata=metadata,
            created=created,
            livemode=False,
        )
        intent["latest_charge"] = charge["id"]
        self.payment_intents[intent["id"]] = intent
        self.charges[charge["id"]] = charge
        return intent, charge

    def invoice_for(
        self,
        subscription_id: str,
        *,
        billing_reason: str = "subscription_cycle",
        paid: bool = True,
        amount: int | None = None,
        created: int | None = None,
    ) -> dict:
        """
        An invoice of the subscription, as webhooks carry it: no payment intent, no charge, no
        `payments` (reached only through the Invoice Payments API). Paid now unless paid=False;
        amount=0 makes a $0 invoice (a credit balance or coupon), paid with no payment at all.
        """
        subscription = self.subscriptions[subscription_id]
        session = next(s for s in self.sessions.values() if s.get("subscription") == subscription_id)
        amount = session["amount_total"] if amount is None else amount
        invoice = fixture("invoice")
        created = created or int(time.time())
        details = session.get("customer_details") or {}
        invoice.update(
            id=self._new_id("in"),
            customer=subscription["customer"],
            customer_email=details.get("email"),
            customer_name=details.get("name"),
            amount_due=amount,
            amount_paid=0,
            amount_remaining=amount,
            billing_reason=billing_reason,
            status="open",
            currency="usd",
            created=created,
            livemode=False,
            metadata={},
            parent={
                "type": "subscription_details",
                "quote_details": None,
                "subscription_details": {"subscription": subscription_id, "metadata": subscription["metadata"]},
            },
        )
        invoice["status_transitions"].update(finalized_at=created, paid_at=None)
        self.invoices[invoice["id"]] = invoice
        if paid:
            self.pay_invoice(invoice["id"], at=created)
        return invoice

    def pay_invoice(self, invoice_id: str, *, at: int | None = None) -> dict:
        """The invoice is paid (its first attempt, or a retry days later): a payment intent, and its invoice payment."""
        invoice = self.invoices[invoice_id]
        at = at or int(time.time())
        amount = invoice["amount_due"]
        invoice.update(status="paid", amount_paid=amount, amount_remaining=0, attempted=True)
        invoice["status_transitions"]["paid_at"] = at
        if amount > 0:
            intent, _charge = self._payment(amount, invoice["customer"], {}, created=at)
            payment = fixture("invoice_payment")
            payment.update(
                id=self._new_id("inpay"),
                invoice=invoice_id,
                amount_paid=amount,
                amount_requested=amount,
                currency="usd",
                created=at,
                is_default=True,
                livemode=False,
                status="paid",
                payment={"type": "payment_intent", "payment_intent": intent["id"]},
            )
            payment["status_transitions"] = {"canceled_at": None, "paid_at": at}
            self.invoice_payments[payment["id"]] = payment
        return invoice

    def invoice_payment_intent(self, invoice_id: str) -> str:
        """The payment intent that paid an invoice (what the site must ask the Invoice Payments API for)."""
        return next(
            p["payment"]["payment_intent"] for p in self.invoice_payments.values() if p["invoice"] == invoice_id
        )

    def refund(self, payment_intent_id: str, amount: int, *, reason=None, metadata=None, status="succeeded") -> dict:
        """A refund of the payment (from the site's request, or made in the Dashboard): returns it; the charge moves."""
        intent = self.payment_intents[payment_intent_id]
        charge = self.charges[intent["latest_charge"]]
        refund = fixture("refund")
        refund.update(
            id=self._new_id("re"),
            amount=amount,
            charge=charge["id"],
            payment_intent=intent["id"],
            currency=charge["currency"],
            reason=reason,
            metadata=metadata or {},
            status=status,
            created=int(time.time()),
        )
        self.refunds[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        return refund

    def refund_fails(self, refund_id: str, *, status: str = "failed") -> dict:
        """The refund failed (or was cancelled) after it was made: the money stays with the foundation."""
        refund = self.refunds[refund_id]
        refund["status"] = status
        charge = self.charges[refund["charge"]]
        charge["amount_refunded"] -= refund["amount"]
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        return refund

    def charge_of(self, payment_intent_id: str) -> dict:
        return self.charges[self.payment_intents[payment_intent_id]["latest_charge"]]

    def dispute(self, payment_intent_id: str, *, status: str = "needs_response") -> dict:
        """The donor's bank disputes the payment; close it later with close_dispute()."""
        charge = self.charge_of(payment_intent_id)
        dispute = fixture("dispute")
        dispute.update(
            id=self._new_id("dp"),
            amount=charge["amount"],
            charge=charge["id"],
            payment_intent=payment_intent_id,
            currency=charge["currency"],
            status=status,
            reason="fraudulent",
            created=int(time.time()),
            livemode=False,
            is_charge_refundable=False,
        )
        charge["disputed"] = True
        self.disputes[dispute["id"]] = dispute
        return dispute

    def close_dispute(self, dispute_id: str, *, status: str = "won") -> dict:
        dispute = self.disputes[dispute_id]
        dispute["status"] = status
        return dispute

    # --- Events ----------------------------------------------------------------------------------

    def event(self, type: str, obj: dict, *, event_id: str | None = None, hostile: bool = False) -> dict:
        """
        An event of the pinned API version, as Stripe sends it: data holds the object alone.
        hostile=True: a signed payload that is deliberately not Stripe's shape (tests of bad
        input); its object is not checked against the examples, and it is not kept in `returned`.
        """
        event = fixture("event")
        event.update(
            id=event_id or self._new_id("evt"),
            type=type,
            data={"object": copy.deepcopy(obj)},
            created=int(time.time()),
            livemode=False,
            pending_webhooks=1,
            api_version=STRIPE_API_VERSION,
        )
        if not hostile:
            assert_fixture_shaped(event)
            self.returned.append(copy.deepcopy(event))
        self.events.append(event)
        return event

    def sign(self, payload: str, *, timestamp: int | None = None, secret: str | None = None) -> str:
        return stripe.WebhookSignature.generate_signature_header(
            payload, secret or self.webhook_secret, timestamp=timestamp or int(time.time())
        )

    def post(self, client, event_or_payload: dict | str | bytes, *, signature: str | None = None, **kwargs):
        """Post an event to /stripe/webhook/ through Django's test client, signed unless told otherwise."""
        if isinstance(event_or_payload, dict):
            payload = json.dumps(event_or_payload)
        elif isinstance(event_or_payload, bytes):
            payload = event_or_payload.decode("utf-8", "replace")
        else:
            payload = event_or_payload
        headers = {}
        sig = signature if signature is not None else self.sign(payload)
        if sig:
            headers["HTTP_STRIPE_SIGNATURE"] = sig
        body = event_or_payload if isinstance(event_or_payload, bytes) else payload.encode()
        return client.post("/stripe/webhook/", data=body, content_type="application/json", **headers, **kwargs)


def _add_months(timestamp: int, months: int) -> int:
    """A Unix time plus whole months (same day of the month, or the month's last), in UTC, as Stripe bills."""
    import calendar
    import datetime

    moment = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    moment = moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))
    return int(moment.timestamp())


def _in_range(value: int, wanted: Any) -> bool:
    if not isinstance(wanted, dict):
        return value == int(wanted)
    checks = {"gt": value.__gt__, "gte": value.__ge__, "lt": value.__lt__, "lte": value.__le__}
    return all(checks[op](int(bound)) for op, bound in wanted.items())


def _invoice_subscription(invoice: dict) -> str | None:
    return ((invoice.get("parent") or {}).get("subscription_details") or {}).get("subscription")
