"""
The staff groups DESIGN.md describes, so that every install has them with exactly these rights:

- Development staff: campaign content (view, add, change, delete); gifts: view, export, resend
  receipts; offline gifts: view, add, change. No gift deletion, no refunds, no Stripe events.
- Finance: all of that, plus refunds and the Stripe event log.
- Care coordinators: Destination Care only (made by destination's own migration; ensured here).

Running it again (or after a permission was changed by hand) resets each group to this list.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CAMPAIGN_MODELS = ["campaign", "figure", "division", "designation", "milestone", "update"]
DEVELOPMENT_STAFF = [
    *(f"campaign.{action}_{model}" for model in CAMPAIGN_MODELS for action in ("view", "add", "change", "delete")),
    "donations.view_gift",
    "donations.export_gift",
    "donations.resend_receipt",
    "donations.view_offlinegift",
    "donations.add_offlinegift",
    "donations.change_offlinegift",
    "donations.view_recurringplan",
]
FINANCE = [*DEVELOPMENT_STAFF, "donations.refund_gift", "donations.view_webhookevent"]
GROUPS = {"Development staff": DEVELOPMENT_STAFF, "Finance": FINANCE}


def _ensure_permissions(apps, using):
    # Permissions are normally created after all migrations ran (post_migrate); create the ones
    # these groups need now, so a fresh database gets complete groups.
    for label in ("campaign", "donations", "destination"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None


def create_groups(apps, schema_editor):
    using = schema_editor.connection.alias
    _ensure_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, names in GROUPS.items():
        permissions = []
        for dotted in names:
            app_label, codename = dotted.split(".")
            permissions.append(
                Permission.objects.using(using).get(content_type__app_label=app_label, codename=codename)
            )
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(permissions)
    coordinators, created = Group.objects.using(using).get_or_create(name="Care coordinators")
    if created:
        coordinators.permissions.set(Permission.objects.using(using).filter(content_type__app_label="destination"))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("campaign", "0002_image_upload_validation"),
        ("destination", "0002_care_coordinators_group"),
        ("donations", "0003_gift_staff_permissions_offline_gifts_and_history"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
