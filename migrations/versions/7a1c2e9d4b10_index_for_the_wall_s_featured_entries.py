"""Index for the wall's featured entries

Revision ID: 7a1c2e9d4b10
Revises: 5f34176eadf0
Create Date: 2026-12-02 17:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import base.database  # noqa: F401 (custom column types)


# revision identifiers, used by Alembic.
revision = '7a1c2e9d4b10'
down_revision = '5f34176eadf0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('fame_entries', schema=None) as batch_op:
        batch_op.create_index(
            'ix_fame_entries_featured',
            ['featured_at', 'id'],
            unique=False,
            postgresql_where=sa.text('featured_at IS NOT NULL'),
            sqlite_where=sa.text('featured_at IS NOT NULL'),
        )


def downgrade():
    with op.batch_alter_table('fame_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_fame_entries_featured')
