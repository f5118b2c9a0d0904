-- Indexes bench/run found missing at national scale (issue 6). The lead has since added all of them as
-- migrations (partners/0004, governance/0003 and 0004), so on a migrated database this file changes nothing;
-- `bench/run --proposed-indexes` stays for the next proposal: it applies this file to the bench databases only.
CREATE INDEX IF NOT EXISTS partners_org_name_id ON partners_organisation (name, id);
CREATE INDEX IF NOT EXISTS governance_board_name_id ON governance_board (name, id);
CREATE INDEX IF NOT EXISTS governance_person_name_id ON governance_person (name, id);
CREATE INDEX IF NOT EXISTS governance_meeting_starts_id ON governance_meeting (starts_at DESC, id);
-- Site search (ics_portal/core/search.py): full text OR icontains on the name OR the exact code. Each part
-- needs its own index or PostgreSQL scans the table (Person 55 ms, Organisation 35 ms, Board and MoU 10 ms each
-- at national scale); with them it combines the three with a BitmapOr (well under 1 ms each).
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
