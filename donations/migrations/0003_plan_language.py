from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_language_from_first_gift(apps, schema_editor):
    """Existing plans take the language of the gift that began them (later months follow the plan)."""
    RecurringPlan = apps.get_model("donations", "RecurringPlan")
    Gift = apps.get_model("donations", "Gift")
    first_language = Gift.objects.filter(plan=OuterRef("pk")).order_by("created_at", "pk").values("language")[:1]
    with_gifts = RecurringPlan.objects.filter(pk__in=Gift.objects.filter(plan__isnull=False).values("plan"))
    with_gifts.update(language=Subquery(first_language))


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0002_gift_receipts_refunds_webhook_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="recurringplan",
            name="language",
            field=models.CharField(default="en", max_length=8, verbose_name="language"),
        ),
        migrations.RunPython(copy_language_from_first_gift, migrations.RunPython.noop),
    ]
