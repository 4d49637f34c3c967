import pytest
from django.core.cache import cache

# Staff users of each group for the admin tests (development_officer, finance_client, …).
pytest_plugins = ["tests.staff"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the staff groups its data migrations made (see restore_staff_groups)."""
    from tests.staff import restore_staff_groups

    with django_db_blocker.unblock():
        restore_staff_groups()


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(settings, tmp_path):
    """Each test starts with an empty cache and writes uploads to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _receipt_sequences_after_each_test(request):
    """
    The year's receipt SEQUENCE (PostgreSQL) is known to this process once a commit created it; a
    test's rollback (or captured on_commit callbacks) can undo that, so each test starts unsure
    again. A transactional test commits, so the sequence it created outlives the flush that
    empties the tables: drop it, as the flush resets ReceiptSequence, so the next test numbers
    from 1 again.
    """
    yield
    from donations.services import tallies

    tallies._receipt_sequences_known.clear()
    marker = request.node.get_closest_marker("django_db")
    committed = marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback"))
    if not (committed or {"transactional_db", "live_server"} & set(request.fixturenames)):
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'S' AND relname LIKE 'donations_receipt_serial%%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP SEQUENCE IF EXISTS {name}")


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Spanish leaves Spanish active in the thread; the next test starts in English."""
    yield
    from django.utils import translation

    translation.activate("en")


def otp_verify_session(client, user):
    """Give `user` a confirmed TOTP device and mark the client's session as verified with it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test device", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture(autouse=True)
def _staff_pass_two_factor(request, monkeypatch):
    """
    The admin requires a verified TOTP device (staff.site.StaffAdminSite). Tests that sign staff
    in with client.force_login get one, so they test what they are about; tests of the second step
    itself opt out with @pytest.mark.real_two_factor.
    """
    if request.node.get_closest_marker("real_two_factor"):
        return
    from django.test import Client

    original = Client.force_login

    def force_login(client, user, backend=None):
        original(client, user, backend)
        if user.is_staff:
            otp_verify_session(client, user)

    monkeypatch.setattr(Client, "force_login", force_login)
