"""Writes the generated tables to PostgreSQL with COPY, replacing every places/partners/governance row.

COPY skips django-simple-history (no historical rows are written) and Django's save(): the
database's own constraints (ODS code formats, end >= start, one chair at a time, signed MoUs
need a signatory) are what guard the data, and they are all checked before the transaction
commits (`SET CONSTRAINTS ALL IMMEDIATE`).
"""

import datetime
import io

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from partners.models import Organisation
from places.models import IntegratedCareSystem

APP_LABELS = ("places", "partners", "governance")


def portal_tables() -> list[str]:
    """Every table of the places, partners and governance apps, history tables included (views are not tables)."""
    return [
        model._meta.db_table
        for label in APP_LABELS
        for model in apps.get_app_config(label).get_models()
        if model._meta.managed
    ]


def portal_has_rows() -> bool:
    return IntegratedCareSystem.objects.exists() or Organisation.objects.exists()


def write_tables(tables) -> None:
    """Empty the portal's tables and COPY `tables` in, ids and all, in one transaction; then analyse them."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses while checks are pending
        names = ", ".join(f'"{t}"' for t in portal_tables())
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        # Rows reference each other in every direction: check foreign keys and triggers once, at the end.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            copy_table(cursor, table)
        # Deferred foreign keys and the signed-MoU trigger: check now, not silently at commit.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in connection.ops.sequence_reset_sql(no_style(), [t.model for t in tables]):
            cursor.execute(sql)
    analyze(tables)


def analyze(tables) -> None:
    """Planner statistics, and (outside a transaction) the visibility map that index-only scans need: what
    autovacuum would reach on its own some minutes later."""
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'{command} "{table.model._meta.db_table}"')


def copy_table(cursor, table) -> None:
    """COPY a table's rows in, then let them go: at national scale they are most of the memory in use."""
    if not table.rows:
        return
    _check_fields(table)
    keys = [(f.name, f.attname) for f in table.fields]
    buffer = io.StringIO()
    for row in table.rows:
        buffer.write(_copy_line(row, keys, table.defaults))
    buffer.seek(0)
    columns = ", ".join(f'"{f.column}"' for f in table.fields)
    cursor.copy_expert(f'COPY "{table.model._meta.db_table}" ({columns}) FROM STDIN', buffer)
    table.rows.clear()


def _check_fields(table) -> None:
    known = {f.name for f in table.fields} | {f.attname for f in table.fields}
    unknown = set().union(*(row.keys() for row in table.rows[:50])) - known
    if unknown:
        raise ValueError(f"{table.model.__name__}: unknown fields {sorted(unknown)}")


def _copy_line(row: dict, keys, defaults: dict) -> str:
    values = []
    for name, attname in keys:
        if name in row:
            value = row[name]
        elif attname in row:
            value = row[attname]
        else:
            value = defaults[name]
        values.append(_copy_text(value))
    return "\t".join(values) + "\n"


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
