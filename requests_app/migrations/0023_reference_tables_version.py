"""The version of migration 0018 also changes with the small tables every page reads.

Campaigns, tags, exemptions and non-working days are read on most pages and change a
few times a year; a membership's role decides what its member may edit. With the
version changing on any write to them, a process may keep what it read of them under
the version (`kept_under_version` in models/versions.py) instead of asking again on
every page view.
"""

from django.db import migrations

# Every column: the pages read most of each row (names, slugs, dates, citations).
WHOLE_TABLES = (
    "requests_app_campaign",
    "requests_app_tag",
    "requests_app_exemption",
    "requests_app_nonworkingday",
)
# Migration 0018 watches a membership being added or removed, or moving to another user
# or campaign; its other columns (the role) are read as well.
MEMBERSHIP = "requests_app_membership"
SQLITE_BUMP = (
    "INSERT OR REPLACE INTO requests_app_countsversion (id, token) "
    "VALUES (1, lower(hex(randomblob(16))));"
)


def postgres_statements() -> list[str]:
    statements = [
        f"CREATE TRIGGER counts_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION counts_version_changed();"
        for table in WHOLE_TABLES
    ]
    statements.append(
        f"CREATE TRIGGER counts_version_row BEFORE UPDATE ON {MEMBERSHIP} "
        "FOR EACH STATEMENT EXECUTE FUNCTION counts_version_changed();"
    )
    return statements


def sqlite_statements() -> list[str]:
    statements = [
        f"CREATE TRIGGER {table}_counts_version_{event.lower()} AFTER {event} ON {table} "
        f"FOR EACH ROW BEGIN {SQLITE_BUMP} END;"
        for table in WHOLE_TABLES
        for event in ("INSERT", "UPDATE", "DELETE")
    ]
    statements.append(
        f"CREATE TRIGGER {MEMBERSHIP}_counts_version_row AFTER UPDATE ON {MEMBERSHIP} "
        f"FOR EACH ROW BEGIN {SQLITE_BUMP} END;"
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
        for table in WHOLE_TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS counts_version ON {table};")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS counts_version_row ON {MEMBERSHIP};")
        return
    for table in WHOLE_TABLES:
        for event in ("insert", "update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_counts_version_{event};")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {MEMBERSHIP}_counts_version_row;")


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0022_calendar_day_order"),
    ]

    operations = [migrations.RunPython(install_triggers, drop_triggers)]
