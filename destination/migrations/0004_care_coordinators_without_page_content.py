"""
Care coordinators triage requests; the Destination Care page's content (text, stories, team,
steps, airports) is another job. The group keeps only the request permissions; a coordinator who
also edits the page is given those rights separately (their own user permissions, or a group).
"""

from django.db import migrations

PAGE_CONTENT_MODELS = ["destinationpage", "patientstory", "teamrole", "processstep", "airport", "requestcount"]


def remove_page_content(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(using).filter(name="Care coordinators").first()
    if group is None:
        return
    group.permissions.remove(
        *Permission.objects.using(using).filter(
            content_type__app_label="destination", content_type__model__in=PAGE_CONTENT_MODELS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("destination", "0003_spanish_content_and_request_language"),
    ]

    operations = [migrations.RunPython(remove_page_content, migrations.RunPython.noop)]
