"""Staff users for the admin tests: one per group, signed in through the two-factor step."""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission

PASSWORD = "a-long-password-for-tests"


STAFF_GROUPS = ("Development staff", "Finance", "Care coordinators")


def restore_staff_groups() -> None:
    """
    Make the staff groups again, as their migrations do, when they are missing: a transactional
    test (browser, PostgreSQL concurrency) flushes the database, and with --reuse-db the next run
    would start without the rows the data migrations made. Permissions come back with the flush.
    """
    if Group.objects.filter(name__in=STAFF_GROUPS).count() == len(STAFF_GROUPS):
        return
    roles = importlib.import_module("donations.migrations.0004_staff_roles")
    for name, dotted_names in roles.GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = []
        for dotted in dotted_names:
            app_label, codename = dotted.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)
    fundraising = importlib.import_module("fundraisers.migrations.0002_staff_permissions")
    for name in fundraising.GROUPS:
        Group.objects.get(name=name).permissions.add(
            *Permission.objects.filter(
                content_type__app_label="fundraisers", codename__in=fundraising.FUNDRAISING_PERMISSIONS
            )
        )
    # Later migrations' grants: donor-wall moderation, the site pages.
    for name in ("Development staff", "Finance"):
        Group.objects.get(name=name).permissions.add(
            Permission.objects.get(content_type__app_label="donations", codename="moderate_message"),
            *Permission.objects.filter(
                content_type__app_label="pages", codename__in=["view_sitepage", "change_sitepage"]
            ),
            *Permission.objects.filter(
                content_type__app_label="donations",
                codename__in=["view_matchchallenge", "add_matchchallenge", "change_matchchallenge"],
            ),
        )
    pledges = importlib.import_module("donations.migrations.0015_pledge_permissions")
    for name in pledges.GROUPS:
        Group.objects.get(name=name).permissions.add(
            *Permission.objects.filter(content_type__app_label="donations", codename__in=pledges.PLEDGE_PERMISSIONS)
        )
    coordinators, _created = Group.objects.get_or_create(name="Care coordinators")
    coordinators.permissions.set(
        Permission.objects.filter(
            content_type__app_label="destination", content_type__model__in=["carerequest", "historicalcarerequest"]
        )
    )


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
