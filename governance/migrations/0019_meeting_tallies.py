"""governance.MeetingTally: each meeting's agenda items and the decisions of its items that are not confidential,
so the API's unfiltered agenda-item and decision lists count their rows from ~40,000 meetings, not by joining
~330,000 items (and splitting their resolutions) on every request (bench/run; ADR 13).

PostgreSQL: a table kept by a statement-level trigger on the agenda items, so every way of writing them (the
admin, the API, an import's COPY, a restore's data, raw SQL) keeps it; each run locks the meetings it recounts,
in id order, so two transactions adding items to one meeting count one after the other. TRUNCATE of the items
empties it. Publishing or withdrawing a meeting's agenda or minutes updates its row.

The quick start's SQLite: a view that counts as it is read (its data is small).
"""

import ics_portal.core.models
from django.db import migrations, models

POSTGRESQL = r"""
CREATE TABLE governance_meetingtally (
    meeting_id bigint PRIMARY KEY,
    agenda_published boolean NOT NULL,
    minutes_published boolean NOT NULL,
    agenda_items integer NOT NULL,
    public_decisions integer NOT NULL
);

CREATE FUNCTION governance_recount_meetings(meeting_ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM governance_meeting WHERE id = ANY(meeting_ids) ORDER BY id FOR NO KEY UPDATE;
  DELETE FROM governance_meetingtally WHERE meeting_id = ANY(meeting_ids);
  INSERT INTO governance_meetingtally (meeting_id, agenda_published, minutes_published, agenda_items, public_decisions)
  SELECT meeting.id, meeting.agenda_published_at IS NOT NULL, meeting.minutes_published_at IS NOT NULL, COUNT(*),
         COALESCE(SUM(
           (SELECT COUNT(*) FROM governance_decision AS d WHERE d.agenda_item_id = item.id)
         ) FILTER (WHERE NOT item.is_confidential), 0)
  FROM governance_agendaitem AS item JOIN governance_meeting AS meeting ON meeting.id = item.meeting_id
  WHERE item.meeting_id = ANY(meeting_ids)
  GROUP BY meeting.id;
END
$$;

CREATE FUNCTION governance_meeting_republished() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE governance_meetingtally
  SET agenda_published = NEW.agenda_published_at IS NOT NULL, minutes_published = NEW.minutes_published_at IS NOT NULL
  WHERE meeting_id = NEW.id;
  RETURN NULL;
END
$$;

CREATE FUNCTION governance_agendaitem_recount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM governance_recount_meetings(ARRAY(SELECT DISTINCT meeting_id FROM new_items));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM governance_recount_meetings(ARRAY(SELECT DISTINCT meeting_id FROM old_items));
  ELSE
    PERFORM governance_recount_meetings(
      ARRAY(SELECT meeting_id FROM old_items UNION SELECT meeting_id FROM new_items)
    );
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION governance_agendaitem_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE governance_meetingtally;
  RETURN NULL;
END
$$;

CREATE TRIGGER governance_agendaitem_recount_inserted AFTER INSERT ON governance_agendaitem
  REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION governance_agendaitem_recount();
CREATE TRIGGER governance_agendaitem_recount_updated AFTER UPDATE ON governance_agendaitem
  REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items
  FOR EACH STATEMENT EXECUTE FUNCTION governance_agendaitem_recount();
CREATE TRIGGER governance_agendaitem_recount_deleted AFTER DELETE ON governance_agendaitem
  REFERENCING OLD TABLE AS old_items FOR EACH STATEMENT EXECUTE FUNCTION governance_agendaitem_recount();
CREATE TRIGGER governance_meeting_republished AFTER UPDATE OF agenda_published_at, minutes_published_at
  ON governance_meeting FOR EACH ROW
  WHEN ((OLD.agenda_published_at IS NULL) IS DISTINCT FROM (NEW.agenda_published_at IS NULL)
     OR (OLD.minutes_published_at IS NULL) IS DISTINCT FROM (NEW.minutes_published_at IS NULL))
  EXECUTE FUNCTION governance_meeting_republished();
CREATE TRIGGER governance_agendaitem_recount_truncated AFTER TRUNCATE ON governance_agendaitem
  FOR EACH STATEMENT EXECUTE FUNCTION governance_agendaitem_truncated();

SELECT governance_recount_meetings(ARRAY(SELECT id FROM governance_meeting));
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS governance_agendaitem_recount_inserted ON governance_agendaitem;
DROP TRIGGER IF EXISTS governance_agendaitem_recount_updated ON governance_agendaitem;
DROP TRIGGER IF EXISTS governance_agendaitem_recount_deleted ON governance_agendaitem;
DROP TRIGGER IF EXISTS governance_agendaitem_recount_truncated ON governance_agendaitem;
DROP TRIGGER IF EXISTS governance_meeting_republished ON governance_meeting;
DROP FUNCTION IF EXISTS governance_meeting_republished();
DROP FUNCTION IF EXISTS governance_agendaitem_recount();
DROP FUNCTION IF EXISTS governance_agendaitem_truncated();
DROP FUNCTION IF EXISTS governance_recount_meetings(bigint[]);
DROP TABLE IF EXISTS governance_meetingtally;
"""

SQLITE = """
CREATE VIEW governance_meetingtally AS
SELECT item.meeting_id AS meeting_id, meeting.agenda_published_at IS NOT NULL AS agenda_published,
       meeting.minutes_published_at IS NOT NULL AS minutes_published, COUNT(*) AS agenda_items,
       COALESCE(SUM(CASE WHEN item.is_confidential THEN 0 ELSE
         (SELECT COUNT(*) FROM governance_decision AS d WHERE d.agenda_item_id = item.id) END), 0) AS public_decisions
FROM governance_agendaitem AS item JOIN governance_meeting AS meeting ON meeting.id = item.meeting_id
GROUP BY item.meeting_id
"""


def create(apps, schema_editor):
    sql = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    schema_editor.execute(sql, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP, params=None)
    else:
        schema_editor.execute("DROP VIEW IF EXISTS governance_meetingtally", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0018_meeting_newest_first_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="MeetingTally",
            fields=[
                (
                    "meeting",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="tally",
                        serialize=False,
                        to="governance.meeting",
                    ),
                ),
                ("agenda_published", models.BooleanField()),
                ("minutes_published", models.BooleanField()),
                ("agenda_items", models.PositiveIntegerField()),
                ("public_decisions", models.PositiveIntegerField()),
            ],
            options={"db_table": "governance_meetingtally", "managed": False},
            bases=(ics_portal.core.models.IcsOwned, models.Model),
        ),
        migrations.RunPython(create, drop),
    ]
