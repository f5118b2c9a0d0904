"""Indexes for site search on PostgreSQL (ics_portal/core/search.py).

Search matches full text OR a name substring OR an exact code; each part needs its own
index or PostgreSQL scans the table, so it can combine them with a BitmapOr. The
expressions must stay exactly as search.py writes them. SQLite skips these.
"""

from django.db import migrations

from ics_portal.core.migration_operations import run_sql_on_postgresql

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS partners_org_search ON partners_organisation
    USING gin (to_tsvector('english'::regconfig, COALESCE(name, '')));
CREATE INDEX IF NOT EXISTS partners_org_name_trgm ON partners_organisation USING gin (UPPER(name::text) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS partners_org_ods_upper ON partners_organisation (UPPER(ods_code::text));
CREATE INDEX IF NOT EXISTS governance_person_search ON governance_person
    USING gin (to_tsvector('english'::regconfig, COALESCE(name, '') || ' ' || COALESCE(title, '')));
CREATE INDEX IF NOT EXISTS governance_person_name_trgm ON governance_person USING gin (UPPER(name::text) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS governance_board_search ON governance_board
    USING gin (to_tsvector('english'::regconfig, COALESCE(name, '')));
CREATE INDEX IF NOT EXISTS governance_board_name_trgm ON governance_board USING gin (UPPER(name::text) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS governance_mou_search ON governance_mou
    USING gin (to_tsvector('english'::regconfig, COALESCE(title, '') || ' ' || COALESCE(summary, '')));
CREATE INDEX IF NOT EXISTS governance_mou_title_trgm ON governance_mou USING gin (UPPER(title::text) gin_trgm_ops);
"""

DROP = """
DROP INDEX IF EXISTS partners_org_search, partners_org_name_trgm, partners_org_ods_upper,
    governance_person_search, governance_person_name_trgm, governance_board_search, governance_board_name_trgm,
    governance_mou_search, governance_mou_title_trgm;
"""


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_list_order_indexes"), ("partners", "0004_list_order_indexes")]

    operations = [run_sql_on_postgresql(CREATE, DROP)]
