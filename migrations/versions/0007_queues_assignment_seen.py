"""queues: when the assignee first opened the case after an assignment ("新分派给我")

Revision ID: 0007_queues_assignment_seen
Revises: 0006_dashboard
Create Date: 2026-12-07

`case_assignments.seen_at` stays empty until the assigned specialist or mentor opens the case
page; the home queue "新分派给我" lists their open cases with such an assignment. Assignments
made before this revision count as seen (nobody is told about old work as if it were new).
A plain ADD COLUMN (no batch copy on SQLite, so the counter triggers of 0006 stay in place).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_queues_assignment_seen'
down_revision = '0006_dashboard'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('case_assignments', sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE case_assignments SET seen_at = at")


def downgrade():
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.drop_column('seen_at')
