"""dashboard: counter tables kept by triggers, yearly targets and settings

Revision ID: 0006_dashboard
Revises: 0002_persons
Create Date: 2026-11-28

`village_person_counts` is written only by the triggers created here (see
app/dashboard/counters.py, which generates the same statements for tests); the upgrade fills it
once from the existing rows. SQLite: row triggers; PostgreSQL: statement triggers with
transition tables (one grouped UPSERT per statement, cheap for bulk imports).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_dashboard'
down_revision = '0002_persons'
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
 '+ excluded.sanyou; END'],
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
 'TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION persons_village_counts_upd()'],
}
DROP_TRIGGERS = {
    "sqlite": ['DROP TRIGGER IF EXISTS persons_village_counts_ins',
 'DROP TRIGGER IF EXISTS persons_village_counts_del',
 'DROP TRIGGER IF EXISTS persons_village_counts_upd'],
    "postgresql": ['DROP TRIGGER IF EXISTS persons_village_counts_ins ON persons',
 'DROP TRIGGER IF EXISTS persons_village_counts_del ON persons',
 'DROP TRIGGER IF EXISTS persons_village_counts_upd ON persons',
 'DROP FUNCTION IF EXISTS persons_village_counts_ins()',
 'DROP FUNCTION IF EXISTS persons_village_counts_del()',
 'DROP FUNCTION IF EXISTS persons_village_counts_upd()'],
}
REBUILD = ['DELETE FROM village_person_counts',
 'INSERT INTO village_person_counts (village_id, people, sanyou) SELECT r.village_id, sum(1), sum(CASE WHEN '
 'r.is_sanyou THEN 1 ELSE 0 END) FROM persons r WHERE r.archived_at IS NULL GROUP BY r.village_id']


def upgrade():
    op.create_table('village_person_counts',
    sa.Column('village_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('sanyou', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('village_id', name=op.f('pk_village_person_counts'))
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
    op.drop_table('village_person_counts')
