"""An agenda item's copies of its meeting's start and publication (`AgendaItem.meeting_starts_at`,
`agenda_published`, `minutes_published`), so search ranks the ~5,000 items a common word matches without
joining each to its meeting (ADR 15).

The database keeps them, so every way of writing either table keeps them true: the admin, the API, an import's
COPY, a restore, raw SQL. An item takes its meeting's on every insert and update (Django's save writes the
copies it read, which may be older); a meeting's insert or change of start or publication is copied to its items.
"""

from django.db import migrations, models

POSTGRESQL = r"""
ALTER TABLE governance_agendaitem ADD COLUMN meeting_starts_at timestamp with time zone NULL,
  ADD COLUMN agenda_published boolean NOT NULL DEFAULT false,
  ADD COLUMN minutes_published boolean NOT NULL DEFAULT false;

UPDATE governance_agendaitem AS item
SET meeting_starts_at = meeting.starts_at, agenda_published = meeting.agenda_published_at IS NOT NULL,
    minutes_published = meeting.minutes_published_at IS NOT NULL
FROM governance_meeting AS meeting WHERE meeting.id = item.meeting_id;

CREATE FUNCTION governance_agendaitem_copy_meeting() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  starts timestamptz;
  agenda timestamptz;
  minutes timestamptz;
BEGIN
  -- No row (a meeting inserted later in the transaction, its key being deferred): not published until it is.
  SELECT starts_at, agenda_published_at, minutes_published_at INTO starts, agenda, minutes
  FROM governance_meeting WHERE id = NEW.meeting_id;
  NEW.meeting_starts_at := starts;
  NEW.agenda_published := agenda IS NOT NULL;
  NEW.minutes_published := minutes IS NOT NULL;
  RETURN NEW;
END
$$;

CREATE FUNCTION governance_meeting_copy_to_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Each item's own trigger copies the meeting's values, so the rule is written once.
  IF TG_OP = 'UPDATE' OR EXISTS (SELECT 1 FROM governance_agendaitem WHERE meeting_id = NEW.id) THEN
    UPDATE governance_agendaitem SET meeting_id = meeting_id WHERE meeting_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER governance_agendaitem_copy_meeting BEFORE INSERT OR UPDATE ON governance_agendaitem
  FOR EACH ROW EXECUTE FUNCTION governance_agendaitem_copy_meeting();
CREATE TRIGGER governance_meeting_copy_to_items_inserted AFTER INSERT ON governance_meeting
  FOR EACH ROW EXECUTE FUNCTION governance_meeting_copy_to_items();
CREATE TRIGGER governance_meeting_copy_to_items_updated
  AFTER UPDATE OF starts_at, agenda_published_at, minutes_published_at ON governance_meeting FOR EACH ROW
  WHEN (OLD.starts_at IS DISTINCT FROM NEW.starts_at
     OR (OLD.agenda_published_at IS NULL) IS DISTINCT FROM (NEW.agenda_published_at IS NULL)
     OR (OLD.minutes_published_at IS NULL) IS DISTINCT FROM (NEW.minutes_published_at IS NULL))
  EXECUTE FUNCTION governance_meeting_copy_to_items();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS governance_agendaitem_copy_meeting ON governance_agendaitem;
DROP TRIGGER IF EXISTS governance_meeting_copy_to_items_inserted ON governance_meeting;
DROP TRIGGER IF EXISTS governance_meeting_copy_to_items_updated ON governance_meeting;
DROP FUNCTION IF EXISTS governance_agendaitem_copy_meeting();
DROP FUNCTION IF EXISTS governance_meeting_copy_to_items();
ALTER TABLE governance_agendaitem DROP COLUMN meeting_starts_at, DROP COLUMN agenda_published,
  DROP COLUMN minutes_published;
"""

# Added here, not by AddField: on SQLite that would rebuild the table, which the decisions' and tallies' views
# (migrations 0015 and 0019) refuse while it is renamed.
SQLITE_COLUMNS = (
    "meeting_starts_at datetime NULL",
    "agenda_published bool NOT NULL DEFAULT 0",
    "minutes_published bool NOT NULL DEFAULT 0",
)
# SQLite (the quick start) has no BEFORE trigger that may change the row: the item is updated after its write.
SQLITE_COPY_TO_ITEM = """
UPDATE governance_agendaitem SET
  meeting_starts_at = (SELECT starts_at FROM governance_meeting WHERE id = NEW.meeting_id),
  agenda_published = COALESCE(
    (SELECT agenda_published_at IS NOT NULL FROM governance_meeting WHERE id = NEW.meeting_id), 0),
  minutes_published = COALESCE(
    (SELECT minutes_published_at IS NOT NULL FROM governance_meeting WHERE id = NEW.meeting_id), 0)
WHERE id = NEW.id;
"""
# A meeting's items through their update trigger above.
SQLITE_COPY_TO_ITEMS = "UPDATE governance_agendaitem SET meeting_id = meeting_id WHERE meeting_id = NEW.id;"
SQLITE_TRIGGERS = {
    "governance_agendaitem_copy_meeting_inserted": ("AFTER INSERT ON governance_agendaitem", SQLITE_COPY_TO_ITEM),
    "governance_agendaitem_copy_meeting_updated": ("AFTER UPDATE ON governance_agendaitem", SQLITE_COPY_TO_ITEM),
    "governance_meeting_copy_to_items_inserted": ("AFTER INSERT ON governance_meeting", SQLITE_COPY_TO_ITEMS),
    "governance_meeting_copy_to_items_updated": (
        "AFTER UPDATE OF starts_at, agenda_published_at, minutes_published_at ON governance_meeting",
        SQLITE_COPY_TO_ITEMS,
    ),
}
# Once the triggers are there: every item through its update trigger.
SQLITE_FILL = "UPDATE governance_agendaitem SET meeting_id = meeting_id"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL, params=None)
        return
    for column in SQLITE_COLUMNS:
        schema_editor.execute(f"ALTER TABLE governance_agendaitem ADD COLUMN {column}", params=None)
    for name, (when, action) in SQLITE_TRIGGERS.items():
        schema_editor.execute(f"CREATE TRIGGER {name} {when} BEGIN {action} END", params=None)
    schema_editor.execute(SQLITE_FILL, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP, params=None)
        return
    for name in SQLITE_TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
    for column in SQLITE_COLUMNS:
        schema_editor.execute(f"ALTER TABLE governance_agendaitem DROP COLUMN {column.split()[0]}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0019_meeting_tallies"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="agendaitem",
                    name="meeting_starts_at",
                    field=models.DateTimeField(editable=False, null=True),
                ),
                migrations.AddField(
                    model_name="agendaitem",
                    name="agenda_published",
                    field=models.BooleanField(default=False, editable=False),
                ),
                migrations.AddField(
                    model_name="agendaitem",
                    name="minutes_published",
                    field=models.BooleanField(default=False, editable=False),
                ),
            ],
            database_operations=[migrations.RunPython(create, drop)],
        ),
    ]
