"""The data version: one stamp that every change to public data moves, in the same transaction.

Public data is every table of the apps in `settings.PUBLIC_DATA_APPS` (their models and many-to-many
tables; not their history tables, not database views). Each such table carries a trigger that moves
`core_dataversion`, so whatever writes (the admin, the API, a service, an import's COPY, the ODS sync,
a restore, a migration, raw SQL) moves it too, and the move commits or rolls back with the change
(ADR 10). Response cache keys and the pages' validators derive from it (ics_portal/core/response_cache.py).

- PostgreSQL: a statement-level trigger BEFORE INSERT, UPDATE, DELETE or TRUNCATE. It moves the row
  once per transaction (a transaction-local setting remembers it did; a rolled-back savepoint forgets):
  updating one row once per statement would make a long import slower with every statement.
- SQLite (the quick start): row-level triggers after INSERT, UPDATE and DELETE, one per row.

The triggers are (re)installed after every `migrate` (post_migrate, ics_portal/core/apps.py), so a
table added by a later migration gets its trigger without a migration of its own.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.db import connections
from simple_history.models import HistoricalChanges

from .models import DataVersion

TRIGGER_NAME = "core_data_version"

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION core_move_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('core.data_version_moved', true) IS DISTINCT FROM txid_current()::text THEN
    INSERT INTO core_dataversion (id, version, changed_at) VALUES (1, 1, clock_timestamp())
      ON CONFLICT (id) DO UPDATE SET version = core_dataversion.version + 1, changed_at = clock_timestamp();
    PERFORM set_config('core.data_version_moved', txid_current()::text, true);
  END IF;
  RETURN NULL;
END
$$
"""

SQLITE_MOVE = (
    "UPDATE core_dataversion SET version = version + 1, changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1;"
)


def public_tables(connection) -> list[str]:
    """The tables of public data that exist in this database, sorted."""
    existing = set(connection.introspection.table_names())
    tables = set()
    for label in settings.PUBLIC_DATA_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            if meta.managed and not meta.proxy and not issubclass(model, HistoricalChanges):
                tables.add(meta.db_table)
    return sorted(tables & existing)


def install_triggers(using: str = "default") -> list[str]:
    """Give every public table the trigger (idempotent); the tables it is on. None before core's migration."""
    connection = connections[using]
    if DataVersion._meta.db_table not in connection.introspection.table_names():
        return []
    tables = public_tables(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_FUNCTION)
            for table in tables:
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {TRIGGER_NAME} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE "
                    f"ON {connection.ops.quote_name(table)} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION core_move_data_version()"
                )
        elif connection.vendor == "sqlite":
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    name = f"{TRIGGER_NAME}_{table}_{event.lower()}"
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {connection.ops.quote_name(table)} "
                        f"BEGIN {SQLITE_MOVE} END"
                    )
    return tables


def remove_triggers(using: str = "default") -> None:
    """Take the triggers off every public table, before the version's table goes."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS core_move_data_version() CASCADE")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{TRIGGER_NAME}_%"]
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")


def current(using: str | None = None) -> tuple[int, datetime.datetime] | None:
    """(version, changed_at) as committed; None when the row is missing (a database just emptied by flush)."""
    queryset = DataVersion.objects.using(using) if using else DataVersion.objects
    return queryset.filter(id=1).values_list("version", "changed_at").first()
