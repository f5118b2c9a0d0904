"""Rules across tables about an ICS's life, checked at commit by deferred PostgreSQL triggers.

- A succession's date lies within both lives: the predecessor existed the day before, the successor on the day.
- A cluster's members existed for all of the cluster's dates.

Deferred, so a reorganisation (end one ICS, create another, record the succession) is saved in any
order within one transaction. SQLite (the quick start) relies on the models' clean() (docs/adr/0002).
"""

from django.db import migrations

from ics_portal.core.migration_operations import run_sql_on_postgresql

CREATE = """
CREATE FUNCTION places_check_lifecycle_rules() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM places_icssuccession s
        JOIN places_integratedcaresystem p ON p.id = s.predecessor_id
        JOIN places_integratedcaresystem n ON n.id = s.successor_id
        WHERE NOT (daterange(p.start_date, p.end_date, '[]') @> (s.date - 1))
           OR NOT (daterange(n.start_date, n.end_date, '[]') @> s.date)
    ) THEN
        RAISE EXCEPTION 'A succession must be dated within both ICSs'' lives'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'places_succession_within_lives';
    END IF;
    IF EXISTS (
        SELECT 1 FROM places_clustermembership m
        JOIN places_cluster c ON c.id = m.cluster_id
        JOIN places_integratedcaresystem i ON i.id = m.ics_id
        WHERE NOT (daterange(i.start_date, i.end_date, '[]') @> daterange(c.start_date, c.end_date, '[]'))
    ) THEN
        RAISE EXCEPTION 'A cluster''s members must exist on all of the cluster''s dates'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'places_cluster_members_exist';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER places_succession_within_lives
    AFTER INSERT OR UPDATE ON places_icssuccession
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION places_check_lifecycle_rules();

CREATE CONSTRAINT TRIGGER places_ics_life_keeps_rules
    AFTER UPDATE OF start_date, end_date ON places_integratedcaresystem
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION places_check_lifecycle_rules();

CREATE CONSTRAINT TRIGGER places_cluster_members_exist
    AFTER INSERT OR UPDATE ON places_clustermembership
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION places_check_lifecycle_rules();

CREATE CONSTRAINT TRIGGER places_cluster_dates_keep_members
    AFTER UPDATE OF start_date, end_date ON places_cluster
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION places_check_lifecycle_rules();
"""

DROP = """
DROP TRIGGER IF EXISTS places_cluster_dates_keep_members ON places_cluster;
DROP TRIGGER IF EXISTS places_cluster_members_exist ON places_clustermembership;
DROP TRIGGER IF EXISTS places_ics_life_keeps_rules ON places_integratedcaresystem;
DROP TRIGGER IF EXISTS places_succession_within_lives ON places_icssuccession;
DROP FUNCTION IF EXISTS places_check_lifecycle_rules();
"""


class Migration(migrations.Migration):
    dependencies = [("places", "0004_one_place_many_icss")]

    operations = [run_sql_on_postgresql(CREATE, DROP)]
