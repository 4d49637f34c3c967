"""
A care coordinator's daily use (issue 17): find a request by family or physician name, child's
initials, country or reference; see names in the list; be told of new requests by default; and
hold no Destination Care page-content rights unless given them separately.
"""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from tests.factories import CareRequestFactory
from tests.staff import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client, care_coordinator):
    client.force_login(care_coordinator)
    return client


def listed(client, query: str) -> list[str]:
    response = client.get(f"/admin/destination/carerequest/?q={query}")
    assert response.status_code == 200
    return [r.reference for r in response.context["cl"].result_list]


def test_search_by_name_initials_country_and_reference(coordinator_client):
    CareRequestFactory(reference="DC-AAA111", contact_name="Adaeze Okonkwo", country="NG")
    CareRequestFactory(
        reference="DC-BBB222", kind="referral", contact_name="Dr. Maria Souza", patient_initials="KS", country="BR"
    )

    assert listed(coordinator_client, "okonkwo") == ["DC-AAA111"]
    assert listed(coordinator_client, "souza") == ["DC-BBB222"]
    assert listed(coordinator_client, "KS") == ["DC-BBB222"]  # stored as the form cleans them: letters only, at most 3
    assert listed(coordinator_client, "Brazil") == ["DC-BBB222"]
    assert listed(coordinator_client, "DC-AAA111") == ["DC-AAA111"]
    page = coordinator_client.get("/admin/destination/carerequest/").content.decode()
    assert "Adaeze Okonkwo" in page


def test_new_requests_notify_the_care_coordinators_group_by_default(
    client, settings, seeded, inquiry_data, care_coordinator, django_user_model, django_capture_on_commit_callbacks
):
    settings.DESTINATION_NOTIFY_EMAILS = []
    make_staff(django_user_model, "inactive.coordinator", "Care coordinators", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/destination-care/inquiry/", inquiry_data)

    assert response.status_code == 303
    notices = [m for m in mail.outbox if m.to != ["adaeze@example.com"]]
    assert [m.to for m in notices] == [[care_coordinator.email]]


def test_coordinators_hold_no_page_content_permissions():
    held = set(Group.objects.get(name="Care coordinators").permissions.values_list("codename", flat=True))
    assert held == {
        "view_carerequest",
        "change_carerequest",
        "delete_carerequest",
        "add_carerequest",
        *(f"{action}_historicalcarerequest" for action in ("view", "add", "change", "delete")),
    }
