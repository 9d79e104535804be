"""A version of everything the pages show, kept by triggers on every table.

Whole pages are kept under it (views/page_cache.py): any statement that changes a row
of a table a page may read writes a fresh random token into a slot of
`requests_app_pagesversion`, in the writer's own transaction, as the counts version of
migration 0018 does for the figures. The triggers themselves are put on every table after
each `migrate` (`install_pages_version_triggers` in models/versions.py, connected to
post_migrate), so a table that a later migration adds, or one SQLite rebuilds, is
watched too.
"""

from django.db import migrations

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION pages_version_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A slot no other open transaction holds: writers never queue behind one another.
    UPDATE requests_app_pagesversion SET token = gen_random_uuid()::text
    WHERE id = (
        SELECT id FROM requests_app_pagesversion ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
    );
    IF NOT FOUND THEN  -- none yet, or every slot held: one more slot
        INSERT INTO requests_app_pagesversion (id, token)
        SELECT coalesce(max(id), 0) + 1, gen_random_uuid()::text
        FROM requests_app_pagesversion
        ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    END IF;
    RETURN NULL;
END $$;
"""


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)


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
        migrations.RunPython(create_function, drop_triggers_and_function),
    ]
