"""person library at scale: import batches, year-end baselines

Revision ID: 0005_person_scale
Revises: 0002_persons
Create Date: 2026-11-28

`person_imports` records each uploaded file (who, when, name, SHA-256, counts, error report);
`person_import_items` lists the people a committed batch wrote (WITHOUT ROWID on SQLite).
`person_baselines` holds the county officers' entered 市外务工人数 per target year,
`person_baseline_snapshots` the figure computed from the library with its date.
See docs/person-scale.md.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_person_scale'
down_revision = '0004_subsidies'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('person_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('file_hash', sa.String(length=64), nullable=False),
    sa.Column('file_format', sa.String(length=16), nullable=False),
    sa.Column('status', sa.Enum('previewed', 'committed', 'failed', name='importstatus', native_enum=False, length=16), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_new', sa.Integer(), nullable=False),
    sa.Column('rows_updated', sa.Integer(), nullable=False),
    sa.Column('rows_unchanged', sa.Integer(), nullable=False),
    sa.Column('rows_refused', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_person_imports_region_id_regions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_person_imports_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_imports'))
    )
    with op.batch_alter_table('person_imports', schema=None) as batch_op:
        batch_op.create_index('ix_person_imports_region_id', ['region_id', 'id'], unique=False)

    op.create_table('person_import_items',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('change', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['person_imports.id'], name=op.f('fk_person_import_items_batch_id_person_imports')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_person_import_items_person_id_persons')),
    sa.PrimaryKeyConstraint('batch_id', 'person_id', name=op.f('pk_person_import_items')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('person_import_items', schema=None) as batch_op:
        batch_op.create_index('ix_person_import_items_person_id', ['person_id'], unique=False)

    op.create_table('person_baselines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('source_date', sa.Date(), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['regions.id'], name=op.f('fk_person_baselines_county_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_baselines'))
    )
    with op.batch_alter_table('person_baselines', schema=None) as batch_op:
        batch_op.create_index('uq_person_baselines_year_county', ['year', 'county_id'], unique=True)

    op.create_table('person_baseline_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['regions.id'], name=op.f('fk_person_baseline_snapshots_county_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_baseline_snapshots'))
    )
    with op.batch_alter_table('person_baseline_snapshots', schema=None) as batch_op:
        batch_op.create_index('uq_person_baseline_snapshots_year_county', ['year', 'county_id'], unique=True)


def downgrade():
    op.drop_table('person_baseline_snapshots')
    op.drop_table('person_baselines')
    op.drop_table('person_import_items')
    op.drop_table('person_imports')
