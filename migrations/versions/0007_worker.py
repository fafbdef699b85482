"""worker: timers and outbox

Revision ID: 0007
Revises: 0006
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import core.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _json():
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=Text()), 'postgresql')


def _id():
    return sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_table('outbox',
    sa.Column('id', _id(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', _json(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_by', sa.String(length=64), nullable=True),
    sa.Column('locked_until', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', _json(), nullable=True),
    sa.Column('result', _json(), nullable=True),
    sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_idempotency_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)

    op.create_table('timers',
    sa.Column('id', _id(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('due_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('payload', _json(), nullable=False),
    sa.Column('key', sa.String(length=200).with_variant(sa.String(length=200, collation='C'), 'postgresql'), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', _json(), nullable=True),
    sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('fired_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timers'))
    )
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.create_index('ix_timers_status_due_at', ['status', 'due_at'], unique=False)
        batch_op.create_index('uq_timers_key_pending', ['key'], unique=True, sqlite_where=PENDING, postgresql_where=PENDING)

    op.create_table('notifications',
    sa.Column('id', _id(), autoincrement=True, nullable=False),
    sa.Column('user_id', _id(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', _json(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', _json(), nullable=True),
    sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_id', ['user_id', 'id'], unique=False)
        batch_op.create_index('ix_notifications_user_read', ['user_id', 'read_at', 'id'], unique=False)

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', core.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('locked_by')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_read')
        batch_op.drop_index('ix_notifications_user_id')
    op.drop_table('notifications')

    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.drop_index('uq_timers_key_pending', sqlite_where=PENDING, postgresql_where=PENDING)
        batch_op.drop_index('ix_timers_status_due_at')
    op.drop_table('timers')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_next_attempt_at')
    op.drop_table('outbox')
