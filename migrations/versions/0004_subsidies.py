"""subsidies: businesses, programmes and rule versions, applications, grants, attachments, loans, LPR

Revision ID: 0004_subsidies
Revises: 0003_cases
Create Date: 2026-11-28

`grants` carries unique (programme_id, person_id) and (programme_id, business_id): the database
refuses a second one-time grant. Default programmes, rule versions and LPR rows are added by
`flask subsidies seed` (idempotent; `make run` calls it), not here. See docs/subsidies.md.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_subsidies'
down_revision = '0003_cases'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('business_kinds',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('is_enterprise', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_business_kinds'))
    )
    op.create_table('lpr_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('one_year_bp', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lpr_rates')),
    sa.UniqueConstraint('published_on', name=op.f('uq_lpr_rates_published_on'))
    )
    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('decider_level', sa.Enum('county', 'city', name='deciderlevel', native_enum=False, length=16), nullable=False),
    sa.Column('is_one_time', sa.Boolean(), nullable=False),
    sa.Column('needs_business', sa.Boolean(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('township_review', sa.Boolean(), nullable=False),
    sa.Column('publicity_days', sa.Integer(), nullable=True),
    sa.Column('seed_clause', sa.String(length=200), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('code', name=op.f('uq_programmes_code'))
    )
    op.create_table('businesses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('founder_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.Enum('individual', 'llc', 'sole_proprietorship', 'partnership', 'cooperative', 'family_farm', 'family_forest', 'other', name='businesskind', native_enum=False, length=32), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('is_first_registration', sa.Boolean(), nullable=True),
    sa.Column('industry', sa.String(length=32), nullable=True),
    sa.Column('jobs', sa.Integer(), nullable=True),
    sa.Column('park', sa.String(length=100), nullable=True),
    sa.Column('status', sa.Enum('operating', 'closed', name='businessstatus', native_enum=False, length=16), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['regions.id'], name=op.f('fk_businesses_county_id_regions')),
    sa.ForeignKeyConstraint(['founder_id'], ['persons.id'], name=op.f('fk_businesses_founder_id_persons')),
    sa.ForeignKeyConstraint(['township_id'], ['regions.id'], name=op.f('fk_businesses_township_id_regions')),
    sa.ForeignKeyConstraint(['village_id'], ['regions.id'], name=op.f('fk_businesses_village_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_businesses')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_businesses_credit_code'))
    )
    with op.batch_alter_table('businesses', schema=None) as batch_op:
        batch_op.create_index('ix_businesses_county_registered', ['county_id', 'registered_on', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_businesses_founder_id'), ['founder_id'], unique=False)
        batch_op.create_index('ix_businesses_status_registered', ['status', 'registered_on'], unique=False)
        batch_op.create_index('ix_businesses_township_registered', ['township_id', 'registered_on', 'id'], unique=False)
        batch_op.create_index('ix_businesses_village_registered', ['village_id', 'registered_on', 'id'], unique=False)

    op.create_table('rule_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_rule_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_rule_versions_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_versions')),
    sa.UniqueConstraint('programme_id', 'effective_from', name=op.f('uq_rule_versions_programme_id_effective_from')),
    sa.UniqueConstraint('programme_id', 'version_no', name=op.f('uq_rule_versions_programme_id_version_no'))
    )
    op.create_table('loans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=True),
    sa.Column('borrower_type', sa.Enum('individual', 'partnership', 'small_micro', name='borrowertype', native_enum=False, length=16), nullable=False),
    sa.Column('partners', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('term_months', sa.Integer(), nullable=False),
    sa.Column('lender', sa.String(length=100), nullable=False),
    sa.Column('contract_on', sa.Date(), nullable=False),
    sa.Column('rate_bp', sa.Integer(), nullable=False),
    sa.Column('lpr_bp', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('applied', 'approved', 'disbursed', 'repaying', 'repaid', 'overdue', name='loanstatus', native_enum=False, length=16), nullable=False),
    sa.Column('overdue_periods', sa.JSON(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_loans_business_id_businesses')),
    sa.ForeignKeyConstraint(['county_id'], ['regions.id'], name=op.f('fk_loans_county_id_regions')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_loans_person_id_persons')),
    sa.ForeignKeyConstraint(['township_id'], ['regions.id'], name=op.f('fk_loans_township_id_regions')),
    sa.ForeignKeyConstraint(['village_id'], ['regions.id'], name=op.f('fk_loans_village_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loans'))
    )
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loans_business_id'), ['business_id'], unique=False)
        batch_op.create_index('ix_loans_county_contract', ['county_id', 'contract_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_loans_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loans_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loans_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loans_village_id'), ['village_id'], unique=False)

    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('rule_version_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=True),
    sa.Column('loan_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('submitted', 'township_reviewed', 'approved', 'rejected', 'returned', 'publicised', 'paid', name='appstate', native_enum=False, length=24), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=True),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('submission_check', sa.JSON(), nullable=False),
    sa.Column('decision_check', sa.JSON(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('publicity_until', sa.Date(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('paid_amount', sa.Integer(), nullable=True),
    sa.Column('voucher_no', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_applications_business_id_businesses')),
    sa.ForeignKeyConstraint(['county_id'], ['regions.id'], name=op.f('fk_applications_county_id_regions')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_applications_decided_by_id_users')),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_applications_loan_id_loans')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_applications_person_id_persons')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_applications_programme_id_programmes')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_applications_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['rule_version_id'], ['rule_versions.id'], name=op.f('fk_applications_rule_version_id_rule_versions')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_applications_submitted_by_id_users')),
    sa.ForeignKeyConstraint(['township_id'], ['regions.id'], name=op.f('fk_applications_township_id_regions')),
    sa.ForeignKeyConstraint(['village_id'], ['regions.id'], name=op.f('fk_applications_village_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_business_programme', ['business_id', 'programme_id'], unique=False)
        batch_op.create_index('ix_applications_county_state', ['county_id', 'state', 'id'], unique=False)
        batch_op.create_index('ix_applications_person_programme', ['person_id', 'programme_id'], unique=False)
        batch_op.create_index('ix_applications_programme_decided', ['programme_id', 'decided_on'], unique=False)
        batch_op.create_index('ix_applications_programme_paid', ['programme_id', 'paid_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_rule_version_id'), ['rule_version_id'], unique=False)

    op.create_table('application_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('license', 'jobs_proof', 'bank_account', 'other', name='attachmentkind', native_enum=False, length=16), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_attachments_application_id_applications')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_application_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_attachments')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_application_attachments_stored_name'))
    )
    with op.batch_alter_table('application_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_attachments_application_id'), ['application_id'], unique=False)

    op.create_table('grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_grants_application_id_applications')),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_grants_business_id_businesses')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_grants_person_id_persons')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_grants_programme_id_programmes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grants')),
    sa.UniqueConstraint('application_id', name=op.f('uq_grants_application_id')),
    sa.UniqueConstraint('programme_id', 'business_id', name=op.f('uq_grants_programme_id_business_id')),
    sa.UniqueConstraint('programme_id', 'person_id', name=op.f('uq_grants_programme_id_person_id'))
    )


def downgrade():
    op.drop_table('grants')
    with op.batch_alter_table('application_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_attachments_application_id'))

    op.drop_table('application_attachments')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_rule_version_id'))
        batch_op.drop_index('ix_applications_programme_paid')
        batch_op.drop_index('ix_applications_programme_decided')
        batch_op.drop_index('ix_applications_person_programme')
        batch_op.drop_index('ix_applications_county_state')
        batch_op.drop_index('ix_applications_business_programme')

    op.drop_table('applications')
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loans_village_id'))
        batch_op.drop_index(batch_op.f('ix_loans_township_id'))
        batch_op.drop_index(batch_op.f('ix_loans_person_id'))
        batch_op.drop_index(batch_op.f('ix_loans_county_id'))
        batch_op.drop_index('ix_loans_county_contract')
        batch_op.drop_index(batch_op.f('ix_loans_business_id'))

    op.drop_table('loans')
    op.drop_table('rule_versions')
    with op.batch_alter_table('businesses', schema=None) as batch_op:
        batch_op.drop_index('ix_businesses_village_registered')
        batch_op.drop_index('ix_businesses_township_registered')
        batch_op.drop_index('ix_businesses_status_registered')
        batch_op.drop_index(batch_op.f('ix_businesses_founder_id'))
        batch_op.drop_index('ix_businesses_county_registered')

    op.drop_table('businesses')
    op.drop_table('programmes')
    op.drop_table('lpr_rates')
    op.drop_table('business_kinds')
