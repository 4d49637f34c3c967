"""Staff users for the admin tests: one per group, signed in through the two-factor step."""

import importlib
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

PASSWORD = "a-long-password-for-tests"


STAFF_GROUPS = ("Development staff", "Finance", "Care coordinators")


# The data migrations that grant the staff groups their permissions, and the function of each that
# does it. Replayed, in the migration graph's order, by restore_staff_groups: the grants are written
# once, in their migrations. A new grant migration goes here too (tests/test_staff_groups_restore.py
# compares the result with a fresh migrate and fails until it does).
GRANTING_MIGRATIONS = [
    ("destination", "0002_care_coordinators_group", "create_group"),
    ("donations", "0004_staff_roles", "create_groups"),
    ("donations", "0011_gift_message_moderation", "grant_moderation"),  # not its approval of old messages
    ("donations", "0015_pledge_permissions", "grant"),
    ("donations", "0018_match_challenges", "grant_challenges"),
    ("donations", "0022_employer_match_permissions", "grant"),
    ("pages", "0002_development_staff_edit_pages", "grant"),
    ("fundraisers", "0002_staff_permissions", "grant"),
    ("fundraisers", "0004_export_and_message_permissions", "grant"),
    ("recognition", "0002_staff_permissions", "grant"),
    ("donors", "0003_staff_permissions", "grant"),
    ("donors", "0005_staff_view_preferences", "grant"),
    ("destination", "0004_care_coordinators_without_page_content", "remove_page_content"),
]


def restore_staff_groups(using: str = DEFAULT_DB_ALIAS) -> None:
    """
    Make the staff groups again, as their migrations do, when they are missing: a transactional
    test (browser, PostgreSQL concurrency) flushes the database, and with --reuse-db the next run
    would start without the rows the data migrations made. Permissions come back with the flush.

    Each granting migration's own function runs, in the order `migrate` runs them, with the
    migrations' historical models (never the live app registry: they mark an app config's
    models_module while they create its permissions).
    """
    if Group.objects.using(using).filter(name__in=STAFF_GROUPS).count() == len(STAFF_GROUPS):
        return
    connection = connections[using]
    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    plan = [
        (migration.app_label, migration.name) for migration, _ in executor.migration_plan(targets, clean_start=True)
    ]
    apps = executor.loader.project_state().apps
    schema_editor = SimpleNamespace(connection=connection)  # the functions read only its connection
    for app_label, name, function in sorted(GRANTING_MIGRATIONS, key=lambda m: plan.index((m[0], m[1]))):
        module = importlib.import_module(f"{app_label}.migrations.{name}")
        getattr(module, function)(apps, schema_editor)


def make_staff(django_user_model, username: str, group: str | None = None, **extra):
    user = django_user_model.objects.create_user(
        username, email=f"{username}@foundation.example", password=PASSWORD, is_staff=True, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def development_officer(django_user_model):
    return make_staff(django_user_model, "dev.officer", "Development staff", first_name="Dana")


@pytest.fixture
def finance_officer(django_user_model):
    return make_staff(django_user_model, "finance", "Finance", first_name="Fin")


@pytest.fixture
def care_coordinator(django_user_model):
    return make_staff(django_user_model, "coordinator", "Care coordinators")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@foundation.example", PASSWORD)


@pytest.fixture
def dev_client(client, development_officer):
    client.force_login(development_officer)  # tests/conftest.py adds a verified TOTP device
    return client


@pytest.fixture
def finance_client(client, finance_officer):
    client.force_login(finance_officer)
    return client
