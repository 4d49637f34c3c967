"""
Development staff (and Finance) export fundraisers with their contact details and email them
(staff.site requires verified two-factor for both). Reversing removes only these two rights.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = ["export_fundraiser", "message_fundraisers"]
GROUPS = ["Development staff", "Finance"]


def _permissions(apps, using):
    app_config = apps.get_app_config("fundraisers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=using)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.using(using).filter(content_type__app_label="fundraisers", codename__in=PERMISSIONS)
    )


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    permissions = _permissions(apps, using)
    assert len(permissions) == len(PERMISSIONS)
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="fundraisers", codename__in=PERMISSIONS
    )
    for group in apps.get_model("auth", "Group").objects.using(using).filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("fundraisers", "0003_fundraiser_language_and_gift_acknowledgements"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="fundraiser",
            options={
                "ordering": ["-created_at", "-pk"],
                "permissions": [
                    ("export_fundraiser", "Can export fundraisers and their contact details"),
                    ("message_fundraisers", "Can email fundraisers"),
                ],
                "verbose_name": "fundraiser",
                "verbose_name_plural": "fundraisers",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
