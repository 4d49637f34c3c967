"""Development staff (and Finance) write the foundation's pages: they may view and change them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Development staff", "Finance")
CODENAMES = ("view_sitepage", "change_sitepage")


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("pages")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=using)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = list(Permission.objects.using(using).filter(content_type__app_label="pages", codename__in=CODENAMES))
    for group in Group.objects.using(using).filter(name__in=GROUPS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_site_pages"),
        ("donations", "0004_staff_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
