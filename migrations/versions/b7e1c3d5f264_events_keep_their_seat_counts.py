"""Events keep their confirmed and waiting counts

Revision ID: b7e1c3d5f264
Revises: a4d7e2c9f153
Create Date: 2026-12-05 01:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1c3d5f264'
down_revision = 'a4d7e2c9f153'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('waiting_count', sa.Integer(), server_default='0', nullable=False))
    # The registrations made so far: from now on each change counts itself.
    for column, status in (('confirmed_count', 'confirmed'), ('waiting_count', 'waitlisted')):
        op.execute(
            f"UPDATE events SET {column} = (SELECT count(*) FROM registrations"
            f" WHERE registrations.event_id = events.id AND registrations.status = '{status}')"
        )


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('waiting_count')
        batch_op.drop_column('confirmed_count')
