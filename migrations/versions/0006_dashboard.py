"""dashboard: counter tables kept by triggers, yearly targets and settings

Revision ID: 0006_dashboard
Revises: 0005_person_scale
Create Date: 2026-11-28

The counter tables (`village_person_counts`, `village_case_counts`, `village_business_counts`,
`business_month_counts`) are written only by the triggers created here
(app/dashboard/counters.py generates the same statements for the tests' create_all); the upgrade
fills them once from the existing rows. SQLite: row triggers; PostgreSQL: statement triggers with
transition tables (one grouped UPSERT per statement, cheap for bulk imports). The business
counters also have a trigger on `persons` (a founder's status decides 返乡 / 入乡).

NOTE for later migrations: on SQLite a batch ("move and copy") alteration of `persons`, `cases`
or `businesses` recreates the table and drops its triggers; re-create them from TRIGGERS afterwards.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_dashboard'
down_revision = '0005_person_scale'
branch_labels = None
depends_on = None

TRIGGERS = {
    "sqlite": ['CREATE TRIGGER persons_village_counts_ins AFTER INSERT ON persons BEGIN INSERT INTO village_person_counts '
 '(village_id, people, sanyou) SELECT NEW.village_id, (1), (CASE WHEN NEW.is_sanyou THEN 1 ELSE 0 END) WHERE '
 'NEW.archived_at IS NULL ON CONFLICT (village_id) DO UPDATE SET people = village_person_counts.people + '
 'excluded.people, sanyou = village_person_counts.sanyou + excluded.sanyou; END',
 'CREATE TRIGGER persons_village_counts_del AFTER DELETE ON persons BEGIN INSERT INTO village_person_counts '
 '(village_id, people, sanyou) SELECT OLD.village_id, -(1), -(CASE WHEN OLD.is_sanyou THEN 1 ELSE 0 END) '
 'WHERE OLD.archived_at IS NULL ON CONFLICT (village_id) DO UPDATE SET people = village_person_counts.people '
 '+ excluded.people, sanyou = village_person_counts.sanyou + excluded.sanyou; END',
 'CREATE TRIGGER persons_village_counts_upd AFTER UPDATE OF village_id, archived_at, is_sanyou ON persons '
 'BEGIN INSERT INTO village_person_counts (village_id, people, sanyou) SELECT OLD.village_id, -(1), -(CASE '
 'WHEN OLD.is_sanyou THEN 1 ELSE 0 END) WHERE OLD.archived_at IS NULL ON CONFLICT (village_id) DO UPDATE SET '
 'people = village_person_counts.people + excluded.people, sanyou = village_person_counts.sanyou + '
 'excluded.sanyou; INSERT INTO village_person_counts (village_id, people, sanyou) SELECT NEW.village_id, '
 '(1), (CASE WHEN NEW.is_sanyou THEN 1 ELSE 0 END) WHERE NEW.archived_at IS NULL ON CONFLICT (village_id) DO '
 'UPDATE SET people = village_person_counts.people + excluded.people, sanyou = village_person_counts.sanyou '
 '+ excluded.sanyou; END',
 'CREATE TRIGGER cases_village_counts_ins AFTER INSERT ON cases BEGIN INSERT INTO village_case_counts '
 '(village_id, stage, open_cases, unassigned) SELECT NEW.village_id, NEW.stage, (1), (CASE WHEN '
 'NEW.specialist_id IS NULL OR NEW.mentor_id IS NULL THEN 1 ELSE 0 END) WHERE NEW.closed_on IS NULL ON '
 'CONFLICT (village_id, stage) DO UPDATE SET open_cases = village_case_counts.open_cases + '
 'excluded.open_cases, unassigned = village_case_counts.unassigned + excluded.unassigned; END',
 'CREATE TRIGGER cases_village_counts_del AFTER DELETE ON cases BEGIN INSERT INTO village_case_counts '
 '(village_id, stage, open_cases, unassigned) SELECT OLD.village_id, OLD.stage, -(1), -(CASE WHEN '
 'OLD.specialist_id IS NULL OR OLD.mentor_id IS NULL THEN 1 ELSE 0 END) WHERE OLD.closed_on IS NULL ON '
 'CONFLICT (village_id, stage) DO UPDATE SET open_cases = village_case_counts.open_cases + '
 'excluded.open_cases, unassigned = village_case_counts.unassigned + excluded.unassigned; END',
 'CREATE TRIGGER cases_village_counts_upd AFTER UPDATE OF village_id, stage, closed_on, specialist_id, '
 'mentor_id ON cases BEGIN INSERT INTO village_case_counts (village_id, stage, open_cases, unassigned) '
 'SELECT OLD.village_id, OLD.stage, -(1), -(CASE WHEN OLD.specialist_id IS NULL OR OLD.mentor_id IS NULL '
 'THEN 1 ELSE 0 END) WHERE OLD.closed_on IS NULL ON CONFLICT (village_id, stage) DO UPDATE SET open_cases = '
 'village_case_counts.open_cases + excluded.open_cases, unassigned = village_case_counts.unassigned + '
 'excluded.unassigned; INSERT INTO village_case_counts (village_id, stage, open_cases, unassigned) SELECT '
 'NEW.village_id, NEW.stage, (1), (CASE WHEN NEW.specialist_id IS NULL OR NEW.mentor_id IS NULL THEN 1 ELSE '
 '0 END) WHERE NEW.closed_on IS NULL ON CONFLICT (village_id, stage) DO UPDATE SET open_cases = '
 'village_case_counts.open_cases + excluded.open_cases, unassigned = village_case_counts.unassigned + '
 'excluded.unassigned; END',
 'CREATE TRIGGER businesses_village_counts_ins AFTER INSERT ON businesses BEGIN INSERT INTO '
 'village_business_counts (village_id, year, kind, incomer, businesses) SELECT NEW.village_id, '
 "CAST(strftime('%Y', NEW.registered_on) AS INTEGER), NEW.kind, CASE WHEN (SELECT fp.status FROM persons fp "
 "WHERE fp.id = NEW.founder_id) = 'incomer' THEN 1 ELSE 0 END, (1) WHERE 1 = 1 ON CONFLICT (village_id, "
 'year, kind, incomer) DO UPDATE SET businesses = village_business_counts.businesses + excluded.businesses; '
 'END',
 'CREATE TRIGGER businesses_village_counts_del AFTER DELETE ON businesses BEGIN INSERT INTO '
 'village_business_counts (village_id, year, kind, incomer, businesses) SELECT OLD.village_id, '
 "CAST(strftime('%Y', OLD.registered_on) AS INTEGER), OLD.kind, CASE WHEN (SELECT fp.status FROM persons fp "
 "WHERE fp.id = OLD.founder_id) = 'incomer' THEN 1 ELSE 0 END, -(1) WHERE 1 = 1 ON CONFLICT (village_id, "
 'year, kind, incomer) DO UPDATE SET businesses = village_business_counts.businesses + excluded.businesses; '
 'END',
 'CREATE TRIGGER businesses_village_counts_upd AFTER UPDATE OF village_id, registered_on, kind, founder_id '
 'ON businesses BEGIN INSERT INTO village_business_counts (village_id, year, kind, incomer, businesses) '
 "SELECT OLD.village_id, CAST(strftime('%Y', OLD.registered_on) AS INTEGER), OLD.kind, CASE WHEN (SELECT "
 "fp.status FROM persons fp WHERE fp.id = OLD.founder_id) = 'incomer' THEN 1 ELSE 0 END, -(1) WHERE 1 = 1 ON "
 'CONFLICT (village_id, year, kind, incomer) DO UPDATE SET businesses = village_business_counts.businesses + '
 'excluded.businesses; INSERT INTO village_business_counts (village_id, year, kind, incomer, businesses) '
 "SELECT NEW.village_id, CAST(strftime('%Y', NEW.registered_on) AS INTEGER), NEW.kind, CASE WHEN (SELECT "
 "fp.status FROM persons fp WHERE fp.id = NEW.founder_id) = 'incomer' THEN 1 ELSE 0 END, (1) WHERE 1 = 1 ON "
 'CONFLICT (village_id, year, kind, incomer) DO UPDATE SET businesses = village_business_counts.businesses + '
 'excluded.businesses; END',
 'CREATE TRIGGER businesses_village_counts_founder AFTER UPDATE OF status ON persons WHEN OLD.status IS NOT '
 'NEW.status BEGIN INSERT INTO village_business_counts (village_id, year, kind, incomer, businesses) SELECT '
 "b.village_id, CAST(strftime('%Y', b.registered_on) AS INTEGER), b.kind, CASE WHEN OLD.status = 'incomer' "
 'THEN 1 ELSE 0 END, sum(-(1)) FROM businesses b WHERE b.founder_id = OLD.id AND 1 = 1 GROUP BY '
 "b.village_id, CAST(strftime('%Y', b.registered_on) AS INTEGER), b.kind, CASE WHEN OLD.status = 'incomer' "
 'THEN 1 ELSE 0 END ON CONFLICT (village_id, year, kind, incomer) DO UPDATE SET businesses = '
 'village_business_counts.businesses + excluded.businesses; INSERT INTO village_business_counts (village_id, '
 "year, kind, incomer, businesses) SELECT b.village_id, CAST(strftime('%Y', b.registered_on) AS INTEGER), "
 "b.kind, CASE WHEN NEW.status = 'incomer' THEN 1 ELSE 0 END, sum((1)) FROM businesses b WHERE b.founder_id "
 "= NEW.id AND 1 = 1 GROUP BY b.village_id, CAST(strftime('%Y', b.registered_on) AS INTEGER), b.kind, CASE "
 "WHEN NEW.status = 'incomer' THEN 1 ELSE 0 END ON CONFLICT (village_id, year, kind, incomer) DO UPDATE SET "
 'businesses = village_business_counts.businesses + excluded.businesses; END',
 'CREATE TRIGGER businesses_month_counts_ins AFTER INSERT ON businesses BEGIN INSERT INTO '
 "business_month_counts (year, month, incomer, businesses) SELECT CAST(strftime('%Y', NEW.registered_on) AS "
 "INTEGER), CAST(strftime('%m', NEW.registered_on) AS INTEGER), CASE WHEN (SELECT fp.status FROM persons fp "
 "WHERE fp.id = NEW.founder_id) = 'incomer' THEN 1 ELSE 0 END, (1) WHERE 1 = 1 ON CONFLICT (year, month, "
 'incomer) DO UPDATE SET businesses = business_month_counts.businesses + excluded.businesses; END',
 'CREATE TRIGGER businesses_month_counts_del AFTER DELETE ON businesses BEGIN INSERT INTO '
 "business_month_counts (year, month, incomer, businesses) SELECT CAST(strftime('%Y', OLD.registered_on) AS "
 "INTEGER), CAST(strftime('%m', OLD.registered_on) AS INTEGER), CASE WHEN (SELECT fp.status FROM persons fp "
 "WHERE fp.id = OLD.founder_id) = 'incomer' THEN 1 ELSE 0 END, -(1) WHERE 1 = 1 ON CONFLICT (year, month, "
 'incomer) DO UPDATE SET businesses = business_month_counts.businesses + excluded.businesses; END',
 'CREATE TRIGGER businesses_month_counts_upd AFTER UPDATE OF registered_on, founder_id ON businesses BEGIN '
 "INSERT INTO business_month_counts (year, month, incomer, businesses) SELECT CAST(strftime('%Y', "
 "OLD.registered_on) AS INTEGER), CAST(strftime('%m', OLD.registered_on) AS INTEGER), CASE WHEN (SELECT "
 "fp.status FROM persons fp WHERE fp.id = OLD.founder_id) = 'incomer' THEN 1 ELSE 0 END, -(1) WHERE 1 = 1 ON "
 'CONFLICT (year, month, incomer) DO UPDATE SET businesses = business_month_counts.businesses + '
 'excluded.businesses; INSERT INTO business_month_counts (year, month, incomer, businesses) SELECT '
 "CAST(strftime('%Y', NEW.registered_on) AS INTEGER), CAST(strftime('%m', NEW.registered_on) AS INTEGER), "
 "CASE WHEN (SELECT fp.status FROM persons fp WHERE fp.id = NEW.founder_id) = 'incomer' THEN 1 ELSE 0 END, "
 '(1) WHERE 1 = 1 ON CONFLICT (year, month, incomer) DO UPDATE SET businesses = '
 'business_month_counts.businesses + excluded.businesses; END',
 'CREATE TRIGGER businesses_month_counts_founder AFTER UPDATE OF status ON persons WHEN OLD.status IS NOT '
 'NEW.status BEGIN INSERT INTO business_month_counts (year, month, incomer, businesses) SELECT '
 "CAST(strftime('%Y', b.registered_on) AS INTEGER), CAST(strftime('%m', b.registered_on) AS INTEGER), CASE "
 "WHEN OLD.status = 'incomer' THEN 1 ELSE 0 END, sum(-(1)) FROM businesses b WHERE b.founder_id = OLD.id AND "
 "1 = 1 GROUP BY CAST(strftime('%Y', b.registered_on) AS INTEGER), CAST(strftime('%m', b.registered_on) AS "
 "INTEGER), CASE WHEN OLD.status = 'incomer' THEN 1 ELSE 0 END ON CONFLICT (year, month, incomer) DO UPDATE "
 'SET businesses = business_month_counts.businesses + excluded.businesses; INSERT INTO business_month_counts '
 "(year, month, incomer, businesses) SELECT CAST(strftime('%Y', b.registered_on) AS INTEGER), "
 "CAST(strftime('%m', b.registered_on) AS INTEGER), CASE WHEN NEW.status = 'incomer' THEN 1 ELSE 0 END, "
 "sum((1)) FROM businesses b WHERE b.founder_id = NEW.id AND 1 = 1 GROUP BY CAST(strftime('%Y', "
 "b.registered_on) AS INTEGER), CAST(strftime('%m', b.registered_on) AS INTEGER), CASE WHEN NEW.status = "
 "'incomer' THEN 1 ELSE 0 END ON CONFLICT (year, month, incomer) DO UPDATE SET businesses = "
 'business_month_counts.businesses + excluded.businesses; END'],
    "postgresql": ['CREATE OR REPLACE FUNCTION persons_village_counts_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
 'INSERT INTO village_person_counts (village_id, people, sanyou) SELECT k_village_id, sum(v_people), '
 'sum(v_sanyou) FROM (SELECT r.village_id AS k_village_id, (1) AS v_people, (CASE WHEN r.is_sanyou THEN 1 '
 'ELSE 0 END) AS v_sanyou FROM new_rows r WHERE r.archived_at IS NULL) x GROUP BY k_village_id HAVING '
 'sum(v_people) <> 0 OR sum(v_sanyou) <> 0 ORDER BY k_village_id ON CONFLICT (village_id) DO UPDATE SET '
 'people = village_person_counts.people + excluded.people, sanyou = village_person_counts.sanyou + '
 'excluded.sanyou; RETURN NULL; END $$',
 'CREATE OR REPLACE FUNCTION persons_village_counts_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
 'INSERT INTO village_person_counts (village_id, people, sanyou) SELECT k_village_id, sum(v_people), '
 'sum(v_sanyou) FROM (SELECT r.village_id AS k_village_id, -(1) AS v_people, -(CASE WHEN r.is_sanyou THEN 1 '
 'ELSE 0 END) AS v_sanyou FROM old_rows r WHERE r.archived_at IS NULL) x GROUP BY k_village_id HAVING '
 'sum(v_people) <> 0 OR sum(v_sanyou) <> 0 ORDER BY k_village_id ON CONFLICT (village_id) DO UPDATE SET '
 'people = village_person_counts.people + excluded.people, sanyou = village_person_counts.sanyou + '
 'excluded.sanyou; RETURN NULL; END $$',
 'CREATE OR REPLACE FUNCTION persons_village_counts_upd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
 'INSERT INTO village_person_counts (village_id, people, sanyou) SELECT k_village_id, sum(v_people), '
 'sum(v_sanyou) FROM (SELECT r.village_id AS k_village_id, -(1) AS v_people, -(CASE WHEN r.is_sanyou THEN 1 '
 'ELSE 0 END) AS v_sanyou FROM old_rows r WHERE r.archived_at IS NULL UNION ALL SELECT r.village_id AS '
 'k_village_id, (1) AS v_people, (CASE WHEN r.is_sanyou THEN 1 ELSE 0 END) AS v_sanyou FROM new_rows r WHERE '
 'r.archived_at IS NULL) x GROUP BY k_village_id HAVING sum(v_people) <> 0 OR sum(v_sanyou) <> 0 ORDER BY '
 'k_village_id ON CONFLICT (village_id) DO UPDATE SET people = village_person_counts.people + '
 'excluded.people, sanyou = village_person_counts.sanyou + excluded.sanyou; RETURN NULL; END $$',
 'CREATE TRIGGER persons_village_counts_ins AFTER INSERT ON persons REFERENCING NEW TABLE AS new_rows FOR '
 'EACH STATEMENT EXECUTE FUNCTION persons_village_counts_ins()',
 'CREATE TRIGGER persons_village_counts_del AFTER DELETE ON persons REFERENCING OLD TABLE AS old_rows FOR '
 'EACH STATEMENT EXECUTE FUNCTION persons_village_counts_del()',
 'CREATE TRIGGER persons_village_counts_upd AFTER UPDATE ON persons REFERENCING OLD TABLE AS old_rows NEW '
 'TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION persons_village_counts_upd()',
 'CREATE OR REPLACE FUNCTION cases_village_counts_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT '
 'INTO village_case_counts (village_id, stage, open_cases, unassigned) SELECT k_village_id, k_stage, '
 'sum(v_open_cases), sum(v_unassigned) FROM (SELECT r.village_id AS k_village_id, r.stage AS k_stage, (1) AS '
 'v_open_cases, (CASE WHEN r.specialist_id IS NULL OR r.mentor_id IS NULL THEN 1 ELSE 0 END) AS v_unassigned '
 'FROM new_rows r WHERE r.closed_on IS NULL) x GROUP BY k_village_id, k_stage HAVING sum(v_open_cases) <> 0 '
 'OR sum(v_unassigned) <> 0 ORDER BY k_village_id, k_stage ON CONFLICT (village_id, stage) DO UPDATE SET '
 'open_cases = village_case_counts.open_cases + excluded.open_cases, unassigned = '
 'village_case_counts.unassigned + excluded.unassigned; RETURN NULL; END $$',
 'CREATE OR REPLACE FUNCTION cases_village_counts_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT '
 'INTO village_case_counts (village_id, stage, open_cases, unassigned) SELECT k_village_id, k_stage, '
 'sum(v_open_cases), sum(v_unassigned) FROM (SELECT r.village_id AS k_village_id, r.stage AS k_stage, -(1) '
 'AS v_open_cases, -(CASE WHEN r.specialist_id IS NULL OR r.mentor_id IS NULL THEN 1 ELSE 0 END) AS '
 'v_unassigned FROM old_rows r WHERE r.closed_on IS NULL) x GROUP BY k_village_id, k_stage HAVING '
 'sum(v_open_cases) <> 0 OR sum(v_unassigned) <> 0 ORDER BY k_village_id, k_stage ON CONFLICT (village_id, '
 'stage) DO UPDATE SET open_cases = village_case_counts.open_cases + excluded.open_cases, unassigned = '
 'village_case_counts.unassigned + excluded.unassigned; RETURN NULL; END $$',
 'CREATE OR REPLACE FUNCTION cases_village_counts_upd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT '
 'INTO village_case_counts (village_id, stage, open_cases, unassigned) SELECT k_village_id, k_stage, '
 'sum(v_open_cases), sum(v_unassigned) FROM (SELECT r.village_id AS k_village_id, r.stage AS k_stage, -(1) '
 'AS v_open_cases, -(CASE WHEN r.specialist_id IS NULL OR r.mentor_id IS NULL THEN 1 ELSE 0 END) AS '
 'v_unassigned FROM old_rows r WHERE r.closed_on IS NULL UNION ALL SELECT r.village_id AS k_village_id, '
 'r.stage AS k_stage, (1) AS v_open_cases, (CASE WHEN r.specialist_id IS NULL OR r.mentor_id IS NULL THEN 1 '
 'ELSE 0 END) AS v_unassigned FROM new_rows r WHERE r.closed_on IS NULL) x GROUP BY k_village_id, k_stage '
 'HAVING sum(v_open_cases) <> 0 OR sum(v_unassigned) <> 0 ORDER BY k_village_id, k_stage ON CONFLICT '
 '(village_id, stage) DO UPDATE SET open_cases = village_case_counts.open_cases + excluded.open_cases, '
 'unassigned = village_case_counts.unassigned + excluded.unassigned; RETURN NULL; END $$',
 'CREATE TRIGGER cases_village_counts_ins AFTER INSERT ON cases REFERENCING NEW TABLE AS new_rows FOR EACH '
 'STATEMENT EXECUTE FUNCTION cases_village_counts_ins()',
 'CREATE TRIGGER cases_village_counts_del AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows FOR EACH '
 'STATEMENT EXECUTE FUNCTION cases_village_counts_del()',
 'CREATE TRIGGER cases_village_counts_upd AFTER UPDATE ON cases REFERENCING OLD TABLE AS old_rows NEW TABLE '
 'AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cases_village_counts_upd()',
 'CREATE OR REPLACE FUNCTION businesses_village_counts_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
 'INSERT INTO village_business_counts (village_id, year, kind, incomer, businesses) SELECT k_village_id, '
 'k_year, k_kind, k_incomer, sum(v_businesses) FROM (SELECT r.village_id AS k_village_id, CAST(EXTRACT(YEAR '
 'FROM r.registered_on) AS INTEGER) AS k_year, r.kind AS k_kind, CASE WHEN (SELECT fp.status FROM persons fp '
 "WHERE fp.id = r.founder_id) = 'incomer' THEN 1 ELSE 0 END AS k_incomer, (1) AS v_businesses FROM new_rows "
 'r WHERE 1 = 1) x GROUP BY k_village_id, k_year, k_kind, k_incomer HAVING sum(v_businesses) <> 0 ORDER BY '
 'k_village_id, k_year, k_kind, k_incomer ON CONFLICT (village_id, year, kind, incomer) DO UPDATE SET '
 'businesses = village_business_counts.businesses + excluded.businesses; RETURN NULL; END $$',
 'CREATE OR REPLACE FUNCTION businesses_village_counts_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
 'INSERT INTO village_business_counts (village_id, year, kind, incomer, businesses) SELECT k_village_id, '
 'k_year, k_kind, k_incomer, sum(v_businesses) FROM (SELECT r.village_id AS k_village_id, CAST(EXTRACT(YEAR '
 'FROM r.registered_on) AS INTEGER) AS k_year, r.kind AS k_kind, CASE WHEN (SELECT fp.status FROM persons fp '
 "WHERE fp.id = r.founder_id) = 'incomer' THEN 1 ELSE 0 END AS k_incomer, -(1) AS v_businesses FROM old_rows "
 'r WHERE 1 = 1) x GROUP BY k_village_id, k_year, k_kind, k_incomer HAVING sum(v_businesses) <> 0 ORDER BY '
 'k_village_id, k_year, k_kind, k_incomer ON CONFLICT (village_id, year, kind, incomer) DO UPDATE SET '
 'businesses = village_business_counts.businesses + excluded.businesses; RETURN NULL; END $$',
 'CREATE OR REPLACE FUNCTION businesses_village_counts_upd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
 'INSERT INTO village_business_counts (village_id, year, kind, incomer, businesses) SELECT k_village_id, '
 'k_year, k_kind, k_incomer, sum(v_businesses) FROM (SELECT r.village_id AS k_village_id, CAST(EXTRACT(YEAR '
 'FROM r.registered_on) AS INTEGER) AS k_year, r.kind AS k_kind, CASE WHEN (SELECT fp.status FROM persons fp '
 "WHERE fp.id = r.founder_id) = 'incomer' THEN 1 ELSE 0 END AS k_incomer, -(1) AS v_businesses FROM old_rows "
 'r WHERE 1 = 1 UNION ALL SELECT r.village_id AS k_village_id, CAST(EXTRACT(YEAR FROM r.registered_on) AS '
 'INTEGER) AS k_year, r.kind AS k_kind, CASE WHEN (SELECT fp.status FROM persons fp WHERE fp.id = '
 "r.founder_id) = 'incomer' THEN 1 ELSE 0 END AS k_incomer, (1) AS v_businesses FROM new_rows r WHERE 1 = 1) "
 'x GROUP BY k_village_id, k_year, k_kind, k_incomer HAVING sum(v_businesses) <> 0 ORDER BY k_village_id, '
 'k_year, k_kind, k_incomer ON CONFLICT (village_id, year, kind, incomer) DO UPDATE SET businesses = '
 'village_business_counts.businesses + excluded.businesses; RETURN NULL; END $$',
 'CREATE TRIGGER businesses_village_counts_ins AFTER INSERT ON businesses REFERENCING NEW TABLE AS new_rows '
 'FOR EACH STATEMENT EXECUTE FUNCTION businesses_village_counts_ins()',
 'CREATE TRIGGER businesses_village_counts_del AFTER DELETE ON businesses REFERENCING OLD TABLE AS old_rows '
 'FOR EACH STATEMENT EXECUTE FUNCTION businesses_village_counts_del()',
 'CREATE TRIGGER businesses_village_counts_upd AFTER UPDATE ON businesses REFERENCING OLD TABLE AS old_rows '
 'NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION businesses_village_counts_upd()',
 'CREATE OR REPLACE FUNCTION businesses_village_counts_founder() RETURNS trigger LANGUAGE plpgsql AS $$ '
 'BEGIN INSERT INTO village_business_counts (village_id, year, kind, incomer, businesses) SELECT '
 'k_village_id, k_year, k_kind, k_incomer, sum(v_businesses) FROM (SELECT b.village_id AS k_village_id, '
 'CAST(EXTRACT(YEAR FROM b.registered_on) AS INTEGER) AS k_year, b.kind AS k_kind, CASE WHEN o.status = '
 "'incomer' THEN 1 ELSE 0 END AS k_incomer, -(1) AS v_businesses FROM old_rows o JOIN new_rows n ON n.id = "
 'o.id JOIN businesses b ON b.founder_id = o.id WHERE o.status IS DISTINCT FROM n.status AND 1 = 1 UNION ALL '
 'SELECT b.village_id AS k_village_id, CAST(EXTRACT(YEAR FROM b.registered_on) AS INTEGER) AS k_year, b.kind '
 "AS k_kind, CASE WHEN n.status = 'incomer' THEN 1 ELSE 0 END AS k_incomer, (1) AS v_businesses FROM "
 'old_rows o JOIN new_rows n ON n.id = o.id JOIN businesses b ON b.founder_id = o.id WHERE o.status IS '
 'DISTINCT FROM n.status AND 1 = 1) x GROUP BY k_village_id, k_year, k_kind, k_incomer HAVING '
 'sum(v_businesses) <> 0 ORDER BY k_village_id, k_year, k_kind, k_incomer ON CONFLICT (village_id, year, '
 'kind, incomer) DO UPDATE SET businesses = village_business_counts.businesses + excluded.businesses; RETURN '
 'NULL; END $$',
 'CREATE TRIGGER businesses_village_counts_founder AFTER UPDATE ON persons REFERENCING OLD TABLE AS old_rows '
 'NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION businesses_village_counts_founder()',
 'CREATE OR REPLACE FUNCTION businesses_month_counts_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
 'INSERT INTO business_month_counts (year, month, incomer, businesses) SELECT k_year, k_month, k_incomer, '
 'sum(v_businesses) FROM (SELECT CAST(EXTRACT(YEAR FROM r.registered_on) AS INTEGER) AS k_year, '
 'CAST(EXTRACT(MONTH FROM r.registered_on) AS INTEGER) AS k_month, CASE WHEN (SELECT fp.status FROM persons '
 "fp WHERE fp.id = r.founder_id) = 'incomer' THEN 1 ELSE 0 END AS k_incomer, (1) AS v_businesses FROM "
 'new_rows r WHERE 1 = 1) x GROUP BY k_year, k_month, k_incomer HAVING sum(v_businesses) <> 0 ORDER BY '
 'k_year, k_month, k_incomer ON CONFLICT (year, month, incomer) DO UPDATE SET businesses = '
 'business_month_counts.businesses + excluded.businesses; RETURN NULL; END $$',
 'CREATE OR REPLACE FUNCTION businesses_month_counts_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
 'INSERT INTO business_month_counts (year, month, incomer, businesses) SELECT k_year, k_month, k_incomer, '
 'sum(v_businesses) FROM (SELECT CAST(EXTRACT(YEAR FROM r.registered_on) AS INTEGER) AS k_year, '
 'CAST(EXTRACT(MONTH FROM r.registered_on) AS INTEGER) AS k_month, CASE WHEN (SELECT fp.status FROM persons '
 "fp WHERE fp.id = r.founder_id) = 'incomer' THEN 1 ELSE 0 END AS k_incomer, -(1) AS v_businesses FROM "
 'old_rows r WHERE 1 = 1) x GROUP BY k_year, k_month, k_incomer HAVING sum(v_businesses) <> 0 ORDER BY '
 'k_year, k_month, k_incomer ON CONFLICT (year, month, incomer) DO UPDATE SET businesses = '
 'business_month_counts.businesses + excluded.businesses; RETURN NULL; END $$',
 'CREATE OR REPLACE FUNCTION businesses_month_counts_upd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
 'INSERT INTO business_month_counts (year, month, incomer, businesses) SELECT k_year, k_month, k_incomer, '
 'sum(v_businesses) FROM (SELECT CAST(EXTRACT(YEAR FROM r.registered_on) AS INTEGER) AS k_year, '
 'CAST(EXTRACT(MONTH FROM r.registered_on) AS INTEGER) AS k_month, CASE WHEN (SELECT fp.status FROM persons '
 "fp WHERE fp.id = r.founder_id) = 'incomer' THEN 1 ELSE 0 END AS k_incomer, -(1) AS v_businesses FROM "
 'old_rows r WHERE 1 = 1 UNION ALL SELECT CAST(EXTRACT(YEAR FROM r.registered_on) AS INTEGER) AS k_year, '
 'CAST(EXTRACT(MONTH FROM r.registered_on) AS INTEGER) AS k_month, CASE WHEN (SELECT fp.status FROM persons '
 "fp WHERE fp.id = r.founder_id) = 'incomer' THEN 1 ELSE 0 END AS k_incomer, (1) AS v_businesses FROM "
 'new_rows r WHERE 1 = 1) x GROUP BY k_year, k_month, k_incomer HAVING sum(v_businesses) <> 0 ORDER BY '
 'k_year, k_month, k_incomer ON CONFLICT (year, month, incomer) DO UPDATE SET businesses = '
 'business_month_counts.businesses + excluded.businesses; RETURN NULL; END $$',
 'CREATE TRIGGER businesses_month_counts_ins AFTER INSERT ON businesses REFERENCING NEW TABLE AS new_rows '
 'FOR EACH STATEMENT EXECUTE FUNCTION businesses_month_counts_ins()',
 'CREATE TRIGGER businesses_month_counts_del AFTER DELETE ON businesses REFERENCING OLD TABLE AS old_rows '
 'FOR EACH STATEMENT EXECUTE FUNCTION businesses_month_counts_del()',
 'CREATE TRIGGER businesses_month_counts_upd AFTER UPDATE ON businesses REFERENCING OLD TABLE AS old_rows '
 'NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION businesses_month_counts_upd()',
 'CREATE OR REPLACE FUNCTION businesses_month_counts_founder() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
 'INSERT INTO business_month_counts (year, month, incomer, businesses) SELECT k_year, k_month, k_incomer, '
 'sum(v_businesses) FROM (SELECT CAST(EXTRACT(YEAR FROM b.registered_on) AS INTEGER) AS k_year, '
 "CAST(EXTRACT(MONTH FROM b.registered_on) AS INTEGER) AS k_month, CASE WHEN o.status = 'incomer' THEN 1 "
 'ELSE 0 END AS k_incomer, -(1) AS v_businesses FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN '
 'businesses b ON b.founder_id = o.id WHERE o.status IS DISTINCT FROM n.status AND 1 = 1 UNION ALL SELECT '
 'CAST(EXTRACT(YEAR FROM b.registered_on) AS INTEGER) AS k_year, CAST(EXTRACT(MONTH FROM b.registered_on) AS '
 "INTEGER) AS k_month, CASE WHEN n.status = 'incomer' THEN 1 ELSE 0 END AS k_incomer, (1) AS v_businesses "
 'FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN businesses b ON b.founder_id = o.id WHERE o.status IS '
 'DISTINCT FROM n.status AND 1 = 1) x GROUP BY k_year, k_month, k_incomer HAVING sum(v_businesses) <> 0 '
 'ORDER BY k_year, k_month, k_incomer ON CONFLICT (year, month, incomer) DO UPDATE SET businesses = '
 'business_month_counts.businesses + excluded.businesses; RETURN NULL; END $$',
 'CREATE TRIGGER businesses_month_counts_founder AFTER UPDATE ON persons REFERENCING OLD TABLE AS old_rows '
 'NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION businesses_month_counts_founder()'],
}
DROP_TRIGGERS = {
    "sqlite": ['DROP TRIGGER IF EXISTS persons_village_counts_ins',
 'DROP TRIGGER IF EXISTS persons_village_counts_del',
 'DROP TRIGGER IF EXISTS persons_village_counts_upd',
 'DROP TRIGGER IF EXISTS cases_village_counts_ins',
 'DROP TRIGGER IF EXISTS cases_village_counts_del',
 'DROP TRIGGER IF EXISTS cases_village_counts_upd',
 'DROP TRIGGER IF EXISTS businesses_village_counts_ins',
 'DROP TRIGGER IF EXISTS businesses_village_counts_del',
 'DROP TRIGGER IF EXISTS businesses_village_counts_upd',
 'DROP TRIGGER IF EXISTS businesses_village_counts_founder',
 'DROP TRIGGER IF EXISTS businesses_month_counts_ins',
 'DROP TRIGGER IF EXISTS businesses_month_counts_del',
 'DROP TRIGGER IF EXISTS businesses_month_counts_upd',
 'DROP TRIGGER IF EXISTS businesses_month_counts_founder'],
    "postgresql": ['DROP TRIGGER IF EXISTS persons_village_counts_ins ON persons',
 'DROP TRIGGER IF EXISTS persons_village_counts_del ON persons',
 'DROP TRIGGER IF EXISTS persons_village_counts_upd ON persons',
 'DROP FUNCTION IF EXISTS persons_village_counts_ins()',
 'DROP FUNCTION IF EXISTS persons_village_counts_del()',
 'DROP FUNCTION IF EXISTS persons_village_counts_upd()',
 'DROP TRIGGER IF EXISTS cases_village_counts_ins ON cases',
 'DROP TRIGGER IF EXISTS cases_village_counts_del ON cases',
 'DROP TRIGGER IF EXISTS cases_village_counts_upd ON cases',
 'DROP FUNCTION IF EXISTS cases_village_counts_ins()',
 'DROP FUNCTION IF EXISTS cases_village_counts_del()',
 'DROP FUNCTION IF EXISTS cases_village_counts_upd()',
 'DROP TRIGGER IF EXISTS businesses_village_counts_ins ON businesses',
 'DROP TRIGGER IF EXISTS businesses_village_counts_del ON businesses',
 'DROP TRIGGER IF EXISTS businesses_village_counts_upd ON businesses',
 'DROP TRIGGER IF EXISTS businesses_village_counts_founder ON persons',
 'DROP FUNCTION IF EXISTS businesses_village_counts_ins()',
 'DROP FUNCTION IF EXISTS businesses_village_counts_del()',
 'DROP FUNCTION IF EXISTS businesses_village_counts_upd()',
 'DROP FUNCTION IF EXISTS businesses_village_counts_founder()',
 'DROP TRIGGER IF EXISTS businesses_month_counts_ins ON businesses',
 'DROP TRIGGER IF EXISTS businesses_month_counts_del ON businesses',
 'DROP TRIGGER IF EXISTS businesses_month_counts_upd ON businesses',
 'DROP TRIGGER IF EXISTS businesses_month_counts_founder ON persons',
 'DROP FUNCTION IF EXISTS businesses_month_counts_ins()',
 'DROP FUNCTION IF EXISTS businesses_month_counts_del()',
 'DROP FUNCTION IF EXISTS businesses_month_counts_upd()',
 'DROP FUNCTION IF EXISTS businesses_month_counts_founder()'],
}
REBUILD = {
    "sqlite": ['DELETE FROM village_person_counts',
 'INSERT INTO village_person_counts (village_id, people, sanyou) SELECT r.village_id, sum(1), sum(CASE WHEN '
 'r.is_sanyou THEN 1 ELSE 0 END) FROM persons r WHERE r.archived_at IS NULL GROUP BY r.village_id',
 'DELETE FROM village_case_counts',
 'INSERT INTO village_case_counts (village_id, stage, open_cases, unassigned) SELECT r.village_id, r.stage, '
 'sum(1), sum(CASE WHEN r.specialist_id IS NULL OR r.mentor_id IS NULL THEN 1 ELSE 0 END) FROM cases r WHERE '
 'r.closed_on IS NULL GROUP BY r.village_id, r.stage',
 'DELETE FROM village_business_counts',
 'INSERT INTO village_business_counts (village_id, year, kind, incomer, businesses) SELECT r.village_id, '
 "CAST(strftime('%Y', r.registered_on) AS INTEGER), r.kind, CASE WHEN (SELECT fp.status FROM persons fp "
 "WHERE fp.id = r.founder_id) = 'incomer' THEN 1 ELSE 0 END, sum(1) FROM businesses r WHERE 1 = 1 GROUP BY "
 "r.village_id, CAST(strftime('%Y', r.registered_on) AS INTEGER), r.kind, CASE WHEN (SELECT fp.status FROM "
 "persons fp WHERE fp.id = r.founder_id) = 'incomer' THEN 1 ELSE 0 END",
 'DELETE FROM business_month_counts',
 "INSERT INTO business_month_counts (year, month, incomer, businesses) SELECT CAST(strftime('%Y', "
 "r.registered_on) AS INTEGER), CAST(strftime('%m', r.registered_on) AS INTEGER), CASE WHEN (SELECT "
 "fp.status FROM persons fp WHERE fp.id = r.founder_id) = 'incomer' THEN 1 ELSE 0 END, sum(1) FROM "
 "businesses r WHERE 1 = 1 GROUP BY CAST(strftime('%Y', r.registered_on) AS INTEGER), CAST(strftime('%m', "
 'r.registered_on) AS INTEGER), CASE WHEN (SELECT fp.status FROM persons fp WHERE fp.id = r.founder_id) = '
 "'incomer' THEN 1 ELSE 0 END"],
    "postgresql": ['DELETE FROM village_person_counts',
 'INSERT INTO village_person_counts (village_id, people, sanyou) SELECT r.village_id, sum(1), sum(CASE WHEN '
 'r.is_sanyou THEN 1 ELSE 0 END) FROM persons r WHERE r.archived_at IS NULL GROUP BY r.village_id',
 'DELETE FROM village_case_counts',
 'INSERT INTO village_case_counts (village_id, stage, open_cases, unassigned) SELECT r.village_id, r.stage, '
 'sum(1), sum(CASE WHEN r.specialist_id IS NULL OR r.mentor_id IS NULL THEN 1 ELSE 0 END) FROM cases r WHERE '
 'r.closed_on IS NULL GROUP BY r.village_id, r.stage',
 'DELETE FROM village_business_counts',
 'INSERT INTO village_business_counts (village_id, year, kind, incomer, businesses) SELECT r.village_id, '
 'CAST(EXTRACT(YEAR FROM r.registered_on) AS INTEGER), r.kind, CASE WHEN (SELECT fp.status FROM persons fp '
 "WHERE fp.id = r.founder_id) = 'incomer' THEN 1 ELSE 0 END, sum(1) FROM businesses r WHERE 1 = 1 GROUP BY "
 'r.village_id, CAST(EXTRACT(YEAR FROM r.registered_on) AS INTEGER), r.kind, CASE WHEN (SELECT fp.status '
 "FROM persons fp WHERE fp.id = r.founder_id) = 'incomer' THEN 1 ELSE 0 END",
 'DELETE FROM business_month_counts',
 'INSERT INTO business_month_counts (year, month, incomer, businesses) SELECT CAST(EXTRACT(YEAR FROM '
 'r.registered_on) AS INTEGER), CAST(EXTRACT(MONTH FROM r.registered_on) AS INTEGER), CASE WHEN (SELECT '
 "fp.status FROM persons fp WHERE fp.id = r.founder_id) = 'incomer' THEN 1 ELSE 0 END, sum(1) FROM "
 'businesses r WHERE 1 = 1 GROUP BY CAST(EXTRACT(YEAR FROM r.registered_on) AS INTEGER), CAST(EXTRACT(MONTH '
 'FROM r.registered_on) AS INTEGER), CASE WHEN (SELECT fp.status FROM persons fp WHERE fp.id = r.founder_id) '
 "= 'incomer' THEN 1 ELSE 0 END"],
}


def upgrade():
    op.create_table('village_person_counts',
    sa.Column('village_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('sanyou', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('village_id', name=op.f('pk_village_person_counts'))
    )
    op.create_table('village_case_counts',
    sa.Column('village_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('stage', sa.String(length=24), nullable=False),
    sa.Column('open_cases', sa.Integer(), nullable=False),
    sa.Column('unassigned', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('village_id', 'stage', name=op.f('pk_village_case_counts'))
    )
    op.create_table('village_business_counts',
    sa.Column('village_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('incomer', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('businesses', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('village_id', 'year', 'kind', 'incomer', name=op.f('pk_village_business_counts'))
    )
    op.create_table('business_month_counts',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('incomer', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('businesses', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'month', 'incomer', name=op.f('pk_business_month_counts'))
    )
    op.create_table('target_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('count_incomers', sa.Boolean(), nullable=False),
    sa.Column('loan_target', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_target_years'))
    )
    op.create_table('yearly_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('code', sa.Enum('provincial_parks', 'municipal_parks', 'recognised_projects', 'trainees',
                              'leader_trainees', 'typical_cases', name='targetcode', native_enum=False,
                              length=32), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['regions.id'], name=op.f('fk_yearly_targets_county_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_yearly_targets'))
    )
    with op.batch_alter_table('yearly_targets', schema=None) as batch_op:
        batch_op.create_index('ix_yearly_targets_year_code', ['year', 'code', 'county_id'], unique=False)

    dialect = op.get_bind().dialect.name
    for statement in TRIGGERS[dialect]:
        op.execute(statement)
    for statement in REBUILD[dialect]:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in DROP_TRIGGERS[dialect]:
        op.execute(statement)
    with op.batch_alter_table('yearly_targets', schema=None) as batch_op:
        batch_op.drop_index('ix_yearly_targets_year_code')
    op.drop_table('yearly_targets')
    op.drop_table('target_years')
    op.drop_table('business_month_counts')
    op.drop_table('village_business_counts')
    op.drop_table('village_case_counts')
    op.drop_table('village_person_counts')
