"""
Privacy in logs: every record logged (any logger, DEBUG and up) during a whole gift and a whole
Destination Care inquiry carries no donor or family detail and no secret; and the redacting
filter catches them when someone else's code logs them anyway.
"""

import io
import json
import logging
import re
from pathlib import Path

import pytest
from django.core import mail

from config.logging import JsonFormatter, RedactingFilter, logging_config, redact
from donations.models import Gift
from tests.donations import conftest as donation_fixtures
from tests.donations.conftest import form_data
from tests.factories import CampaignFactory

# The donations app's fixtures (fake Stripe, signed deliveries), for this module's tests.
fake_stripe = donation_fixtures.fake_stripe
deliver = donation_fixtures.deliver
start_gift = donation_fixtures.start_gift
paid_gift = donation_fixtures.paid_gift

ROOT = Path(__file__).resolve().parents[1]

DONOR = {
    "email": "grace.hopper@example.net",
    "name": "Grace Brewster Hopper",
    "display_name": "The Hopperfamily",
    "message": "For the infusion nurses, with love from Arlington",
    "honoree_name": "Walter Murrayhonoree",
    "honoree_email": "walter.murray@example.net",
}
FAMILY = {
    "contact_name": "Adaeze Okonkwo",
    "email": "adaeze.family@example.com",
    "phone": "0803 123 4567",
    "condition": "Ventricular septal defect",
    "details": "Our cardiologist in Enugu suggested surgery before winter",
}


def _record_texts(record: logging.LogRecord) -> list[str]:
    texts = [record.getMessage(), repr(record.args)]
    texts += [repr(value) for key, value in record.__dict__.items() if key not in ("args", "msg")]
    if record.exc_info:
        texts.append(logging.Formatter().formatException(record.exc_info))
    return texts


def _assert_nothing_private(records, forbidden: list[str]) -> None:
    assert records, "no log record was captured: the test would prove nothing"
    leaks = [
        (record.name, record.getMessage()[:200], secret)
        for record in records
        for text in _record_texts(record)
        for secret in forbidden
        if secret.lower() in text.lower()
    ]
    assert leaks == []


@pytest.fixture
def json_output():
    """The production handler (JSON, redacting) on the root logger, writing to a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


@pytest.mark.django_db
def test_a_whole_gift_logs_no_donor_detail_and_no_secret(
    client,
    fake_stripe,
    deliver,
    caplog,
    settings,
    json_output,
    django_capture_on_commit_callbacks,
):
    caplog.set_level(logging.DEBUG)  # the root logger, so every logger's records reach caplog
    campaign = CampaignFactory()
    data = form_data(
        campaign,
        display_name=DONOR["display_name"],
        message=DONOR["message"],
        dedication="honor",
        honoree_name=DONOR["honoree_name"],
        honoree_email=DONOR["honoree_email"],
    )

    response = client.post("/donate/", data)
    assert response.status_code == 303
    gift = Gift.objects.get()
    session = fake_stripe.complete_session(gift.stripe_checkout_session_id, email=DONOR["email"], name=DONOR["name"])
    assert deliver("checkout.session.completed", session).status_code == 200
    # The thank-you page re-reads the session; a Stripe outage there is logged (a warning) too.
    fake_stripe.timeout_next(times=3, should_retry=False)
    assert client.get(f"/donate/thanks/?session_id={session['id']}").status_code == 200
    gift.refresh_from_db()
    assert gift.status == Gift.Status.SUCCEEDED

    assert [m.to for m in mail.outbox] == [[DONOR["email"]], [DONOR["honoree_email"]]]
    forbidden = [*DONOR.values(), settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET, settings.SECRET_KEY]
    _assert_nothing_private(caplog.records, forbidden)
    output = json_output.getvalue()
    assert output.count("\n") == len(caplog.records)
    for line in output.splitlines():
        assert set(json.loads(line)) >= {"time", "level", "logger", "message"}
    assert not [secret for secret in forbidden if secret.lower() in output.lower()]


@pytest.mark.django_db
def test_a_failed_receipt_logs_the_error_type_not_the_address(
    fake_stripe,
    paid_gift,
    caplog,
    monkeypatch,
):
    from django.core.management import call_command

    from donations import receipts

    def refused(**kwargs):
        import smtplib

        raise smtplib.SMTPRecipientsRefused({DONOR["email"]: (550, b"5.1.1 <grace.hopper@example.net>: unknown")})

    monkeypatch.setattr(receipts, "_send", refused)
    caplog.set_level(logging.DEBUG)
    gift = paid_gift(CampaignFactory())
    Gift.objects.filter(pk=gift.pk).update(donor_email=DONOR["email"], receipt_sent_at=None, receipt_attempts=0)
    call_command("send_pending_receipts")

    assert Gift.objects.get(pk=gift.pk).receipt_attempts == 1
    assert "SMTPRecipientsRefused" in caplog.text
    _assert_nothing_private(caplog.records, [DONOR["email"]])


@pytest.mark.django_db
def test_a_whole_inquiry_logs_no_family_detail(
    client, caplog, settings, json_output, django_capture_on_commit_callbacks
):
    settings.DESTINATION_NOTIFY_EMAILS = ["coordinators@example.org"]
    caplog.set_level(logging.DEBUG)
    data = {
        **FAMILY,
        "country": "NG",
        "preferred_contact": "phone",
        "preferred_language": "en",
        "age_value": "4",
        "age_unit": "years",
        "specialty": "cardiology",
        "consent": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/destination-care/inquiry/", data)

    assert response.status_code == 303
    assert len(mail.outbox) == 2  # the coordinators' notice and the family's confirmation
    # Also an invalid submission (its errors page) and one over the limit.
    client.post("/destination-care/inquiry/", {**data, "email": "not-an-email " + FAMILY["email"]})
    forbidden = [*FAMILY.values(), "0803", settings.SECRET_KEY]
    _assert_nothing_private(caplog.records, forbidden)
    assert not [secret for secret in forbidden if secret.lower() in json_output.getvalue().lower()]


# --- The redacting filter and the JSON format ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("receipt to ada.l@example.co.uk refused", "receipt to [email] refused"),
        ("card 4242 4242 4242 4242 and 4000-0566-5566-5556", "card [card-number] and [card-number]"),
        ("pan 378282246310005", "pan [card-number]"),
        ("key sk_live_51Habc123 and rk_test_9xyz876", "key [stripe-key] and [stripe-key]"),
        ("secret whsec_1a2b3c4d5e", "secret [stripe-webhook-secret]"),
        ("smtp://mailer:hunter2@smtp.example.org:587", "smtp://[credentials]@smtp.example.org:587"),
        ("gift 1234 session cs_test_fake000001 at 1800000000", "gift 1234 session cs_test_fake000001 at 1800000000"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_redact_removes_configured_secrets_in_any_form(settings):
    settings.STRIPE_SECRET_KEY = "an-odd-secret-format-0001"
    assert redact("calling with an-odd-secret-format-0001") == "calling with [redacted]"


def test_filter_redacts_message_args_extras_and_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.privacy")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError("bad address bob@example.com")
        except ValueError:
            logger.exception(
                "gift %s for %s",
                7,
                "bob@example.com",
                extra={"donor_email": "bob@example.com", "gift_id": 7, "meta": {"phone": "555", "id": "g"}},
            )
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    entry = json.loads(stream.getvalue())
    assert entry["message"] == "gift 7 for [email]"
    assert entry["donor_email"] == "[redacted]"
    assert entry["gift_id"] == 7
    assert entry["meta"] == {"phone": "[redacted]", "id": "g"}
    assert entry["level"] == "ERROR" and entry["logger"] == "tests.privacy"
    assert "ValueError: bad address [email]" in entry["exception"]
    assert "bob@example.com" not in stream.getvalue()


def test_log_format_setting_selects_the_formatter():
    assert logging_config(log_format="json", level="INFO")["handlers"]["console"]["formatter"] == "json"
    assert logging_config(log_format="plain", level="INFO")["handlers"]["console"]["filters"] == ["redact"]
    with pytest.raises(ValueError, match="LOG_FORMAT must be json or plain"):
        logging_config(log_format="xml", level="INFO")


def test_production_logs_json_by_default():
    from tests.test_settings import PRODUCTION_ENV, run_manage

    code = "from django.conf import settings; print(settings.LOG_FORMAT)"
    result = run_manage("shell", "-c", code, env_overrides=PRODUCTION_ENV)
    assert result.stdout.strip().splitlines()[-1] == "json", result.stderr


def test_gunicorn_access_log_has_no_query_strings():
    from types import SimpleNamespace

    from gunicorn.glogging import Logger

    namespace: dict = {}
    exec((ROOT / "config/gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - our own config file
    access_format = namespace["access_log_format"]
    assert not re.search(r"%\((q|r|\{[^}]*\}e)\)s", access_format)  # no query, request line or environ

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/donate/thanks/",
        "QUERY_STRING": "session_id=cs_live_secret123&email=ada%40example.com",
        "RAW_URI": "/donate/thanks/?session_id=cs_live_secret123&email=ada%40example.com",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
    }
    request = SimpleNamespace(headers=[], method="GET", path="/donate/thanks/", query=environ["QUERY_STRING"])
    response = SimpleNamespace(status="200 OK", headers=[], sent=120, response_length=120)
    logger = Logger.__new__(Logger)
    logger.cfg = SimpleNamespace(access_log_format=access_format)
    import datetime

    line = access_format % logger.atoms(response, request, environ, datetime.timedelta(milliseconds=12))
    assert line == '192.0.2.1 "GET /donate/thanks/ HTTP/1.1" 200 120 12ms'


def test_a_logged_request_keeps_its_path_not_its_query_string(rf):
    from django.utils.log import log_response

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        request = rf.get("/donate/thanks/", {"session_id": "cs_live_abc123", "email": "ada@example.com"})
        from django.http import HttpResponse

        log_response("Bad Request: %s", request.path, response=HttpResponse(status=400), request=request)
    finally:
        logger.removeHandler(handler)
    entry = json.loads(stream.getvalue())
    assert entry["request"] == "GET /donate/thanks/"
    assert entry["status_code"] == 400
    assert "cs_live_abc123" not in stream.getvalue() and "ada" not in stream.getvalue()
