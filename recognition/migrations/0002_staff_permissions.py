"""
Development staff (and Finance, who have all that Development staff have) keep the naming
opportunities and recognition levels, and read and mark naming inquiries (no deletion of a space
or an inquiry: a space may carry a donor's name, an inquiry is a prospect's record).
Running it again adds the same rights; reversing removes only these.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

NAMING_PERMISSIONS = [
    "view_namingopportunity",
    "add_namingopportunity",
    "change_namingopportunity",
    "view_namingclaim",
    "view_naminginquiry",
    "change_naminginquiry",
    "view_recognitionlevel",
    "add_recognitionlevel",
    "change_recognitionlevel",
    "delete_recognitionlevel",
]
GROUPS = ["Development staff", "Finance"]


def _permissions(apps, using):
    app_config = apps.get_app_config("recognition")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=using)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.using(using).filter(
            content_type__app_label="recognition", codename__in=NAMING_PERMISSIONS
        )
    )


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    permissions = _permissions(apps, using)
    assert len(permissions) == len(NAMING_PERMISSIONS)
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="recognition", codename__in=NAMING_PERMISSIONS
    )
    for group in apps.get_model("auth", "Group").objects.using(using).filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("donations", "0004_staff_roles"),
        ("recognition", "0001_naming_opportunities_claims_inquiries_levels"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
