"""Index for the console's list of mentoring pairs, newest request first

Revision ID: 8b2d4f6a1c37
Revises: 7a1c2e9d4b10
Create Date: 2026-12-03 14:00:00.000000

"""
from alembic import op

import base.database  # noqa: F401 (custom column types)


# revision identifiers, used by Alembic.
revision = '8b2d4f6a1c37'
down_revision = '7a1c2e9d4b10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mentoring_pairs', schema=None) as batch_op:
        batch_op.create_index('ix_mentoring_pairs_requested', ['requested_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('mentoring_pairs', schema=None) as batch_op:
        batch_op.drop_index('ix_mentoring_pairs_requested')
