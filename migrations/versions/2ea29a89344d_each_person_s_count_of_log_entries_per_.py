"""Each person's count of log entries per verb

Revision ID: 2ea29a89344d
Revises: b7e1c3d5f264
Create Date: 2026-12-06 03:57:31.386573

"""
from alembic import op
import sqlalchemy as sa

import base.database  # noqa: F401 (custom column types)


# revision identifiers, used by Alembic.
revision = '2ea29a89344d'
down_revision = 'b7e1c3d5f264'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('action_counts',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('verb', sa.String(length=40), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_action_counts_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'verb', name=op.f('pk_action_counts'))
    )
    # The log's entries so far: from now on each one recorded counts itself.
    op.execute(
        "INSERT INTO action_counts (user_id, verb, entries)"
        " SELECT user_id, verb, count(*) FROM activities GROUP BY user_id, verb"
    )


def downgrade():
    op.drop_table('action_counts')
