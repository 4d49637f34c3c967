"""
The donor wall's query (campaign.selectors.campaign_recent_gifts), column for column, as a partial
index: its newest eight gifts are read straight off the index, with a million gifts as with ten.

PostgreSQL only (production): SQLite cannot index NULLS LAST, and a development database is small.
Not in Gift.Meta.indexes for the same reason, so this migration changes no model state.
"""

from django.db import migrations

INDEX_SQL = (
    'CREATE INDEX IF NOT EXISTS "gift_wall_recent_idx" ON "donations_gift" '
    '("campaign_id", "paid_at" DESC NULLS LAST, "created_at" DESC, "id" DESC) '
    "WHERE (\"counted_cents\" > 0 AND \"status\" IN ('succeeded', 'partially_refunded'))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP INDEX IF EXISTS "gift_wall_recent_idx"')


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0006_history_spanish_content"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
