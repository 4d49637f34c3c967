"""Staff users for the admin tests: one per group, signed in through the two-factor step."""

import pytest
from django.contrib.auth.models import Group

PASSWORD = "a-long-password-for-tests"


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
