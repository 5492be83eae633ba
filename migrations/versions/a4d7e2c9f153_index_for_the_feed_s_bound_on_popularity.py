"""Index for the feed's bound on popularity (the library's highest share count)

Revision ID: a4d7e2c9f153
Revises: 9c3e5a7b2d48
Create Date: 2026-12-04 18:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a4d7e2c9f153'
down_revision = '9c3e5a7b2d48'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('content_items', schema=None) as batch_op:
        batch_op.create_index('ix_content_items_share_count', ['share_count'], unique=False)


def downgrade():
    with op.batch_alter_table('content_items', schema=None) as batch_op:
        batch_op.drop_index('ix_content_items_share_count')
