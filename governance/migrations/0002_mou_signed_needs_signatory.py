"""An MoU marked signed or in force must have a signatory: a deferred PostgreSQL trigger.

It is checked at commit, so an MoU and its first signatory can be saved in one
transaction in either order. SQLite (the quick start) relies on the services and
forms instead (docs/adr/0002).
"""

from django.db import migrations

from ics_portal.core.migration_operations import run_sql_on_postgresql

CREATE = """
CREATE FUNCTION governance_mou_needs_signatory() RETURNS trigger AS $$
DECLARE
    checked_mou bigint;
BEGIN
    IF TG_TABLE_NAME = 'governance_mou' THEN
        checked_mou := NEW.id;
    ELSE
        checked_mou := OLD.mou_id;
    END IF;
    IF EXISTS (
        SELECT 1 FROM governance_mou m
        WHERE m.id = checked_mou
          AND m.status IN ('signed', 'in_force')
          AND NOT EXISTS (SELECT 1 FROM governance_mousignatory s WHERE s.mou_id = m.id)
    ) THEN
        RAISE EXCEPTION 'An MoU marked signed or in force needs at least one signatory (MoU %)', checked_mou
            USING ERRCODE = 'check_violation', CONSTRAINT = 'governance_mou_signed_needs_signatory';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER governance_mou_signed_needs_signatory
    AFTER INSERT OR UPDATE OF status ON governance_mou
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION governance_mou_needs_signatory();

CREATE CONSTRAINT TRIGGER governance_mousignatory_keeps_signed_mou
    AFTER DELETE OR UPDATE OF mou_id ON governance_mousignatory
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION governance_mou_needs_signatory();
"""

DROP = """
DROP TRIGGER IF EXISTS governance_mousignatory_keeps_signed_mou ON governance_mousignatory;
DROP TRIGGER IF EXISTS governance_mou_signed_needs_signatory ON governance_mou;
DROP FUNCTION IF EXISTS governance_mou_needs_signatory();
"""


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [run_sql_on_postgresql(CREATE, DROP)]
