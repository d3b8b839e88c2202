"""arch: programmes.kind — behaviour chosen by a stored programme kind, not by its code

Revision ID: 0009_arch_programme_kind
Revises: 0008_labels_seed_note
Create Date: 2026-12-07

Backfilled from the default programmes' codes (app/subsidies/seed.py KINDS); any other programme
is a project grant (offered on the business page).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_arch_programme_kind'
down_revision = '0008_labels_seed_note'
branch_labels = None
depends_on = None

KINDS = {"startup_once": "startup_grant", "yangui_yichang": "project_grant", "jingchu_guiyan": "project_grant",
         "guaranteed_loan": "guaranteed_loan", "loan_interest": "loan_interest"}


def upgrade():
    # A plain ADD COLUMN with a default (no table rebuild on SQLite: `programmes` is referenced by
    # rule versions, applications and grants).
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=32), nullable=False, server_default='project_grant'))
    programmes = sa.table('programmes', sa.column('code', sa.String), sa.column('kind', sa.String))
    for code, kind in KINDS.items():
        op.execute(programmes.update().where(programmes.c.code == code).values(kind=kind))


def downgrade():
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_column('kind')
