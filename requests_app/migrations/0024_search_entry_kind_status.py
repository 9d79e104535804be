"""An index on the search entries for searches filtered by kind and status.

With kind and status both fixed, PostgreSQL walks (kind, status, id) newest first and
stops at a window of hits, instead of walking every entry newest first and throwing away
those of other kinds and statuses (~70,000 of them at 100,000 requests, for a page of
refused requests). The entries' status is the request's, kept current by the index's
triggers. SQLite searches through FTS5 and needs nothing.
"""

from django.db import migrations

CREATE = (
    "DO $$ BEGIN IF to_regclass('search_entry') IS NOT NULL THEN "
    "CREATE INDEX IF NOT EXISTS search_entry_kind_status ON search_entry (kind, status, id); "
    "END IF; END $$;"
)
DROP = "DROP INDEX IF EXISTS search_entry_kind_status;"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0023_reference_tables_version"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
