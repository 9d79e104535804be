"""A version of everything the pages show, kept by triggers on every table.

Whole pages are kept under it (views/page_cache.py): any statement that changes a row
of a table a page may read writes a fresh random token into a slot of
`requests_app_pagesversion`, in the writer's own transaction, as the counts version of
migration 0018 does for the figures. The triggers themselves, and on PostgreSQL the
functions they call, are put on every table after each `migrate`
(`install_pages_version_triggers` in models/versions.py, connected to post_migrate), so a
table that a later migration adds, or one SQLite rebuilds, is watched too.
"""

from django.db import migrations


def drop_triggers_and_function(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # with every trigger that calls them (the installer's, of whatever shape)
            schema_editor.execute(
                "DROP FUNCTION IF EXISTS pages_version_changed(), pages_version_rows_changed(), "
                "pages_version_bump() CASCADE;"
            )
            return
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%pages_version%'"
        )
        for (name,) in cursor.fetchall():
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}";')


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0024_search_entry_kind_status"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE TABLE requests_app_pagesversion "
            "(id smallint NOT NULL PRIMARY KEY, token varchar(36) NOT NULL);",
            "DROP TABLE requests_app_pagesversion;",
        ),
        migrations.RunPython(migrations.RunPython.noop, drop_triggers_and_function),
    ]
