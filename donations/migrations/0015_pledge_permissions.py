"""Development staff and Finance see and enter pledges, record their payments and read the pledge report."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PLEDGE_PERMISSIONS = ["view_pledge", "add_pledge", "change_pledge", "record_pledge_payment"]
GROUPS = ["Development staff", "Finance"]


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("donations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=using)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="donations", codename__in=PLEDGE_PERMISSIONS
    )
    for group in Group.objects.using(using).filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="donations", codename__in=PLEDGE_PERMISSIONS
    )
    for group in apps.get_model("auth", "Group").objects.using(using).filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("donations", "0014_pledges_and_frequencies"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, revoke)]
