"""
Development staff (and Finance, who have all that Development staff have) review fundraisers'
pages: view, approve, edit, hide or close them (no deletion: gifts keep their soft credit), and
keep teams. Running it again adds the same rights; reversing removes only these.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

FUNDRAISING_PERMISSIONS = [
    "view_fundraiser",
    "add_fundraiser",
    "change_fundraiser",
    "view_team",
    "add_team",
    "change_team",
    "delete_team",
]
GROUPS = ["Development staff", "Finance"]


def _permissions(apps, using):
    app_config = apps.get_app_config("fundraisers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=using)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.using(using).filter(
            content_type__app_label="fundraisers", codename__in=FUNDRAISING_PERMISSIONS
        )
    )


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    permissions = _permissions(apps, using)
    assert len(permissions) == len(FUNDRAISING_PERMISSIONS)
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="fundraisers", codename__in=FUNDRAISING_PERMISSIONS
    )
    for group in apps.get_model("auth", "Group").objects.using(using).filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("donations", "0004_staff_roles"),
        ("fundraisers", "0001_fundraisers_teams_and_tallies"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
