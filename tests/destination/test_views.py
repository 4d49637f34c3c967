import pytest
from django.core import mail
from django.urls import reverse

from destination.models import CareRequest

pytestmark = pytest.mark.django_db

PAGE = "/destination-care/"
INQUIRY = "/destination-care/inquiry/"
REFERRAL = "/destination-care/referral/"
THANKS = "/destination-care/thanks/"
INITIALS_ERROR = "Enter 2 or 3 letters only (initials, not a name), for example JD."


def test_public_urls_match_the_design_contract():
    assert reverse("destination:page") == PAGE
    assert reverse("destination:inquiry") == INQUIRY
    assert reverse("destination:referral") == REFERRAL
    assert reverse("destination:thanks") == THANKS


def test_page_shows_the_seeded_content_and_anchors(client, seeded):
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    for anchor in ("whyconnecticutchildrens", "team", "process", "stay", "form"):
        assert f'id="{anchor}"' in html
        assert f'href="#{anchor}"' in html  # the "On this page" links
    # The seed's "Learn More" under "Preparing for your visit" goes somewhere real (the team's form).
    assert '<a class="link-tap" href="#form">Learn More' in html
    # The Coordinating Physician's card says what the role does (the seed left it blank).
    assert "is the clinical contact for you and your referring physician" in html
    for text in (
        "Beyond Ventricular Septal Defect (VSD): Kiki’s Story",
        "Nigeria, West Africa",
        "Beyond Open Fetal Surgery: A Spina Bifida Success Story",
        "Beyond Spinal Muscular Atrophy: Fifi&#x27;s Story",
        ">465<",
        "Active Research Studies",
        "Coordinating Physician",
        "Care Coordinator",
        "Financial Coordinator",
        "Make a connection",
        "282 Washington St., Hartford, CT",
        "Bradley International Airport",
        "About 1 hour, 30 minutes by car (106 miles)",
        "Lodging, Food and Other Needs",
        "submitting this form does not guarantee care",
    ):
        assert text in html, text
    assert html.count('class="dc-step"') == 5


def test_page_reads_its_content_in_a_fixed_number_of_queries(client, seeded, django_assert_num_queries):
    # The page row, then one query each for stories, team roles, steps and airports.
    with django_assert_num_queries(5):
        assert client.get(PAGE).status_code == 200


def test_page_still_offers_the_forms_before_any_content_is_entered(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert b'action="/destination-care/inquiry/#inquiry-panel"' in response.content
    assert b'action="/destination-care/referral/#referral-panel"' in response.content


def test_tabs_are_links_so_the_referral_form_opens_without_javascript(client, seeded):
    html = client.get(PAGE, {"form": "referral"}).content.decode()
    assert 'id="referral-panel" data-dc-panel="referral">' in html
    assert 'id="inquiry-panel" data-dc-panel="inquiry" hidden>' in html
    default = client.get(PAGE, {"form": "nonsense"}).content.decode()
    assert 'id="inquiry-panel" data-dc-panel="inquiry">' in default
    assert 'id="referral-panel" data-dc-panel="referral" hidden>' in default


def test_a_valid_inquiry_is_stored_and_redirects_to_the_confirmation(client, inquiry_data):
    response = client.post(INQUIRY, inquiry_data)
    assert response.status_code == 303
    assert response["Location"] == THANKS
    request = CareRequest.objects.get()
    assert request.kind == CareRequest.Kind.INQUIRY
    assert request.status == CareRequest.Status.NEW
    assert request.contact_name == "Adaeze Okonkwo"
    assert request.email == "adaeze@example.com"
    # A local number is read in the country chosen, and stored in international form.
    assert request.phone.as_e164 == "+2348031234567"
    assert request.country.code == "NG"
    assert (request.age_value, request.age_unit) == (4, "years")
    assert request.specialty == "cardiology"
    assert request.condition == "Ventricular septal defect"
    assert request.details == inquiry_data["details"]
    assert request.patient_initials == ""
    assert request.assigned_to is None
    assert request.consented_at is not None
    assert request.resolved_at is None
    assert request.reference.startswith("DC-")
    assert len(request.reference) == 13


def test_a_valid_referral_is_stored_with_normalised_initials(client, referral_data):
    response = client.post(REFERRAL, referral_data)
    assert response.status_code == 303
    request = CareRequest.objects.get()
    assert request.kind == CareRequest.Kind.REFERRAL
    assert request.patient_initials == "KO"
    assert request.practice == "Clinica Infantil Porto"
    assert request.urgency == CareRequest.Urgency.SOON
    assert (request.age_value, request.age_unit) == (9, "months")
    assert request.phone.as_e164 == "+5511987654321"
    assert request.preferred_contact == ""


def test_the_confirmation_page_repeats_nothing_that_was_sent(client, inquiry_data):
    response = client.post(INQUIRY, inquiry_data, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "we received your request" in html
    reference = CareRequest.objects.get().reference
    for value in (reference, "Adaeze", "adaeze@example.com", "septal", "second opinion", "4567"):
        assert value not in html


def test_references_differ_and_are_not_sequential(client, inquiry_data):
    for _ in range(3):
        client.post(INQUIRY, inquiry_data)
    references = list(CareRequest.objects.values_list("reference", flat=True))
    assert len(set(references)) == 3


def test_posted_triage_fields_are_ignored(client, inquiry_data):
    client.post(INQUIRY, {**inquiry_data, "status": "accepted", "internal_notes": "x", "kind": "referral"})
    request = CareRequest.objects.get()
    assert (request.status, request.internal_notes, request.kind) == ("new", "", "inquiry")


def _errors(response) -> dict[str, list[str]]:
    form = response.context["inquiry_form"] if "inquiry" in response.request["PATH_INFO"] else None
    form = form or response.context["referral_form"]
    return {name: [str(error) for error in errors] for name, errors in form.errors.items()}


def test_an_empty_inquiry_gets_a_friendly_message_per_field_and_nothing_is_stored(client):
    response = client.post(INQUIRY, {"age_unit": "years", "preferred_contact": "email", "preferred_language": "en"})
    assert response.status_code == 400
    assert _errors(response) == {
        "contact_name": ["Enter your name so that we know whom to ask for."],
        "email": ["Enter your email address so that we can confirm we received this."],
        "country": ["Choose the country you live in."],
        "age_value": ["Enter the child's age, or choose “not born yet”."],
        "specialty": ["Choose the closest specialty, or “Not sure yet”."],
        "details": ["Tell us briefly how we can help your child."],
        "consent": ["Please tick the box so that we may keep these details and contact you."],
    }
    html = response.content.decode()
    assert 'role="alert"' in html
    assert '<a href="#inquiry-email">Email</a>: Enter your email address' in html
    assert '<a href="#inquiry-consent">Consent</a>: Please tick the box' in html
    assert CareRequest.objects.count() == 0
    assert mail.outbox == []


def test_the_error_page_keeps_what_was_typed(client, inquiry_data):
    response = client.post(INQUIRY, {**inquiry_data, "email": "not-an-email"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Adaeze Okonkwo"' in html
    assert "Ventricular septal defect" in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "adaeze@"}, "email", "Enter an email address like name@example.com."),
        (
            {"phone": "12"},
            "phone",
            "This does not look like a complete phone number for the country chosen. "
            "Include the area code, or start with + and the country code.",
        ),
        (
            {"phone": "", "preferred_contact": "phone"},
            "phone",
            "Enter a phone number, as you would like us to call or text you.",
        ),
        ({"country": "XX"}, "country", "Select a valid choice. XX is not one of the available choices."),
        ({"age_value": "22"}, "age_value", "We care for children and young adults up to 21 years old."),
        ({"age_value": "-1"}, "age_value", "The age cannot be below 0."),
        ({"age_value": "four"}, "age_value", "Enter the age as a whole number, for example 4."),
        ({"age_value": "40", "age_unit": "months"}, "age_value", "For a child of 3 or older, give the age in years."),
        (
            {"specialty": "astrology"},
            "specialty",
            "Select a valid choice. astrology is not one of the available choices.",
        ),
        ({"details": "x" * 2001}, "details", "Ensure this value has at most 2000 characters (it has 2001)."),
        ({"consent": ""}, "consent", "Please tick the box so that we may keep these details and contact you."),
    ],
)
def test_inquiry_validation(client, inquiry_data, changes, field, message):
    response = client.post(INQUIRY, {**inquiry_data, **changes})
    assert response.status_code == 400
    assert _errors(response) == {field: [message]}
    assert CareRequest.objects.count() == 0


def test_a_phone_number_is_optional_when_email_is_preferred(client, inquiry_data):
    response = client.post(INQUIRY, {**inquiry_data, "phone": "", "preferred_contact": "email"})
    assert response.status_code == 303
    assert CareRequest.objects.get().phone == ""


def test_an_unborn_child_needs_no_age(client, inquiry_data):
    response = client.post(INQUIRY, {**inquiry_data, "age_value": "", "age_unit": "prenatal", "specialty": "fetal"})
    assert response.status_code == 303
    request = CareRequest.objects.get()
    assert (request.age_value, request.age_unit, request.age_display) == (None, "prenatal", "not born yet")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"patient_initials": "Kofi"}, "patient_initials", INITIALS_ERROR),
        ({"patient_initials": "K1"}, "patient_initials", INITIALS_ERROR),
        ({"patient_initials": "K"}, "patient_initials", INITIALS_ERROR),
        ({"patient_initials": ""}, "patient_initials", "Enter the patient's initials (2 or 3 letters)."),
        ({"phone": ""}, "phone", "Enter a phone number so that we can call you back."),
        ({"practice": ""}, "practice", "Enter your practice or hospital."),
        ({"urgency": ""}, "urgency", "Choose how urgent this referral is."),
        ({"urgency": "yesterday"}, "urgency", "Select a valid choice. yesterday is not one of the available choices."),
        ({"details": ""}, "details", "Enter a short clinical summary."),
    ],
)
def test_referral_validation(client, referral_data, changes, field, message):
    response = client.post(REFERRAL, {**referral_data, **changes})
    assert response.status_code == 400
    assert _errors(response) == {field: [message]}
    assert CareRequest.objects.count() == 0


def test_referral_errors_show_the_referral_form_not_the_inquiry_form(client, referral_data):
    html = client.post(REFERRAL, {**referral_data, "urgency": ""}).content.decode()
    # A radio group has no single input to jump to: the link goes to the group.
    assert '<a href="#div_referral-urgency">Urgency</a>: Choose how urgent this referral is.' in html
    assert 'id="referral-panel" data-dc-panel="referral">' in html
    assert 'id="inquiry-panel" data-dc-panel="inquiry" hidden>' in html


def test_getting_a_submit_url_goes_back_to_the_form(client):
    response = client.get(REFERRAL)
    assert response.status_code == 302
    assert response["Location"] == "/destination-care/?form=referral#form"


def test_a_filled_honeypot_gets_the_same_response_and_nothing_is_stored(client, inquiry_data, settings):
    settings.DESTINATION_NOTIFY_EMAILS = ["coordinators@example.org"]
    response = client.post(INQUIRY, {**inquiry_data, "leave_blank": "http://spam.example"})
    assert response.status_code == 303
    assert response["Location"] == THANKS
    assert CareRequest.objects.count() == 0
    assert mail.outbox == []


def test_a_bot_filling_the_honeypot_and_nothing_else_is_not_told_about_errors(client):
    response = client.post(REFERRAL, {"leave_blank": "x"})
    assert response.status_code == 303
    assert CareRequest.objects.count() == 0


def test_the_honeypot_is_hidden_from_people_and_the_keyboard(client):
    html = client.get(PAGE).content.decode()
    assert '<div class="honeypot" aria-hidden="true">' in html
    assert 'name="leave_blank" tabindex="-1" autocomplete="off"' in html


def test_rate_limit_per_address(client, inquiry_data, referral_data, settings):
    settings.DESTINATION_RATE_LIMIT_PER_HOUR = 3
    statuses = [client.post(INQUIRY, inquiry_data).status_code for _ in range(2)]
    statuses.append(client.post(REFERRAL, referral_data).status_code)
    over = client.post(INQUIRY, inquiry_data)
    assert statuses == [303, 303, 303]
    assert over.status_code == 429
    assert over["Retry-After"] == "3600"
    assert "Please try again later" in over.content.decode()
    assert CareRequest.objects.count() == 3
    # Another address is not affected.
    assert client.post(INQUIRY, inquiry_data, REMOTE_ADDR="198.51.100.20").status_code == 303
    assert CareRequest.objects.count() == 4


def test_honeypot_submissions_count_towards_the_limit(client, inquiry_data, settings):
    settings.DESTINATION_RATE_LIMIT_PER_HOUR = 1
    assert client.post(INQUIRY, {**inquiry_data, "leave_blank": "x"}).status_code == 303
    assert client.post(INQUIRY, inquiry_data).status_code == 429
    assert CareRequest.objects.count() == 0


def test_invalid_posts_do_not_use_up_the_limit(client, inquiry_data, settings):
    settings.DESTINATION_RATE_LIMIT_PER_HOUR = 1
    for _ in range(3):
        assert client.post(INQUIRY, {**inquiry_data, "email": "x"}).status_code == 400
    assert client.post(INQUIRY, inquiry_data).status_code == 303
    assert CareRequest.objects.count() == 1


def test_forms_carry_a_csrf_token_and_labels_for_every_field(client):
    html = client.get(PAGE).content.decode()
    assert html.count('name="csrfmiddlewaretoken"') == 2
    for field_id in ("inquiry-contact_name", "inquiry-email", "inquiry-phone", "referral-patient_initials"):
        assert f'for="{field_id}"' in html
