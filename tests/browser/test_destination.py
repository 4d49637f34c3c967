"""
The Destination Care page in real Chromium: a family sends an inquiry from a 375px phone by taps
and the keyboard, the page never scrolls sideways, and every control is a 44px tap target.
"""

import re
import time

import pytest

from destination.models import CareRequest
from destination.seed import seed_destination_content
from tests.browser.conftest import PHONE
from tests.browser.signin import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The form's own fragment (#inquiry-panel) carries over the redirect; it does no harm there.
THANKS_URL = re.compile(r"/destination-care/thanks/(#[a-z-]+)?$")

# What a person types on a phone, field by field (the rest are taps on a choice).
TYPED = {
    "Your name (parent or guardian)": "Adaeze Okonkwo",
    "Email": "adaeze@example.com",
    "Phone": "0803 123 4567",
    "Child's age": "4",
    "How can we help?": "We would like a second opinion on heart surgery.",
}
# A person on a phone: ~1.5 characters a second with corrections, ~4 s to read and tap each field.
PHONE_CHARS_PER_SECOND = 1.5
SECONDS_PER_FIELD = 4


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _small_tap_targets(page) -> list[str]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll(
            '.dc-panel:not([hidden]) .form-control, .dc-panel:not([hidden]) .form-select, ' +
            '.dc-panel:not([hidden]) .form-check, .dc-panel:not([hidden]) button, ' +
            '.dc-tab, .dc-sections a, .dc-hero .btn'
        )).filter(el => el.getBoundingClientRect().height < 44)
          .map(el => el.outerHTML.slice(0, 80))"""
    )


def test_a_family_sends_an_inquiry_from_a_phone(live_server, phone_page, screenshot):
    seed_destination_content()
    page = phone_page
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))

    started = time.monotonic()
    page.goto(f"{live_server.url}/destination-care/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("We go Beyond Imagination")
    assert _no_sideways_scroll(page)
    assert _small_tap_targets(page) == []
    screenshot(page, "destination-phone")

    page.get_by_role("link", name="Ask about care for your child").tap()
    form = page.locator("#inquiry-panel form")
    fields_used = 0
    for label, text in TYPED.items():
        form.get_by_label(label, exact=False).first.tap()
        page.keyboard.type(text)
        fields_used += 1
    form.get_by_label("Country").select_option("NG")
    form.get_by_label("Specialty").select_option("cardiology")
    form.get_by_text("Phone call").tap()
    form.get_by_label("I agree that the Destination Care team", exact=False).tap()
    fields_used += 4
    form.get_by_role("button", name="Send inquiry").tap()

    page.wait_for_url(THANKS_URL)
    scripted_seconds = time.monotonic() - started
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you: we received your request"
    assert "Adaeze" not in page.content()
    assert _no_sideways_scroll(page)
    screenshot(page, "destination-phone-thanks")
    assert console_errors == []

    stored = CareRequest.objects.get()
    assert (stored.contact_name, stored.country.code, stored.preferred_contact) == ("Adaeze Okonkwo", "NG", "phone")
    assert stored.phone.as_e164 == "+2348031234567"

    typed_chars = sum(len(text) for text in TYPED.values())
    person_seconds = typed_chars / PHONE_CHARS_PER_SECOND + fields_used * SECONDS_PER_FIELD
    print(
        f"\ninquiry on a phone: {fields_used} fields, {typed_chars} characters typed; "
        f"scripted {scripted_seconds:.1f} s; a person ≈ {person_seconds:.0f} s"
    )
    assert person_seconds < 120


def test_errors_are_listed_and_the_page_stays_phone_sized(live_server, phone_page, screenshot):
    page = phone_page
    page.goto(f"{live_server.url}/destination-care/?form=inquiry#form")
    page.locator("#inquiry-panel").get_by_role("button", name="Send inquiry").tap()
    page.wait_for_load_state("load")
    alert = page.locator("#inquiry-panel [role=alert]")
    assert "Enter your name so that we know whom to ask for." in alert.inner_text()
    # The list of errors takes the focus, so a screen reader reads it first.
    assert page.evaluate("document.activeElement.id") == "inquiry-errors"
    assert _no_sideways_scroll(page)
    screenshot(page, "destination-phone-errors")
    assert CareRequest.objects.count() == 0


def test_the_tabs_switch_forms_with_and_without_javascript(live_server, browser, phone_page):
    phone_page.goto(f"{live_server.url}/destination-care/")
    phone_page.get_by_role("link", name="I am a referring physician").tap()
    assert phone_page.locator("#referral-panel").is_visible()
    assert not phone_page.locator("#inquiry-panel").is_visible()
    assert phone_page.url.endswith("?form=referral#form")

    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/destination-care/")
        page.get_by_role("link", name="I am a referring physician").click()
        page.wait_for_url("**?form=referral#form")
        panel = page.locator("#referral-panel")
        assert panel.is_visible()
        panel.get_by_label("Your name (referring physician)").fill("Dr. Maria Souza")
        panel.get_by_label("Practice or hospital").fill("Clinica Infantil Porto")
        panel.get_by_label("Email").fill("msouza@example.org")
        panel.get_by_label("Phone").fill("+55 11 98765-4321")
        panel.get_by_label("Country where the patient lives").select_option("BR")
        panel.get_by_label("Patient's initials").fill("k.o.")
        panel.get_by_label("Patient's age").fill("9")
        panel.get_by_label("Age in").select_option("months")
        panel.get_by_label("Specialty").select_option("neurosurgery")
        panel.get_by_text("Urgent (within days)").click()
        panel.get_by_label("Clinical summary").fill("Shunt evaluation requested.")
        panel.get_by_label("The patient's parent or guardian agrees", exact=False).check()
        panel.get_by_role("button", name="Send referral").click()
        page.wait_for_url(THANKS_URL)
    finally:
        context.close()
    stored = CareRequest.objects.get()
    assert (stored.kind, stored.patient_initials, stored.urgency) == ("referral", "KO", "urgent")


def test_desktop_layout(live_server, page, screenshot):
    seed_destination_content()
    page.goto(f"{live_server.url}/destination-care/")
    assert _no_sideways_scroll(page)
    screenshot(page, "destination-desktop")


def test_a_coordinator_triages_and_development_staff_cannot_see(live_server, page, screenshot, django_user_model):
    from django.contrib.auth.models import Group, Permission

    from tests.factories import CareRequestFactory

    care_request = CareRequestFactory(contact_name="Adaeze Okonkwo", condition="Ventricular septal defect")
    password = "a-long-test-password-42"
    coordinator = django_user_model.objects.create_user("cora", password=password, is_staff=True)
    coordinator.groups.add(Group.objects.get(name="Care coordinators"))
    development = Group.objects.create(name="Development staff (browser test)")
    development.permissions.set(Permission.objects.filter(content_type__app_label__in=["campaign", "donations"]))
    staff = django_user_model.objects.create_user("dev", password=password, is_staff=True)
    staff.groups.add(development)

    sign_in(page, live_server.url, coordinator, password)
    page.get_by_role("link", name="Inquiries and referrals").click()
    page.get_by_role("link", name=care_request.reference).click()
    page.wait_for_url(f"**/admin/destination/carerequest/{care_request.pk}/change/")
    assert page.get_by_text("Adaeze Okonkwo").is_visible()
    page.get_by_label("Status").select_option("contacted")
    page.get_by_label("Assigned coordinator").select_option(str(coordinator.pk))
    page.get_by_label("Internal notes").fill("Called; family prefers mornings.")
    screenshot(page, "destination-admin-change")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{live_server.url}/admin/destination/carerequest/")
    care_request.refresh_from_db()
    assert (care_request.status, care_request.assigned_to_id) == ("contacted", coordinator.pk)
    page.context.clear_cookies()

    sign_in(page, live_server.url, staff, password, lands_on="/admin/dashboard/")
    # The dashboard's sidebar lists the apps this person may use: Gifts, never Destination Care.
    assert "Gifts" in page.locator("#nav-sidebar").inner_text()
    assert "Destination Care" not in page.content()
    response = page.goto(f"{live_server.url}/admin/destination/carerequest/{care_request.pk}/change/")
    assert response.status == 403
    assert "Adaeze" not in page.content()
