"""persons: the 三有 person library and its name search keys

Revision ID: 0002_persons
Revises: 0001_foundation
Create Date: 2026-11-28

ID numbers and phones are stored as AES-GCM ciphertext (`*_cipher`) with a keyed hash for
uniqueness and lookups (`*_hash`) and a masked form (`*_masked`); see docs/personal-data.md.
`person_name_keys` is a WITHOUT ROWID table on SQLite (the primary key is the search index).
The list indexes lead with the region columns; see docs/persons.md.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_persons'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('name_sort', sa.String(length=64).with_variant(sa.String(length=64, collation='C'), 'postgresql'), nullable=False),
    sa.Column('id_number_cipher', sa.LargeBinary(), nullable=False),
    sa.Column('id_number_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('id_number_masked', sa.String(length=18), nullable=False),
    sa.Column('gender', sa.Enum('male', 'female', name='gender', native_enum=False, length=8), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('phone_cipher', sa.LargeBinary(), nullable=True),
    sa.Column('phone_hash', sa.LargeBinary(length=32), nullable=True),
    sa.Column('phone_masked', sa.String(length=16), nullable=True),
    sa.Column('source', sa.Enum('bigdata', 'survey', 'self', name='personsource', native_enum=False, length=16), nullable=False),
    sa.Column('status', sa.Enum('working_outside', 'returned', 'incomer', 'founded', name='personstatus', native_enum=False, length=16), nullable=False),
    sa.Column('work_region', sa.String(length=32), nullable=True),
    sa.Column('work_city', sa.String(length=64), nullable=True),
    sa.Column('work_industry', sa.String(length=32), nullable=True),
    sa.Column('occupation', sa.String(length=64), nullable=True),
    sa.Column('outside_since', sa.Date(), nullable=True),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('intention', sa.Enum('none', 'considering', 'firm', name='intention', native_enum=False, length=16), nullable=False),
    sa.Column('intended_industry', sa.String(length=32), nullable=True),
    sa.Column('intended_form', sa.Enum('individual', 'enterprise', 'cooperative', 'family_farm', name='businessform', native_enum=False, length=16), nullable=True),
    sa.Column('capital_need', sa.Integer(), nullable=True),
    sa.Column('willing', sa.Boolean(), nullable=True),
    sa.Column('willing_basis', sa.String(length=200), nullable=True),
    sa.Column('capable', sa.Boolean(), nullable=True),
    sa.Column('capable_basis', sa.String(length=200), nullable=True),
    sa.Column('creditworthy', sa.Boolean(), nullable=True),
    sa.Column('creditworthy_basis', sa.String(length=200), nullable=True),
    sa.Column('is_sanyou', sa.Boolean(), nullable=False),
    sa.Column('remarks', sa.Text(), nullable=True),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('archived_reason', sa.String(length=200), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['regions.id'], name=op.f('fk_persons_county_id_regions')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['persons.id'], name=op.f('fk_persons_merged_into_id_persons')),
    sa.ForeignKeyConstraint(['township_id'], ['regions.id'], name=op.f('fk_persons_township_id_regions')),
    sa.ForeignKeyConstraint(['village_id'], ['regions.id'], name=op.f('fk_persons_village_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons')),
    sa.UniqueConstraint('id_number_hash', name=op.f('uq_persons_id_number_hash'))
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index('ix_persons_county_counts', ['county_id', 'archived_at', 'status', 'is_sanyou'], unique=False)
        batch_op.create_index('ix_persons_county_name', ['county_id', 'name_sort', 'id'], unique=False)
        batch_op.create_index('ix_persons_county_returned', ['county_id', 'returned_on', 'id'], unique=False)
        batch_op.create_index('ix_persons_county_updated', ['county_id', 'updated_at', 'id'], unique=False)
        batch_op.create_index('ix_persons_name_birth', ['name', 'birth_date'], unique=False)
        batch_op.create_index('ix_persons_name_sort', ['name_sort', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_persons_phone_hash'), ['phone_hash'], unique=False)
        batch_op.create_index('ix_persons_returned', ['returned_on', 'id'], unique=False)
        batch_op.create_index('ix_persons_township_name', ['township_id', 'name_sort', 'id'], unique=False)
        batch_op.create_index('ix_persons_updated', ['updated_at', 'id'], unique=False)
        batch_op.create_index('ix_persons_village_name', ['village_id', 'name_sort', 'id'], unique=False)

    op.create_table('person_name_keys',
    sa.Column('key', sa.String(length=64).with_variant(sa.String(length=64, collation='C'), 'postgresql'), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_person_name_keys_person_id_persons')),
    sa.PrimaryKeyConstraint('key', 'person_id', name=op.f('pk_person_name_keys')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('person_name_keys', schema=None) as batch_op:
        batch_op.create_index('ix_person_name_keys_person_id', ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('person_name_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_person_name_keys_person_id')

    op.drop_table('person_name_keys')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_village_name')
        batch_op.drop_index('ix_persons_updated')
        batch_op.drop_index('ix_persons_township_name')
        batch_op.drop_index('ix_persons_returned')
        batch_op.drop_index(batch_op.f('ix_persons_phone_hash'))
        batch_op.drop_index('ix_persons_name_sort')
        batch_op.drop_index('ix_persons_name_birth')
        batch_op.drop_index('ix_persons_county_updated')
        batch_op.drop_index('ix_persons_county_returned')
        batch_op.drop_index('ix_persons_county_name')
        batch_op.drop_index('ix_persons_county_counts')

    op.drop_table('persons')
