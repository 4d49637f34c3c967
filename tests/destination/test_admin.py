import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from django.utils.html import strip_tags

from destination.models import CareRequest
from tests.factories import CareRequestFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/destination/carerequest/"
GIFTS = "/admin/donations/gift/"


@pytest.fixture
def coordinator(django_user_model):
    user = django_user_model.objects.create_user("coordinator", password="x", is_staff=True, first_name="Cora")
    user.groups.add(Group.objects.get(name="Care coordinators"))
    return user


@pytest.fixture
def development_staff(django_user_model):
    """Staff with every campaign and gift permission, as the Development staff group will have."""
    group = Group.objects.create(name="Development staff (test)")
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=["campaign", "donations"]))
    user = django_user_model.objects.create_user("devstaff", password="x", is_staff=True)
    user.groups.add(group)
    return user


def test_care_coordinators_group_holds_exactly_the_destination_permissions():
    group = Group.objects.get(name="Care coordinators")
    expected = set(
        Permission.objects.filter(
            content_type__app_label="destination", content_type__model__in=["carerequest", "historicalcarerequest"]
        ).values_list("pk", flat=True)
    )
    assert set(group.permissions.values_list("pk", flat=True)) == expected
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_carerequest", "change_carerequest"} <= codenames
    assert not codenames & {"change_destinationpage", "view_requestcount"}  # the page's content is another job
    assert not group.permissions.exclude(content_type__app_label="destination").exists()


def test_development_staff_cannot_see_any_request(client, development_staff):
    request = CareRequestFactory()
    client.force_login(development_staff)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(f"{CHANGELIST}{request.pk}/change/").status_code == 403
    assert client.get(f"{CHANGELIST}{request.pk}/history/").status_code == 403
    assert client.get("/admin/destination/").status_code == 404  # no module permission: the app is hidden
    index = client.get("/admin/").content.decode()
    assert "Destination Care" not in index
    assert request.reference not in index


def test_development_staff_cannot_change_a_request_by_posting(client, development_staff):
    request = CareRequestFactory()
    client.force_login(development_staff)
    response = client.post(f"{CHANGELIST}{request.pk}/change/", {"status": "closed", "internal_notes": "x"})
    assert response.status_code == 403
    request.refresh_from_db()
    assert (request.status, request.internal_notes) == ("new", "")


def test_a_coordinator_sees_and_triages_a_request(client, coordinator):
    request = CareRequestFactory(contact_name="Adaeze Okonkwo", condition="VSD")
    client.force_login(coordinator)
    changelist = client.get(CHANGELIST)
    assert changelist.status_code == 200
    assert request.reference in changelist.content.decode()
    change_url = f"{CHANGELIST}{request.pk}/change/"
    page = client.get(change_url).content.decode()
    assert "Adaeze Okonkwo" in page
    assert 'href="tel:+1-202-555-0143"' in page
    assert "Cora" in page  # the coordinator is offered as an assignee

    response = client.post(
        change_url,
        {"status": "contacted", "assigned_to": coordinator.pk, "internal_notes": "Called, speaking again Friday."},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "contacted"
    assert request.assigned_to == coordinator
    assert request.internal_notes == "Called, speaking again Friday."
    assert request.resolved_at is None
    history = list(request.history.order_by("history_date"))
    assert [row.status for row in history] == ["new", "contacted"]
    assert history[-1].history_user == coordinator
    # The history is a record: no restoring an old version past the triage rules.
    old_version = f"{CHANGELIST}{request.pk}/history/{history[0].history_id}/"
    assert client.get(old_version).status_code == 200
    assert client.post(old_version, {"status": "new", "internal_notes": ""}).status_code == 403
    request.refresh_from_db()
    assert request.status == "contacted"
    history_page = client.get(f"{CHANGELIST}{request.pk}/history/")
    assert history_page.status_code == 200
    text = " ".join(strip_tags(history_page.content.decode()).replace("&nbsp;", " ").replace("&rarr;", "→").split())
    assert "Status: new → contacted" in text


def test_submitted_details_cannot_be_edited_in_the_admin(client, coordinator):
    request = CareRequestFactory(contact_name="Adaeze Okonkwo")
    client.force_login(coordinator)
    client.post(
        f"{CHANGELIST}{request.pk}/change/",
        {"status": "new", "internal_notes": "", "contact_name": "Someone Else", "details": "changed"},
    )
    request.refresh_from_db()
    assert request.contact_name == "Adaeze Okonkwo"
    assert request.details == "A second opinion on a heart murmur."


def test_closing_starts_the_retention_clock_and_reopening_stops_it(client, coordinator):
    request = CareRequestFactory()
    client.force_login(coordinator)
    url = f"{CHANGELIST}{request.pk}/change/"
    client.post(url, {"status": "declined", "internal_notes": ""})
    request.refresh_from_db()
    first = request.resolved_at
    assert first is not None
    client.post(url, {"status": "closed", "internal_notes": ""})
    request.refresh_from_db()
    assert request.resolved_at == first  # still the moment it was first resolved
    client.post(url, {"status": "contacted", "internal_notes": ""})
    request.refresh_from_db()
    assert request.resolved_at is None


def test_only_care_coordinators_can_be_assigned(client, coordinator, development_staff):
    request = CareRequestFactory()
    client.force_login(coordinator)
    response = client.post(f"{CHANGELIST}{request.pk}/change/", {"status": "new", "assigned_to": development_staff.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    request.refresh_from_db()
    assert request.assigned_to is None


def test_the_admin_log_names_the_reference_never_the_person(client, coordinator):
    request = CareRequestFactory(contact_name="Adaeze Okonkwo")
    client.force_login(coordinator)
    triage = {"status": "contacted", "internal_notes": "Mother asked about VSD"}
    client.post(f"{CHANGELIST}{request.pk}/change/", triage)
    entry = LogEntry.objects.get()
    assert entry.object_repr == f"Family inquiry {request.reference}"
    assert entry.change_message == '[{"changed": {"fields": ["Status", "Internal notes"]}}]'


def test_a_coordinator_cannot_see_gifts_or_campaigns(client, coordinator):
    client.force_login(coordinator)
    # Without the gift admin registered this is a 404, with it a 403: never a page.
    assert client.get(GIFTS).status_code in (403, 404)
    assert client.get("/admin/campaign/campaign/").status_code in (403, 404)
    assert client.get("/admin/auth/user/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert "Destination Care" in index
    assert "Gifts" not in index


def test_a_superuser_sees_the_requests(client, admin_user):
    request = CareRequestFactory()
    client.force_login(admin_user)
    assert client.get(f"{CHANGELIST}{request.pk}/change/").status_code == 200


def test_requests_cannot_be_added_or_deleted_in_the_admin(client, coordinator):
    request = CareRequestFactory()
    client.force_login(coordinator)
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{request.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CareRequest.objects.filter(pk=request.pk).exists()


def _listed(client, **params) -> set[str]:
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return {obj.reference for obj in response.context["cl"].result_list}


def test_filters_by_status_type_country_and_age(client, coordinator):
    now = timezone.now()
    fresh = CareRequestFactory(country="NG")
    week = CareRequestFactory(kind="referral", patient_initials="KO", urgency="soon", country="US")
    month = CareRequestFactory(status="contacted", country="BR")
    old = CareRequestFactory(status="closed", country="NG")
    CareRequest.objects.filter(pk=week.pk).update(created_at=now - datetime.timedelta(days=3))
    CareRequest.objects.filter(pk=month.pk).update(created_at=now - datetime.timedelta(days=20))
    CareRequest.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=45))
    client.force_login(coordinator)

    assert _listed(client, status="closed") == {old.reference}
    assert _listed(client, kind="referral") == {week.reference}
    assert _listed(client, country="NG") == {fresh.reference, old.reference}
    assert _listed(client, received="today") == {fresh.reference}
    assert _listed(client, received="week") == {fresh.reference, week.reference}
    assert _listed(client, received="month") == {month.reference}
    assert _listed(client, received="older") == {old.reference}


def test_search_by_exact_reference_or_email(client, coordinator):
    request = CareRequestFactory(email="adaeze@example.com")
    CareRequestFactory()
    client.force_login(coordinator)
    assert _listed(client, q=request.reference.lower()) == {request.reference}
    assert _listed(client, q="adaeze@example.com") == {request.reference}
    assert _listed(client, q="adaeze") == set()  # no partial matching on personal details


def test_the_page_content_is_editable_only_when_given_and_a_second_page_cannot_be_added(client, coordinator, seeded):
    client.force_login(coordinator)
    assert client.get("/admin/destination/destinationpage/").status_code == 403  # not with the group alone
    coordinator.user_permissions.add(
        *Permission.objects.filter(
            content_type__model="destinationpage", codename__in=["view_destinationpage", "change_destinationpage"]
        )
    )
    assert client.get("/admin/destination/destinationpage/").status_code == 200
    assert client.get("/admin/destination/destinationpage/add/").status_code == 403


def test_development_staff_cannot_see_the_purged_counts_either(client, development_staff):
    client.force_login(development_staff)
    assert client.get("/admin/destination/requestcount/").status_code == 403


def test_the_group_and_its_permissions_come_back_after_every_migrate():
    from django.core.management.sql import emit_post_migrate_signal

    Group.objects.filter(name="Care coordinators").delete()
    emit_post_migrate_signal(0, False, "default")
    group = Group.objects.get(name="Care coordinators")
    expected = set(
        Permission.objects.filter(
            content_type__app_label="destination", content_type__model__in=["carerequest", "historicalcarerequest"]
        )
    )
    assert set(group.permissions.all()) == expected
