"""
The `Care coordinators` group, holding exactly this app's model permissions: the only way (besides
superuser) to see Destination Care requests in the admin. Other staff groups never get them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Care coordinators"


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran (post_migrate); create this app's
    # now so that the group can hold them on a fresh database.
    app_config = apps.get_app_config("destination")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.using(schema_editor.connection.alias).get_or_create(name=GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label="destination"))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("destination", "0001_pages_and_care_requests"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
