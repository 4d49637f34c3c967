"""“Ask about naming this space”: the form, the admin record, the development office's task email, abuse."""

import pytest
from django.core import mail

from recognition.models import NamingInquiry
from tests.readings import page_text
from tests.staff import make_staff

pytestmark = pytest.mark.django_db

DATA = {"name": "Ana Rivera", "email": "ana@example.com", "phone": "+1 860 555 0100", "message": "We'd love Bay 1."}


def _url(space):
    return f"/campaigns/centers/naming/{space.pk}/ask/"


def test_an_inquiry_is_stored_and_the_development_office_gets_a_task_email_without_the_details(
    client, space, django_user_model, django_capture_on_commit_callbacks
):
    make_staff(django_user_model, "dev1", "Development staff")
    make_staff(django_user_model, "fin1", "Finance")
    form = page_text(client.get(_url(space)))
    assert "Ask about naming Bay 1" in form and "$25,000" in form
    assert 'autocomplete="email"' in form and 'name="leave_blank" tabindex="-1"' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(space), DATA)
    assert response.status_code == 303 and response["Location"] == _url(space) + "?sent=1"
    assert "has reached our development office" in page_text(client.get(response["Location"]))
    inquiry = NamingInquiry.objects.get()
    assert (inquiry.opportunity, inquiry.name, inquiry.email, inquiry.phone) == (
        space,
        "Ana Rivera",
        DATA["email"],
        DATA["phone"],
    )
    [email] = mail.outbox
    assert email.to == ["dev1@foundation.example"]  # Development staff, not Finance
    assert email.subject == "Task: a naming inquiry about Bay 1"
    assert f"/admin/recognition/naminginquiry/{inquiry.pk}/change/" in email.body
    for private in ("Ana", "ana@example.com", "555", "love"):
        assert private not in email.body


def test_the_notify_setting_overrides_the_group(client, space, settings, django_capture_on_commit_callbacks):
    settings.NAMING_NOTIFY_EMAILS = ["major-gifts@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(space), DATA)
    assert mail.outbox[0].to == ["major-gifts@example.org"]


@pytest.mark.parametrize(
    "changes, field_error",
    [
        ({"name": ""}, "Enter your name."),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"name": "x" * 500}, "at most 120 characters"),
        ({"message": "y" * 5000}, "at most 2000 characters"),
    ],
)
def test_bad_input_gets_the_form_again_with_a_clear_message(client, space, changes, field_error):
    response = client.post(_url(space), {**DATA, **changes})
    assert response.status_code == 400
    assert field_error in page_text(response)
    assert NamingInquiry.objects.count() == 0


def test_a_bot_is_thanked_and_nothing_is_stored_and_the_limit_holds(client, space, settings):
    settings.NAMING_INQUIRIES_PER_HOUR = 2
    assert client.post(_url(space), {**DATA, "leave_blank": "http://spam"}).status_code == 303
    assert client.post(_url(space), DATA).status_code == 303
    over = client.post(_url(space), DATA)
    assert over.status_code == 429 and over["Retry-After"] == "3600"
    assert NamingInquiry.objects.count() == 1
    assert client.post(_url(space), DATA, REMOTE_ADDR="198.51.100.7").status_code == 303


def test_a_space_of_another_campaign_or_none_is_404(client, space):
    from tests.factories import CampaignFactory
    from tests.recognition.conftest import make_space

    other = make_space(CampaignFactory(), "Elsewhere")
    assert client.get(f"/campaigns/centers/naming/{other.pk}/ask/").status_code == 404
    assert client.get("/campaigns/centers/naming/999999999999/ask/").status_code == 404
    assert client.post("/campaigns/nope/naming/1/ask/", DATA).status_code == 404
    assert client.put(_url(space)).status_code == 405


def test_the_form_in_spanish(client, space):
    client.cookies["django_language"] = "es"
    text = page_text(client.get(_url(space)))
    assert "Pregunte por dar nombre a Bay 1" in text
