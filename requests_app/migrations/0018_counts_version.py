"""A version of what the dashboard's open and overdue counts are made of, kept by triggers.

Every statement that may change those counts writes a fresh random token into a slot of
`requests_app_countsversion` (a table of the database's own, not a model), in the
writer's own transaction (models/versions.py): a
request added, removed, or given another owner, campaign, visibility, status or next
deadline; a reply added, removed, moved or reviewed; a membership added, removed or moved.
"""

from django.db import migrations

REQUEST_COLUMNS = ("owner_id", "campaign_id", "visibility", "status", "next_due_on")
MESSAGE_COLUMNS = ("request_id", "direction", "reviewed_at", "is_auto_reply")
MEMBERSHIP_COLUMNS = ("user_id", "campaign_id")
WATCHED = {
    "requests_app_foirequest": REQUEST_COLUMNS,
    "requests_app_message": MESSAGE_COLUMNS,
    "requests_app_membership": MEMBERSHIP_COLUMNS,
}
# SQLite writes one row at a time (row triggers): a reply that is not waiting for review
# cannot change a count by arriving or going, so only those bump the version.
SQLITE_ROW_MATTERS = {
    "requests_app_message": (
        "{row}.request_id IS NOT NULL AND {row}.direction = 'in' "
        "AND {row}.reviewed_at IS NULL AND NOT {row}.is_auto_reply"
    ),
}

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION counts_version_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A slot no other open transaction holds: writers never queue behind one another
    -- for the version (a queue here would also order locks against the rows' own).
    UPDATE requests_app_countsversion SET token = gen_random_uuid()::text
    WHERE id = (
        SELECT id FROM requests_app_countsversion ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
    );
    IF NOT FOUND THEN  -- none yet, or every slot held: one more slot (as many as
        -- transactions ever wrote at once)
        INSERT INTO requests_app_countsversion (id, token)
        SELECT coalesce(max(id), 0) + 1, gen_random_uuid()::text
        FROM requests_app_countsversion
        ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    END IF;
    RETURN NULL;
END $$;
"""
SQLITE_BUMP = (
    "INSERT OR REPLACE INTO requests_app_countsversion (id, token) "
    "VALUES (1, lower(hex(randomblob(16))));"
)


def postgres_statements() -> list[str]:
    statements = [POSTGRES_FUNCTION]
    for table, columns in WATCHED.items():
        statements.append(
            f"CREATE TRIGGER counts_version BEFORE INSERT OR DELETE OR TRUNCATE "
            f"OR UPDATE OF {', '.join(columns)} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION counts_version_changed();"
        )
    return statements


def sqlite_statements() -> list[str]:
    statements = []
    for table, columns in WATCHED.items():
        matters = SQLITE_ROW_MATTERS.get(table)
        for event, row in (("INSERT", "NEW"), ("DELETE", "OLD")):
            when = f"WHEN {matters.format(row=row)} " if matters else ""
            statements.append(
                f"CREATE TRIGGER {table}_counts_version_{event.lower()} AFTER {event} "
                f"ON {table} FOR EACH ROW {when}BEGIN {SQLITE_BUMP} END;"
            )
        changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)
        statements.append(
            f"CREATE TRIGGER {table}_counts_version_update AFTER UPDATE OF "
            f"{', '.join(columns)} ON {table} FOR EACH ROW WHEN {changed} "
            f"BEGIN {SQLITE_BUMP} END;"
        )
    return statements


def install_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = postgres_statements()
    elif vendor == "sqlite":
        statements = sqlite_statements()
    else:
        raise NotImplementedError(f"No counts-version triggers for {vendor}")
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in WATCHED:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS counts_version ON {table};")
        schema_editor.execute("DROP FUNCTION IF EXISTS counts_version_changed();")
        return
    for table in WATCHED:
        for event in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_counts_version_{event};")


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0017_redaction_gate"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE TABLE requests_app_countsversion "
            "(id smallint NOT NULL PRIMARY KEY, token varchar(36) NOT NULL);",
            "DROP TABLE requests_app_countsversion;",
        ),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
