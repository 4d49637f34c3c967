"""Nothing a family or physician sends leaves the admin: not in email, not in a log line."""

import logging
import re

import pytest
from django.core import mail

from destination import tasks
from destination.models import CareRequest

pytestmark = pytest.mark.django_db

NOTIFY = ["coordinators@example.org", "destination@example.org"]

INQUIRY_SECRETS = [
    "Adaeze",
    "Okonkwo",
    "adaeze@example.com",
    "803",
    "4567",
    "Ventricular",
    "septal",
    "cardiolog",
    "Heart",
    "second opinion",
    "Nigeria",
    "4 years",
]
REFERRAL_SECRETS = [
    "Maria",
    "Souza",
    "msouza@example.org",
    "98765",
    "Clinica",
    "Porto",
    "Myelomeningocele",
    "hydrocephalus",
    "shunt",
    "neurosurg",
    "Brazil",
    "9 months",
    "within weeks",
]


def _email_texts(message) -> list[str]:
    return [message.subject, message.body, *(content for content, _mimetype in message.alternatives)]


def _assert_absent(texts: list[str], secrets: list[str], initials: str | None = None):
    for text in texts:
        for secret in secrets:
            assert secret.lower() not in text.lower(), secret
        if initials:
            assert not re.search(rf"\b{initials}\b", text), initials


@pytest.mark.parametrize(
    ("url", "data_fixture", "secrets", "initials", "kind_word"),
    [
        ("/destination-care/inquiry/", "inquiry_data", INQUIRY_SECRETS, None, "inquiry"),
        ("/destination-care/referral/", "referral_data", REFERRAL_SECRETS, "KO", "referral"),
    ],
)
def test_no_detail_in_any_email_or_log_line(
    client,
    settings,
    caplog,
    django_capture_on_commit_callbacks,
    request,
    url,
    data_fixture,
    secrets,
    initials,
    kind_word,
):
    settings.DESTINATION_NOTIFY_EMAILS = NOTIFY
    settings.SITE_URL = "https://giving.example.org"
    data = request.getfixturevalue(data_fixture)
    caplog.set_level(logging.DEBUG)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 303
    client.get(response["Location"])
    # A failed attempt too: its warning line must not carry the details either.
    client.post(url, {**data, "email": "broken"})

    care_request = CareRequest.objects.get()
    assert len(mail.outbox) == 2
    to_coordinators, to_sender = mail.outbox
    assert to_coordinators.to == NOTIFY
    assert to_coordinators.subject == f"New Destination Care {kind_word} {care_request.reference}"
    admin_url = f"https://giving.example.org/admin/destination/carerequest/{care_request.pk}/change/"
    assert admin_url in to_coordinators.body
    assert f'href="{admin_url}"' in to_coordinators.alternatives[0][0]
    assert to_sender.to == [data["email"]]
    assert to_sender.subject == f"We received your {kind_word} ({care_request.reference})"
    assert care_request.reference in to_sender.body
    assert "does not guarantee care" in to_sender.body

    _assert_absent(_email_texts(to_coordinators) + _email_texts(to_sender), secrets, initials)
    log_lines = [record.getMessage() for record in caplog.records]
    assert f"destination request stored id={care_request.pk} kind={kind_word}" in log_lines
    _assert_absent(log_lines, secrets, initials)
    assert data["details"][:20] not in caplog.text


def test_emails_wait_for_the_commit(client, settings, inquiry_data, django_capture_on_commit_callbacks):
    settings.DESTINATION_NOTIFY_EMAILS = NOTIFY
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/destination-care/inquiry/", inquiry_data)
    assert len(callbacks) == 2
    assert mail.outbox == []


def test_no_coordinator_email_without_recipients_but_the_sender_is_still_confirmed(
    client, settings, inquiry_data, django_capture_on_commit_callbacks
):
    settings.DESTINATION_NOTIFY_EMAILS = []
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/destination-care/inquiry/", inquiry_data)
    assert [message.to for message in mail.outbox] == [["adaeze@example.com"]]


def test_tasks_for_an_erased_request_send_nothing(settings):
    settings.DESTINATION_NOTIFY_EMAILS = NOTIFY
    tasks.care_request_notify_coordinators.call(987654)
    tasks.care_request_confirm_to_sender.call(987654)
    assert mail.outbox == []


def test_the_confirmation_page_and_submit_responses_are_not_cached(client, inquiry_data):
    response = client.post("/destination-care/inquiry/", {**inquiry_data, "email": "x"})
    assert "no-store" in response["Cache-Control"]


def test_error_reports_would_not_carry_the_posted_details(client, inquiry_data):
    from django.views.debug import SafeExceptionReporterFilter

    response = client.post("/destination-care/inquiry/", {**inquiry_data, "email": "x"})
    request = response.wsgi_request
    assert request.sensitive_post_parameters == "__ALL__"
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert set(cleansed.values()) == {"********************"}
    assert "Adaeze Okonkwo" not in str(cleansed)


class _RefusingBackend:
    """A mail backend that fails the way SMTP does: quoting the address it refused."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        recipients = {address: (550, b"mailbox unavailable") for message in messages for address in message.to}
        raise smtplib.SMTPRecipientsRefused(recipients)


def test_a_failed_email_is_reported_without_the_address(settings, caplog):
    from tests.factories import CareRequestFactory

    settings.MAILERS = {"default": {"BACKEND": "tests.destination.test_privacy._RefusingBackend"}}
    care_request = CareRequestFactory(email="adaeze@example.com")
    caplog.set_level(logging.DEBUG)
    result = tasks.care_request_confirm_to_sender.enqueue(care_request.pk)
    assert result.status == "FAILED"
    assert result.errors[0].exception_class is tasks.DestinationMailError
    assert f"request id={care_request.pk} failed: SMTPRecipientsRefused" in result.errors[0].traceback
    assert "adaeze" not in result.errors[0].traceback
    assert "Task id=" in caplog.text
    assert "adaeze" not in caplog.text
