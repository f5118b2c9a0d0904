"""governance.Decision: a view with one row per non-blank line of an agenda item's resolutions.

PostgreSQL splits at every line break Python's str.splitlines() knows and strips each line as str.strip()
does, so a row is what the meeting page shows as one decision; the quick start's SQLite splits at newlines.
"""

import ics_portal.core.models
from django.db import migrations, models

POSTGRESQL_VIEW = r"""
CREATE VIEW governance_decision AS
SELECT item.id * 100000 + split.n AS id, item.id AS agenda_item_id, split.n AS line,
       regexp_replace(split.text, '^\s+|\s+$', '', 'g') AS text
FROM governance_agendaitem AS item
CROSS JOIN LATERAL regexp_split_to_table(
    item.resolutions, '\r\n|[\n\r\v\f\u001c\u001d\u001e\u0085\u2028\u2029]'
) WITH ORDINALITY AS split(text, n)
WHERE split.text ~ '\S'
"""

SQLITE_VIEW = """
CREATE VIEW governance_decision AS
WITH RECURSIVE split(agenda_item_id, n, text, rest) AS (
    SELECT id, 0, '', replace(resolutions, char(13), char(10)) || char(10) FROM governance_agendaitem
    UNION ALL
    SELECT agenda_item_id, n + 1, substr(rest, 1, instr(rest, char(10)) - 1), substr(rest, instr(rest, char(10)) + 1)
    FROM split WHERE rest <> ''
)
SELECT agenda_item_id * 100000 + n AS id, agenda_item_id, n AS line, trim(text, ' ' || char(9)) AS text
FROM split WHERE n > 0 AND trim(text, ' ' || char(9)) <> ''
"""


def create_view(apps, schema_editor):
    sql = POSTGRESQL_VIEW if schema_editor.connection.vendor == "postgresql" else SQLITE_VIEW
    schema_editor.execute(sql, params=None)


def drop_view(apps, schema_editor):
    schema_editor.execute("DROP VIEW IF EXISTS governance_decision", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0014_ics_mou_url_and_plural_labels"),
    ]

    operations = [
        migrations.CreateModel(
            name="Decision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("line", models.PositiveIntegerField(help_text="Its line in the item's resolutions, from 1.")),
                ("text", models.TextField()),
            ],
            options={
                "db_table": "governance_decision",
                "managed": False,
            },
            bases=(ics_portal.core.models.IcsOwned, models.Model),
        ),
        migrations.RunPython(create_view, drop_view),
    ]
