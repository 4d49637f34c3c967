"""
restore_staff_groups (what transactional tests call after a flush removed the groups) gives each
staff group exactly the permissions a fresh `migrate` gives it: compared with a real migrate of an
empty SQLite database in a child process, so a grant added by a later migration cannot be missed.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command

from tests.staff import restore_staff_groups

DUMP = """
import json
from django.contrib.auth.models import Group
print(json.dumps({
    group.name: sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all())
    for group in Group.objects.all()
}))
"""


def group_permissions() -> dict[str, list[str]]:
    return {
        group.name: sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all())
        for group in Group.objects.prefetch_related("permissions__content_type")
    }


def fresh_migrate_groups(tmp_path) -> dict[str, list[str]]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "DJANGO_TESTING": "1"}
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    # The child runs this checkout's own manage.py with fixed arguments.
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=settings.BASE_DIR, check=True)  # noqa: S603
    dumped = subprocess.run(  # noqa: S603
        [*manage, "shell", "-v0", "-c", DUMP], env=env, cwd=settings.BASE_DIR, check=True, capture_output=True
    )
    return json.loads(dumped.stdout.decode().strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_staff_groups_come_back_as_a_fresh_migrate_makes_them(tmp_path):
    expected = fresh_migrate_groups(tmp_path)
    assert set(expected) == {"Development staff", "Finance", "Care coordinators"}
    assert "recognition.view_namingopportunity" in expected["Finance"]  # a later app's grant is there

    call_command("flush", interactive=False, verbosity=0)
    # Only Care coordinators comes back with the flush (destination's post_migrate handler).
    assert not Group.objects.filter(name__in=["Development staff", "Finance"]).exists()

    restore_staff_groups()

    restored = group_permissions()
    differences = {
        name: {
            "missing": sorted(set(want) - set(restored.get(name, []))),
            "extra": sorted(set(restored.get(name, [])) - set(want)),
        }
        for name, want in expected.items()
    }
    assert set(restored) == set(expected)
    assert differences == {name: {"missing": [], "extra": []} for name in expected}


@pytest.mark.django_db(transaction=True)
def test_restoring_leaves_donor_wall_messages_waiting_for_review():
    # The moderation migration also approved the messages already on the wall when it ran; the
    # restore replays only its grant.
    from tests.factories import GiftFactory

    call_command("flush", interactive=False, verbosity=0)
    gift = GiftFactory(message="Get well soon", message_status="pending")

    restore_staff_groups()

    gift.refresh_from_db()
    assert gift.message_status == "pending"
