"""Indexes for the console's lists (content, handled redemptions, reviewed contributions) and
an event's first confirmed people

Each list reads its first rows in index order instead of sorting every row joined to its
person (issue #14: these sorts grew with the number of people).

Revision ID: 9c3e5a7b2d48
Revises: 8b2d4f6a1c37
Create Date: 2026-12-03 17:40:00.000000

"""
from alembic import op

import base.database  # noqa: F401 (custom column types)


# revision identifiers, used by Alembic.
revision = '9c3e5a7b2d48'
down_revision = '8b2d4f6a1c37'
branch_labels = None
depends_on = None

NEW_INDEXES = {
    'content_items': ('ix_content_items_console', ['pinned', 'publish_at', 'id']),
    'redemptions': ('ix_redemptions_handled', ['handled_at', 'id']),
    'contributions': ('ix_contributions_reviewed', ['reviewed_at', 'id']),
}


def upgrade():
    for table, (name, columns) in NEW_INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index(
            'ix_registrations_event_status_confirmed', ['event_id', 'status', 'confirmed_at', 'id'], unique=False
        )
        batch_op.drop_index('ix_registrations_event_status')


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('ix_registrations_event_status', ['event_id', 'status'], unique=False)
        batch_op.drop_index('ix_registrations_event_status_confirmed')
    for table, (name, _columns) in NEW_INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
