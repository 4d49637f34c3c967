"""Issue 17: patient stories get their own page (a slug and a staff-written story in two languages)."""

from django.db import migrations, models
from django.utils.text import slugify


def slugs_from_titles(apps, schema_editor):
    PatientStory = apps.get_model("destination", "PatientStory")
    taken = set()
    for story in PatientStory.objects.order_by("position", "id"):
        base = slugify(story.title)[:190].strip("-") or "story"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        story.slug = slug
        story.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [("destination", "0005_request_counts_named_in_words")]

    operations = [
        migrations.AddField(
            model_name="patientstory",
            name="slug",
            # No index yet (PostgreSQL would make its `_like` index twice): the AlterField below adds
            # the unique one once every row has its slug.
            field=models.SlugField(
                max_length=200, blank=True, default="", db_index=False, verbose_name="address of the story's page"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="patientstory",
            name="body",
            field=models.TextField(
                blank=True,
                help_text="Shown on the story's own page. Markdown: **bold**, [link](https://…).",
                verbose_name="story",
            ),
        ),
        migrations.AddField(
            model_name="patientstory",
            name="body_es",
            field=models.TextField(blank=True, verbose_name="story (Spanish)"),
        ),
        migrations.RunPython(slugs_from_titles, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="patientstory",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text="Made from the title when left blank. Changing it breaks links already shared.",
                max_length=200,
                unique=True,
                verbose_name="address of the story's page",
            ),
        ),
    ]
