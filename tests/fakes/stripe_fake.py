"""
A fake Stripe of the project's own: a `stripe.HTTPClient` that answers stripe-python's requests
from in-memory state (sessions, customers, subscriptions, invoices, payment intents, charges,
refunds, events), shaped from Stripe's own example objects in /work/shared/stripe/fixtures3.json.

Every request is recorded (method, path, decoded params, idempotency key) so tests assert exactly
what the site sent. `fail_next()` makes the next request fail like Stripe would (an error answer
or a network timeout). Helpers build and sign events for posting through Django's test client.
"""

from __future__ import annotations

import copy
import itertools
import json
import time
from urllib.parse import urlsplit

import stripe

from tests.fakes.stripe_shapes import RecordedRequest, decode_form, fixture


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
        self.payment_intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.portal_sessions: dict[str, dict] = {}
        self.events: list[dict] = []
        self._idempotent: dict[str, tuple[str, int, dict]] = {}
        self._failures: list[dict] = []
        self._lost_responses = 0
        self._ids = itertools.count(1)

    # --- stripe.HTTPClient ---------------------------------------------------------------------

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        params = decode_form(post_data if method == "post" else parts.query)
        key = (headers or {}).get("Idempotency-Key")
        self.requests.append(RecordedRequest(method.upper(), parts.path, params, key, dict(headers or {})))
        if self._failures:
            failure = self._failures.pop(0)
            if failure["kind"] == "timeout":
                raise stripe.APIConnectionError("Request timed out (fake)", should_retry=failure["should_retry"])
            body = {"error": {"type": failure["type"], "message": failure["message"], "code": failure["code"]}}
            return json.dumps(body), failure["status"], {"request-id": "req_fake", "stripe-should-retry": "false"}
        if method == "post" and key and key in self._idempotent:
            response = self._idempotent[key]
        else:
            status, body = self._route(method.upper(), parts.path, params)
            response = (json.dumps(body), status, {"request-id": f"req_fake_{len(self.requests)}"})
            if method == "post" and key and status < 500:
                self._idempotent[key] = response
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
        return f"{prefix}_test_fake{next(self._ids):06d}"

    @staticmethod
    def _missing(kind: str, object_id: str) -> tuple[int, dict]:
        return 404, {
            "error": {
                "type": "invalid_request_error",
                "code": "resource_missing",
                "message": f"No such {kind}: '{object_id}'",
            }
        }

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        segments = path.strip("/").split("/")
        if segments[:3] == ["v1", "checkout", "sessions"]:
            if method == "POST" and len(segments) == 3:
                return 200, self._session_create(params)
            if method == "GET" and len(segments) == 4:
                session = self.sessions.get(segments[3])
                return (200, session) if session else self._missing("checkout.session", segments[3])
            if method == "GET" and len(segments) == 3:
                return 200, self._list(list(self.sessions.values()), path, params)
        if segments[:2] == ["v1", "subscriptions"]:
            if method == "GET" and len(segments) == 3:
                sub = self.subscriptions.get(segments[2])
                return (200, sub) if sub else self._missing("subscription", segments[2])
            if method == "GET" and len(segments) == 2:
                return 200, self._list(list(self.subscriptions.values()), path, params)
        if segments == ["v1", "invoices"] and method == "GET":
            invoices = [i for i in self.invoices.values() if params.get("status") in (None, i["status"])]
            return 200, self._list(invoices, path, params)
        if segments == ["v1", "billing_portal", "sessions"] and method == "POST":
            portal = fixture("billing_portal.session")
            portal.update(id=self._new_id("bps"), customer=params["customer"], return_url=params.get("return_url"))
            portal["url"] = f"https://billing.stripe.com/p/session/{portal['id']}"
            self.portal_sessions[portal["id"]] = portal
            return 200, portal
        if segments == ["v1", "refunds"] and method == "POST":
            return self._refund_create(params)
        return 404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL ({path})"}}

    def _list(self, objects: list[dict], path: str, params: dict) -> dict:
        objects = sorted(objects, key=lambda o: o["created"], reverse=True)
        if "starting_after" in params:
            ids = [o["id"] for o in objects]
            objects = objects[ids.index(params["starting_after"]) + 1 :]
        limit = int(params.get("limit", 10))
        return {"object": "list", "url": path, "has_more": len(objects) > limit, "data": objects[:limit]}

    def _session_create(self, params: dict) -> dict:
        session = fixture("checkout.session")
        session_id = self._new_id("cs")
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
            created=int(time.time()),
            livemode=False,
        )
        self.sessions[session_id] = session
        self._session_params = getattr(self, "_session_params", {})
        self._session_params[session_id] = params
        return session

    def _refund_create(self, params: dict) -> tuple[int, dict]:
        intent = self.payment_intents.get(params.get("payment_intent", ""))
        if intent is None:
            return self._missing("payment_intent", params.get("payment_intent", ""))
        charge = self.charges[intent["latest_charge"]]
        amount = int(params.get("amount", charge["amount"] - charge["amount_refunded"]))
        if amount > charge["amount"] - charge["amount_refunded"]:
            return 400, {
                "error": {
                    "type": "invalid_request_error",
                    "code": "amount_too_large",
                    "message": "Refund amount is greater than unrefunded amount on charge",
                }
            }
        refund = fixture("refund")
        refund.update(
            id=self._new_id("re"),
            amount=amount,
            charge=charge["id"],
            payment_intent=intent["id"],
            reason=params.get("reason"),
            metadata=params.get("metadata", {}),
            created=int(time.time()),
        )
        self.refunds[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        return 200, refund

    # --- What Stripe does while the donor is on Checkout ------------------------------------------

    def complete_session(
        self,
        session_id: str,
        *,
        email: str = "ada@example.com",
        name: str = "Ada Lovelace",
        payment_status: str = "paid",
    ) -> dict:
        """The donor paid: the session completes, with its payment intent and charge (or subscription)."""
        session = self.sessions[session_id]
        params = self._session_params[session_id]
        customer = fixture("customer")
        customer.update(id=self._new_id("cus"), email=email, name=name)
        self.customers[customer["id"]] = customer
        session.update(
            status="complete",
            payment_status=payment_status,
            customer=customer["id"],
            customer_details={**(session.get("customer_details") or {}), "email": email, "name": name},
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
                canceled_at=None,
                cancel_at=None,
                ended_at=None,
            )
            item = subscription["items"]["data"][0]
            item.update(quantity=1, subscription=subscription["id"])
            item["price"].update(unit_amount=session["amount_total"], currency=session["currency"])
            subscription["items"]["data"] = [item]
            self.subscriptions[subscription["id"]] = subscription
            session["subscription"] = subscription["id"]
            invoice = self.invoice_for(subscription["id"], billing_reason="subscription_create")
            session["invoice"] = invoice["id"]
            subscription["latest_invoice"] = invoice["id"]
        return session

    def _payment(self, amount: int, customer_id: str, metadata: dict) -> tuple[dict, dict]:
        intent = fixture("payment_intent")
        charge = fixture("charge")
        intent.update(
            id=self._new_id("pi"), amount=amount, amount_received=amount, customer=customer_id, status="succeeded"
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
            created=int(time.time()),
        )
        intent["created"] = charge["created"]
        intent["latest_charge"] = charge["id"]
        self.payment_intents[intent["id"]] = intent
        self.charges[charge["id"]] = charge
        return intent, charge

    def invoice_for(self, subscription_id: str, *, billing_reason: str = "subscription_cycle", paid=True) -> dict:
        """A (paid) invoice of the subscription, with its payment: the first one, or a later month's."""
        subscription = self.subscriptions[subscription_id]
        session = next(s for s in self.sessions.values() if s.get("subscription") == subscription_id)
        amount = session["amount_total"]
        intent, _charge = self._payment(amount, subscription["customer"], {})
        invoice = fixture("invoice")
        invoice.update(
            id=self._new_id("in"),
            customer=subscription["customer"],
            customer_email=(session.get("customer_details") or {}).get("email"),
            customer_name=(session.get("customer_details") or {}).get("name"),
            amount_due=amount,
            amount_paid=amount if paid else 0,
            amount_remaining=0 if paid else amount,
            billing_reason=billing_reason,
            status="paid" if paid else "open",
            currency="usd",
            created=int(time.time()),
            parent={
                "type": "subscription_details",
                "quote_details": None,
                "subscription_details": {"subscription": subscription_id, "metadata": subscription["metadata"]},
            },
            payments={
                "object": "list",
                "data": [{"payment": {"type": "payment_intent", "payment_intent": intent["id"]}, "status": "paid"}],
            },
        )
        self.invoices[invoice["id"]] = invoice
        return invoice

    # --- Events ----------------------------------------------------------------------------------

    def event(self, type: str, obj: dict, *, event_id: str | None = None, **extra) -> dict:
        event = fixture("event")
        event.update(
            id=event_id or self._new_id("evt"),
            type=type,
            data={"object": copy.deepcopy(obj), **extra},
            created=int(time.time()),
            livemode=False,
            api_version="2025-09-30.clover",
        )
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
