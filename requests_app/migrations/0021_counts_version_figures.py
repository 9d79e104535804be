"""The counts version (0018) also watches what a body's or a campaign's headline figures
read, so that those figures can be kept under it instead of under an aggregate over
every request they count.

Added: a request's body, regime and dates (sent, received, due, extended due); an
event's request, kind, date and details (what the answers, reviews and complaints are
counted from); a body's nation and subdivision (the calendar its working days are
counted in). An event's actor, note and created_at, and a body's names, are read by no
figure: they still leave the version alone.
"""

from django.db import migrations

REQUEST_TABLE = "requests_app_foirequest"
EVENT_TABLE = "requests_app_requestevent"
BODY_TABLE = "requests_app_publicbody"

# 0018's columns, and this migration's.
REQUEST_COUNTED = ("owner_id", "campaign_id", "visibility", "status", "next_due_on")
REQUEST_FIGURES = (
    *REQUEST_COUNTED,
    "public_body_id",
    "regime",
    "sent_on",
    "received_on",
    "due_on",
    "extended_due_on",
)
EVENT_COLUMNS = ("request_id", "kind", "on", "details")
BODY_COLUMNS = ("nation", "subdivision")

SQLITE_BUMP = (
    "INSERT OR REPLACE INTO requests_app_countsversion (id, token) "
    "VALUES (1, lower(hex(randomblob(16))));"
)


def quoted(columns: tuple[str, ...]) -> str:
    return ", ".join(f'"{column}"' for column in columns)


# --- PostgreSQL: statement triggers calling 0018's counts_version_changed() -------------


def postgres_trigger(table: str, columns: tuple[str, ...], *, rows_come_and_go: bool) -> str:
    # A body added or removed carries no request (requests PROTECT their body): only a
    # change of its calendar can move a figure.
    events = "INSERT OR DELETE OR TRUNCATE OR " if rows_come_and_go else ""
    return (
        f"CREATE TRIGGER counts_version BEFORE {events}UPDATE OF {quoted(columns)} "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION counts_version_changed();"
    )


def postgres_forwards() -> list[str]:
    return [
        f"DROP TRIGGER counts_version ON {REQUEST_TABLE};",
        postgres_trigger(REQUEST_TABLE, REQUEST_FIGURES, rows_come_and_go=True),
        postgres_trigger(EVENT_TABLE, EVENT_COLUMNS, rows_come_and_go=True),
        postgres_trigger(BODY_TABLE, BODY_COLUMNS, rows_come_and_go=False),
    ]


def postgres_backwards() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS counts_version ON {BODY_TABLE};",
        f"DROP TRIGGER IF EXISTS counts_version ON {EVENT_TABLE};",
        f"DROP TRIGGER counts_version ON {REQUEST_TABLE};",
        postgres_trigger(REQUEST_TABLE, REQUEST_COUNTED, rows_come_and_go=True),
    ]


# --- SQLite: row triggers, as 0018's -----------------------------------------------------


def sqlite_update_trigger(table: str, columns: tuple[str, ...]) -> str:
    changed = " OR ".join(f'OLD."{column}" IS NOT NEW."{column}"' for column in columns)
    return (
        f"CREATE TRIGGER {table}_counts_version_update AFTER UPDATE OF {quoted(columns)} "
        f"ON {table} FOR EACH ROW WHEN {changed} BEGIN {SQLITE_BUMP} END;"
    )


def sqlite_row_triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_counts_version_{event.lower()} AFTER {event} ON {table} "
        f"FOR EACH ROW BEGIN {SQLITE_BUMP} END;"
        for event in ("INSERT", "DELETE")
    ]


def sqlite_forwards() -> list[str]:
    return [
        f"DROP TRIGGER {REQUEST_TABLE}_counts_version_update;",
        sqlite_update_trigger(REQUEST_TABLE, REQUEST_FIGURES),
        *sqlite_row_triggers(EVENT_TABLE),
        sqlite_update_trigger(EVENT_TABLE, EVENT_COLUMNS),
        sqlite_update_trigger(BODY_TABLE, BODY_COLUMNS),
    ]


def sqlite_backwards() -> list[str]:
    dropped = [
        f"DROP TRIGGER IF EXISTS {table}_counts_version_{event};"
        for table, event in (
            (BODY_TABLE, "update"),
            (EVENT_TABLE, "update"),
            (EVENT_TABLE, "delete"),
            (EVENT_TABLE, "insert"),
            (REQUEST_TABLE, "update"),
        )
    ]
    return [*dropped, sqlite_update_trigger(REQUEST_TABLE, REQUEST_COUNTED)]


def statements(vendor: str, *, forwards: bool) -> list[str]:
    if vendor == "postgresql":
        return postgres_forwards() if forwards else postgres_backwards()
    if vendor == "sqlite":
        return sqlite_forwards() if forwards else sqlite_backwards()
    raise NotImplementedError(f"No counts-version triggers for {vendor}")


def watch_figures(apps, schema_editor):
    for statement in statements(schema_editor.connection.vendor, forwards=True):
        schema_editor.execute(statement)


def watch_counts_only(apps, schema_editor):
    for statement in statements(schema_editor.connection.vendor, forwards=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0020_message_review_queue"),
    ]

    operations = [
        migrations.RunPython(watch_figures, watch_counts_only),
    ]
