"""
Development staff (and Finance) keep the tribute cards' print queue (view, mark mailed) and the
honorees' pages (view, rename, merge by moving cards); nobody deletes a card (it belongs to a gift).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TRIBUTE_PERMISSIONS = ["view_tributecard", "change_tributecard", "view_honoree", "change_honoree"]
GROUPS = ["Development staff", "Finance"]


def _permissions(apps, using):
    app_config = apps.get_app_config("donors")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=using)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.using(using).filter(
            content_type__app_label="donors", codename__in=TRIBUTE_PERMISSIONS
        )
    )


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    permissions = _permissions(apps, using)
    assert len(permissions) == len(TRIBUTE_PERMISSIONS)
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="donors", codename__in=TRIBUTE_PERMISSIONS
    )
    for group in apps.get_model("auth", "Group").objects.using(using).filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("donations", "0004_staff_roles"),
        ("donors", "0002_tribute_cards"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
