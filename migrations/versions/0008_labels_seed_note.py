"""labels: the seeded rule versions' note names its source in Chinese

Revision ID: 0008_labels_seed_note
Revises: 0007_queues_assignment_seen
Create Date: 2026-12-07

The first rule version of each seeded programme was saved with the note "默认参数（DOMAIN.md §6）",
a reference to a developer document that users see on the programmes page. Data only.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_labels_seed_note'
down_revision = '0007_queues_assignment_seen'
branch_labels = None
depends_on = None

OLD = "默认参数（DOMAIN.md §6）"
NEW = "默认参数（市级工作方案）"


def _set_note(old: str, new: str) -> None:
    rule_versions = sa.table("rule_versions", sa.column("note", sa.String))
    op.execute(rule_versions.update().where(rule_versions.c.note == old).values(note=new))


def upgrade():
    _set_note(OLD, NEW)


def downgrade():
    _set_note(NEW, OLD)
