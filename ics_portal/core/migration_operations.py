"""Migration operations for what only PostgreSQL has (the quick start's SQLite skips them)."""

from django.db import migrations


def run_sql_on_postgresql(sql: str, reverse_sql: str):
    """A RunPython that executes raw SQL on PostgreSQL and does nothing elsewhere."""

    def run(sql_text):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql_text, params=None)

        return operation

    return migrations.RunPython(run(sql), run(reverse_sql))
