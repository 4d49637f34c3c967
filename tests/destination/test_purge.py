import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone

from destination import services
from destination.models import CareRequest, RequestCount
from tests.factories import CareRequestFactory

pytestmark = pytest.mark.django_db

History = CareRequest.history.model


def _resolved(status: str, *, days_ago: int, **fields) -> CareRequest:
    """A request triaged to `status` (with its history rows) `days_ago` days ago."""
    care_request = CareRequestFactory(**fields)
    care_request.status = status
    care_request.internal_notes = f"Private note about {care_request.contact_name}"
    services.care_request_triage_save(care_request=care_request)
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    CareRequest.objects.filter(pk=care_request.pk).update(resolved_at=moment, created_at=moment)
    care_request.refresh_from_db()
    return care_request


def _purge(*args) -> str:
    out = StringIO()
    call_command("purge_inquiries", *args, stdout=out)
    return out.getvalue()


def _everything_stored() -> str:
    """Every row of every table, as dumpdata writes it: where a leftover detail would show."""
    out = StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def test_purge_erases_old_closed_and_declined_requests_and_their_history(settings):
    settings.INQUIRY_RETENTION_DAYS = 180
    old_closed = _resolved("closed", days_ago=200, contact_name="Adaeze Okonkwo", details="VSD, second opinion")
    old_declined = _resolved(
        "declined",
        days_ago=181,
        kind="referral",
        contact_name="Dr. Maria Souza",
        patient_initials="KO",
        country="US",
        details="Myelomeningocele",
    )
    recent_closed = _resolved("closed", days_ago=10, contact_name="Recent Family")
    old_but_open = CareRequestFactory(contact_name="Open Family")
    CareRequest.objects.filter(pk=old_but_open.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    assert History.objects.filter(id=old_closed.pk).count() == 2

    output = _purge()

    assert "2 request(s) closed or declined before" in output
    assert "inquiry: 1, referral: 1" in output
    assert "erased 2/2" in output
    assert "Erased 2 request(s) and their history" in output
    assert set(CareRequest.objects.values_list("pk", flat=True)) == {recent_closed.pk, old_but_open.pk}
    assert not History.objects.filter(id__in=[old_closed.pk, old_declined.pk]).exists()
    assert History.objects.filter(id=recent_closed.pk).count() == 2
    stored = _everything_stored()
    gone = ("Adaeze", "Okonkwo", "VSD", "Souza", "Myelomeningocele", old_closed.reference, old_declined.reference)
    for detail in gone:
        assert detail not in stored, detail
    assert "Recent Family" in stored  # the dump does show what is still kept

    month = timezone.localtime(old_closed.created_at).date().replace(day=1)
    declined_month = timezone.localtime(old_declined.created_at).date().replace(day=1)
    assert sorted(RequestCount.objects.values_list("kind", "month", "outcome", "region", "count")) == sorted(
        [
            ("inquiry", month, "closed", "intl", 1),
            ("referral", declined_month, "declined", "us", 1),
        ]
    )


def test_counts_add_up_across_runs_and_batches():
    for _ in range(5):
        _resolved("closed", days_ago=200)
    _purge("--batch-size", "2")
    output = _purge()
    assert "0 request(s)" in output
    assert RequestCount.objects.get().count == 5
    for _ in range(2):
        _resolved("closed", days_ago=200)
    _purge()
    assert RequestCount.objects.get().count == 7
    assert CareRequest.objects.count() == 0
    assert History.objects.count() == 0


def test_dry_run_changes_nothing():
    kept = _resolved("closed", days_ago=400)
    output = _purge("--dry-run")
    assert "1 request(s) closed or declined" in output
    assert "Dry run: nothing erased" in output
    assert CareRequest.objects.filter(pk=kept.pk).exists()
    assert History.objects.filter(id=kept.pk).count() == 2
    assert RequestCount.objects.count() == 0


def test_days_overrides_the_setting():
    recent = _resolved("declined", days_ago=10)
    _purge("--days", "30")
    assert CareRequest.objects.filter(pk=recent.pk).exists()
    _purge("--days", "5")
    assert not CareRequest.objects.filter(pk=recent.pk).exists()


def test_negative_days_is_refused_with_what_to_do():
    with pytest.raises(CommandError, match="--days must be 0 or more"):
        _purge("--days", "-1")


def test_a_reopened_request_is_not_purged(client, django_user_model):
    care_request = _resolved("closed", days_ago=400)
    care_request.status = CareRequest.Status.CONTACTED
    services.care_request_triage_save(care_request=care_request)
    _purge()
    assert CareRequest.objects.filter(pk=care_request.pk).exists()


def test_coordinators_can_erase_a_request_at_once_from_the_admin(client, django_user_model):
    coordinator = django_user_model.objects.create_user("cora", password="x", is_staff=True)
    coordinator.groups.add(Group.objects.get(name="Care coordinators"))
    erase = CareRequestFactory(contact_name="Erase Me")
    keep = CareRequestFactory(contact_name="Keep Me")
    client.force_login(coordinator)
    response = client.post(
        "/admin/destination/carerequest/", {"action": "erase_selected", "_selected_action": [erase.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "Erased 1 request." in response.content.decode()
    assert list(CareRequest.objects.values_list("pk", flat=True)) == [keep.pk]
    assert not History.objects.filter(id=erase.pk).exists()
    assert "Erase Me" not in _everything_stored()
    assert RequestCount.objects.get().outcome == "new"
