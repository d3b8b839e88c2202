"""cases: case files, assignments, logs, services

Revision ID: 0003_cases
Revises: 0002_persons
Create Date: 2026-11-28

Case files (one open case per person: partial unique index on `cases.person_id` where
`closed_on IS NULL`), case requests (one pending request per person), assignment and stage
histories, visit logs / mentor notes (never updated; revisions supersede), the service catalogue
(seeded with the DOMAIN.md §4 list and `collect_data`) and service items (one open item per
`(case_id, source_key)`). The stored next-due dates are indexed with the owner / region columns
so that work queues are index range scans; see docs/cases.md.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_cases'
down_revision = '0002_persons'
branch_labels = None
depends_on = None

UNSTAFFED = 'closed_on IS NULL AND (specialist_id IS NULL OR mentor_id IS NULL)'

# A copy (migrations never import application code) of app.cases.labels.DEFAULT_SERVICE_TYPES.
DEFAULT_SERVICE_TYPES = [
    ("labour_support", "用工保障", "人社部门"),
    ("business_agency", "业务帮办", "乡镇服务站"),
    ("accompany", "创业陪跑", "服务专员"),
    ("policy_advice", "政策咨询", "乡镇服务站"),
    ("one_thing", "一件事集成办理", "政务服务中心"),
    ("legal_aid", "法律援助", "司法部门"),
    ("financing", "融资对接", "金融机构"),
    ("training_signup", "培训报名", "人社部门"),
    ("land_transfer", "土地流转", "村委会"),
    ("villager_coordination", "村民协调", "村委会"),
    ("site_park", "场地/园区对接", "园区"),
    ("social_insurance", "社保接续", "社保经办机构"),
    ("schooling", "子女就学", "教育部门"),
    ("housing", "安居", "住建部门"),
    ("health", "健康医疗", "卫健部门"),
    ("restart_guidance", "再创业指导", "服务专员"),
    ("labour_relations", "劳动关系处理", "劳动监察"),
    ("employment_aid", "就业援助", "人社部门"),
    ("relief_referral", "转介社会救助", "民政部门"),
    ("collect_data", "补充材料", "乡镇服务站"),
]



def upgrade():
    op.create_table('service_types',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('label', sa.String(length=32), nullable=False),
    sa.Column('default_unit', sa.String(length=64), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_service_types'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('pending_assignment', 'intention', 'training', 'incubation', 'founded', 'failed', 'restart', 'closed', name='casestage', native_enum=False, length=24), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('follow_up_until', sa.Date(), nullable=True),
    sa.Column('specialist_id', sa.Integer(), nullable=True),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('specialist_assigned_on', sa.Date(), nullable=True),
    sa.Column('mentor_assigned_on', sa.Date(), nullable=True),
    sa.Column('specialist_last_contact_on', sa.Date(), nullable=True),
    sa.Column('specialist_planned_on', sa.Date(), nullable=True),
    sa.Column('specialist_due_on', sa.Date(), nullable=True),
    sa.Column('mentor_last_contact_on', sa.Date(), nullable=True),
    sa.Column('mentor_planned_on', sa.Date(), nullable=True),
    sa.Column('mentor_due_on', sa.Date(), nullable=True),
    sa.Column('village_due_on', sa.Date(), nullable=True),
    sa.Column('next_due_on', sa.Date(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['regions.id'], name=op.f('fk_cases_county_id_regions')),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_cases_mentor_id_users')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_cases_opened_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_cases_person_id_persons')),
    sa.ForeignKeyConstraint(['specialist_id'], ['users.id'], name=op.f('fk_cases_specialist_id_users')),
    sa.ForeignKeyConstraint(['township_id'], ['regions.id'], name=op.f('fk_cases_township_id_regions')),
    sa.ForeignKeyConstraint(['village_id'], ['regions.id'], name=op.f('fk_cases_village_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_county_due', ['county_id', 'next_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_county_id'), ['county_id'], unique=False)
        batch_op.create_index('ix_cases_county_stage', ['county_id', 'stage'], unique=False)
        batch_op.create_index('ix_cases_mentor_due', ['mentor_id', 'mentor_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_cases_specialist_due', ['specialist_id', 'specialist_due_on'], unique=False)
        batch_op.create_index('ix_cases_township_due', ['township_id', 'next_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_township_id'), ['township_id'], unique=False)
        batch_op.create_index('ix_cases_township_stage', ['township_id', 'stage'], unique=False)
        batch_op.create_index('ix_cases_village_due', ['village_id', 'village_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_village_id'), ['village_id'], unique=False)
        batch_op.create_index('uq_cases_open_person', ['person_id'], unique=True, sqlite_where=sa.text('closed_on IS NULL'), postgresql_where=sa.text('closed_on IS NULL'))
        batch_op.create_index('ix_cases_next_due', ['next_due_on'], unique=False)
        batch_op.create_index('ix_cases_unstaffed_county', ['county_id', 'opened_on'], unique=False, sqlite_where=sa.text(UNSTAFFED), postgresql_where=sa.text(UNSTAFFED))
        batch_op.create_index('ix_cases_unstaffed_township', ['township_id', 'opened_on'], unique=False, sqlite_where=sa.text(UNSTAFFED), postgresql_where=sa.text(UNSTAFFED))
        batch_op.create_index('ix_cases_unstaffed', ['opened_on'], unique=False, sqlite_where=sa.text(UNSTAFFED), postgresql_where=sa.text(UNSTAFFED))

    op.create_table('case_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('specialist', 'mentor', name='assignmentrole', native_enum=False, length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('previous_user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_assignments_actor_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_assignments_case_id_cases')),
    sa.ForeignKeyConstraint(['previous_user_id'], ['users.id'], name=op.f('fk_case_assignments_previous_user_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_assignments_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_assignments'))
    )
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_assignments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_assignments_user_id'), ['user_id'], unique=False)

    op.create_table('case_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('visit', 'mentor_note', name='logkind', native_enum=False, length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('author_role', sa.String(length=32), nullable=False),
    sa.Column('contact_on', sa.Date(), nullable=False),
    sa.Column('method', sa.Enum('home_visit', 'phone', 'at_station', 'online', 'enterprise_visit', name='visitmethod', native_enum=False, length=24), nullable=True),
    sa.Column('topic', sa.Enum('resources', 'market', 'management', 'financing', 'other', name='notetopic', native_enum=False, length=16), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('advice', sa.Text(), nullable=True),
    sa.Column('next_steps', sa.Text(), nullable=True),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('next_follow_up', sa.Date(), nullable=True),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('correction_reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_logs_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_logs_case_id_cases')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['case_logs.id'], name=op.f('fk_case_logs_supersedes_id_case_logs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_logs'))
    )
    with op.batch_alter_table('case_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_logs_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_case_logs_case_on', ['case_id', 'contact_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_logs_supersedes_id'), ['supersedes_id'], unique=False)

    op.create_table('case_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'opened', 'declined', name='requeststatus', native_enum=False, length=16), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.String(length=500), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_requests_case_id_cases')),
    sa.ForeignKeyConstraint(['county_id'], ['regions.id'], name=op.f('fk_case_requests_county_id_regions')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_case_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_case_requests_person_id_persons')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_case_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['township_id'], ['regions.id'], name=op.f('fk_case_requests_township_id_regions')),
    sa.ForeignKeyConstraint(['village_id'], ['regions.id'], name=op.f('fk_case_requests_village_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_requests'))
    )
    with op.batch_alter_table('case_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_requests_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_requests_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_requests_township_id'), ['township_id'], unique=False)
        batch_op.create_index('ix_case_requests_township_status', ['township_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_requests_village_id'), ['village_id'], unique=False)
        batch_op.create_index('uq_case_requests_pending_person', ['person_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    op.create_table('case_stage_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_stage', sa.Enum('pending_assignment', 'intention', 'training', 'incubation', 'founded', 'failed', 'restart', 'closed', name='casestage', native_enum=False, length=24), nullable=True),
    sa.Column('to_stage', sa.Enum('pending_assignment', 'intention', 'training', 'incubation', 'founded', 'failed', 'restart', 'closed', name='casestage', native_enum=False, length=24), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_stage_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_stage_changes_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_stage_changes'))
    )
    with op.batch_alter_table('case_stage_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_stage_changes_case_id'), ['case_id'], unique=False)

    op.create_table('service_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('service_type', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('responsible_unit', sa.String(length=64), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('todo', 'in_progress', 'done', 'cannot', name='itemstatus', native_enum=False, length=16), nullable=False),
    sa.Column('cannot_reason', sa.String(length=500), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('source_key', sa.String(length=128), nullable=True),
    sa.Column('log_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_service_items_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_service_items_created_by_id_users')),
    sa.ForeignKeyConstraint(['log_id'], ['case_logs.id'], name=op.f('fk_service_items_log_id_case_logs')),
    sa.ForeignKeyConstraint(['service_type'], ['service_types.code'], name=op.f('fk_service_items_service_type_service_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_items'))
    )
    with op.batch_alter_table('service_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_service_items_status_due', ['status', 'due_on'], unique=False)
        batch_op.create_index('uq_service_items_open_source', ['case_id', 'source_key'], unique=True, sqlite_where=sa.text("source_key IS NOT NULL AND status IN ('todo', 'in_progress')"), postgresql_where=sa.text("source_key IS NOT NULL AND status IN ('todo', 'in_progress')"))

    op.create_table('service_item_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('todo', 'in_progress', 'done', 'cannot', name='itemstatus', native_enum=False, length=16), nullable=True),
    sa.Column('to_status', sa.Enum('todo', 'in_progress', 'done', 'cannot', name='itemstatus', native_enum=False, length=16), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_service_item_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_service_item_changes_case_id_cases')),
    sa.ForeignKeyConstraint(['item_id'], ['service_items.id'], name=op.f('fk_service_item_changes_item_id_service_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_item_changes'))
    )
    with op.batch_alter_table('service_item_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_item_changes_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_item_changes_item_id'), ['item_id'], unique=False)



    service_types = sa.table('service_types', sa.column('code', sa.String), sa.column('label', sa.String),
                             sa.column('default_unit', sa.String), sa.column('sort_order', sa.Integer),
                             sa.column('is_active', sa.Boolean), sa.column('created_at', sa.DateTime(timezone=True)),
                             sa.column('updated_at', sa.DateTime(timezone=True)))
    now = datetime.now(timezone.utc)
    op.bulk_insert(service_types, [
        {'code': code, 'label': label, 'default_unit': unit, 'sort_order': (n + 1) * 10, 'is_active': True,
         'created_at': now, 'updated_at': now}
        for n, (code, label, unit) in enumerate(DEFAULT_SERVICE_TYPES)
    ])


def downgrade():
    with op.batch_alter_table('service_item_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_item_changes_item_id'))
        batch_op.drop_index(batch_op.f('ix_service_item_changes_case_id'))

    op.drop_table('service_item_changes')
    with op.batch_alter_table('service_items', schema=None) as batch_op:
        batch_op.drop_index('uq_service_items_open_source', sqlite_where=sa.text("source_key IS NOT NULL AND status IN ('todo', 'in_progress')"), postgresql_where=sa.text("source_key IS NOT NULL AND status IN ('todo', 'in_progress')"))
        batch_op.drop_index('ix_service_items_status_due')
        batch_op.drop_index(batch_op.f('ix_service_items_case_id'))

    op.drop_table('service_items')
    with op.batch_alter_table('case_stage_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_stage_changes_case_id'))

    op.drop_table('case_stage_changes')
    with op.batch_alter_table('case_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_case_requests_pending_person', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_case_requests_village_id'))
        batch_op.drop_index('ix_case_requests_township_status')
        batch_op.drop_index(batch_op.f('ix_case_requests_township_id'))
        batch_op.drop_index(batch_op.f('ix_case_requests_person_id'))
        batch_op.drop_index(batch_op.f('ix_case_requests_county_id'))

    op.drop_table('case_requests')
    with op.batch_alter_table('case_logs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_logs_supersedes_id'))
        batch_op.drop_index('ix_case_logs_case_on')
        batch_op.drop_index(batch_op.f('ix_case_logs_author_id'))

    op.drop_table('case_logs')
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_assignments_user_id'))
        batch_op.drop_index(batch_op.f('ix_case_assignments_case_id'))

    op.drop_table('case_assignments')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_unstaffed')
        batch_op.drop_index('ix_cases_unstaffed_township')
        batch_op.drop_index('ix_cases_unstaffed_county')
        batch_op.drop_index('ix_cases_next_due')
        batch_op.drop_index('uq_cases_open_person', sqlite_where=sa.text('closed_on IS NULL'), postgresql_where=sa.text('closed_on IS NULL'))
        batch_op.drop_index(batch_op.f('ix_cases_village_id'))
        batch_op.drop_index('ix_cases_village_due')
        batch_op.drop_index('ix_cases_township_stage')
        batch_op.drop_index(batch_op.f('ix_cases_township_id'))
        batch_op.drop_index('ix_cases_township_due')
        batch_op.drop_index('ix_cases_specialist_due')
        batch_op.drop_index(batch_op.f('ix_cases_person_id'))
        batch_op.drop_index('ix_cases_mentor_due')
        batch_op.drop_index('ix_cases_county_stage')
        batch_op.drop_index(batch_op.f('ix_cases_county_id'))
        batch_op.drop_index('ix_cases_county_due')

    op.drop_table('cases')
    op.drop_table('service_types')
