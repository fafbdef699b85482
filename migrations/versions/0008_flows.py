"""flows: definitions, instances, tasks, timeline

Revision ID: 0008
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy import Text

import core.types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('work_calendars',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('definition', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('updated_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_calendars')),
    sa.UniqueConstraint('key', name=op.f('uq_work_calendars_key'))
    )
    op.create_table('flow_delegations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('deputy_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('app_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_flow_delegations_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['deputy_id'], ['users.id'], name=op.f('fk_flow_delegations_deputy_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_flow_delegations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_delegations'))
    )
    with op.batch_alter_table('flow_delegations', schema=None) as batch_op:
        batch_op.create_index('ix_flow_delegations_user', ['user_id', 'starts_on'], unique=False)

    op.create_table('flows',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('app_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=48), nullable=False),
    sa.Column('form_key', sa.String(length=48), nullable=True),
    sa.Column('trigger_type', sa.String(length=40), nullable=True),
    sa.Column('draft', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('draft_revision', sa.Integer(), nullable=False),
    sa.Column('published_version', sa.Integer(), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('webhook_secret_hash', sa.String(length=128), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_flows_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_flows_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flows')),
    sa.UniqueConstraint('app_id', 'key', name='uq_flows_app_id_key')
    )
    with op.batch_alter_table('flows', schema=None) as batch_op:
        batch_op.create_index('ix_flows_app_form', ['app_id', 'form_key'], unique=False)

    op.create_table('flow_counters',
    sa.Column('flow_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('node_id', sa.String(length=64), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['flow_id'], ['flows.id'], name=op.f('fk_flow_counters_flow_id_flows'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('flow_id', 'node_id', name=op.f('pk_flow_counters'))
    )
    op.create_table('flow_instances',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('flow_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('flow_version', sa.Integer(), nullable=False),
    sa.Column('app_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('form_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('record_id', sa.BigInteger(), nullable=True),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('parent_node', sa.String(length=64), nullable=True),
    sa.Column('initiator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('title', sa.String(length=400), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('state', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('vars', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('error', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('started_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_flow_instances_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['flow_id'], ['flows.id'], name=op.f('fk_flow_instances_flow_id_flows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_flow_instances_form_id_forms'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['initiator_id'], ['users.id'], name=op.f('fk_flow_instances_initiator_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['flow_instances.id'], name=op.f('fk_flow_instances_parent_id_flow_instances'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_instances'))
    )
    with op.batch_alter_table('flow_instances', schema=None) as batch_op:
        batch_op.create_index('ix_flow_instances_initiator', ['initiator_id', 'id'], unique=False)
        batch_op.create_index('ix_flow_instances_record', ['form_id', 'record_id'], unique=False)
        batch_op.create_index('ix_flow_instances_status', ['app_id', 'status'], unique=False)

    op.create_table('flow_versions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('flow_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('definition', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('published_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('published_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['flow_id'], ['flows.id'], name=op.f('fk_flow_versions_flow_id_flows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_flow_versions_published_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_versions')),
    sa.UniqueConstraint('flow_id', 'version', name='uq_flow_versions_flow_id_version')
    )
    op.create_table('flow_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('instance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('node_id', sa.String(length=64), nullable=True),
    sa.Column('actor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_flow_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['instance_id'], ['flow_instances.id'], name=op.f('fk_flow_events_instance_id_flow_instances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_events'))
    )
    with op.batch_alter_table('flow_events', schema=None) as batch_op:
        batch_op.create_index('ix_flow_events_instance', ['instance_id', 'id'], unique=False)

    op.create_table('flow_tasks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('instance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('app_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('task_key', sa.String(length=32), nullable=False),
    sa.Column('node_id', sa.String(length=64), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('assignee_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('delegated_from', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=400), nullable=False),
    sa.Column('stash', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('signature', sa.String(length=64), nullable=True),
    sa.Column('acted_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acted_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('urged_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['acted_by'], ['users.id'], name=op.f('fk_flow_tasks_acted_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_flow_tasks_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_flow_tasks_assignee_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delegated_from'], ['users.id'], name=op.f('fk_flow_tasks_delegated_from_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['instance_id'], ['flow_instances.id'], name=op.f('fk_flow_tasks_instance_id_flow_instances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_tasks')),
    sa.UniqueConstraint('instance_id', 'task_key', name='uq_flow_tasks_instance_key')
    )
    with op.batch_alter_table('flow_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_flow_tasks_acted', ['acted_by', 'acted_at'], unique=False)
        batch_op.create_index('ix_flow_tasks_inbox', ['assignee_id', 'status', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('flow_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_flow_tasks_inbox')
        batch_op.drop_index('ix_flow_tasks_acted')

    op.drop_table('flow_tasks')
    with op.batch_alter_table('flow_events', schema=None) as batch_op:
        batch_op.drop_index('ix_flow_events_instance')

    op.drop_table('flow_events')
    op.drop_table('flow_versions')
    with op.batch_alter_table('flow_instances', schema=None) as batch_op:
        batch_op.drop_index('ix_flow_instances_status')
        batch_op.drop_index('ix_flow_instances_record')
        batch_op.drop_index('ix_flow_instances_initiator')

    op.drop_table('flow_instances')
    op.drop_table('flow_counters')
    with op.batch_alter_table('flows', schema=None) as batch_op:
        batch_op.drop_index('ix_flows_app_form')

    op.drop_table('flows')
    with op.batch_alter_table('flow_delegations', schema=None) as batch_op:
        batch_op.drop_index('ix_flow_delegations_user')

    op.drop_table('flow_delegations')
    op.drop_table('work_calendars')
