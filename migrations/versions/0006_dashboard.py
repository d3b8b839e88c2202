"""dashboard: counter tables kept by triggers, yearly targets and settings

Revision ID: 0006_dashboard
Revises: 0005_person_scale
Create Date: 2026-11-28

`village_person_counts` and `village_case_counts` are written only by the triggers created here
(app/dashboard/counters.py generates the same statements for the tests' create_all); the upgrade
fills them once from the existing rows. SQLite: row triggers; PostgreSQL: statement triggers with
transition tables (one grouped UPSERT per statement, cheap for bulk imports).

NOTE for later migrations: on SQLite a batch ("move and copy") alteration of `persons` or `cases`
recreates the table and drops its triggers; re-create them from TRIGGERS afterwards.
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
 'excluded.unassigned; END'],
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
 'AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cases_village_counts_upd()'],
}
DROP_TRIGGERS = {
    "sqlite": ['DROP TRIGGER IF EXISTS persons_village_counts_ins',
 'DROP TRIGGER IF EXISTS persons_village_counts_del',
 'DROP TRIGGER IF EXISTS persons_village_counts_upd',
 'DROP TRIGGER IF EXISTS cases_village_counts_ins',
 'DROP TRIGGER IF EXISTS cases_village_counts_del',
 'DROP TRIGGER IF EXISTS cases_village_counts_upd'],
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
 'DROP FUNCTION IF EXISTS cases_village_counts_upd()'],
}
REBUILD = ['DELETE FROM village_person_counts',
 'INSERT INTO village_person_counts (village_id, people, sanyou) SELECT r.village_id, sum(1), sum(CASE WHEN '
 'r.is_sanyou THEN 1 ELSE 0 END) FROM persons r WHERE r.archived_at IS NULL GROUP BY r.village_id',
 'DELETE FROM village_case_counts',
 'INSERT INTO village_case_counts (village_id, stage, open_cases, unassigned) SELECT r.village_id, r.stage, '
 'sum(1), sum(CASE WHEN r.specialist_id IS NULL OR r.mentor_id IS NULL THEN 1 ELSE 0 END) FROM cases r WHERE '
 'r.closed_on IS NULL GROUP BY r.village_id, r.stage']


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
    for statement in REBUILD:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in DROP_TRIGGERS[dialect]:
        op.execute(statement)
    with op.batch_alter_table('yearly_targets', schema=None) as batch_op:
        batch_op.drop_index('ix_yearly_targets_year_code')
    op.drop_table('yearly_targets')
    op.drop_table('target_years')
    op.drop_table('village_case_counts')
    op.drop_table('village_person_counts')
