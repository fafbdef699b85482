"""public form links

Revision ID: 0005
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy import Text

import core.types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('public_links',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('app_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('form_key', sa.String(length=48), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('fields', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('allow_edit', sa.Boolean(), nullable=False),
    sa.Column('max_per_minute', sa.Integer(), nullable=False),
    sa.Column('submissions', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_public_links_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_public_links_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_public_links_token_hash'))
    )
    with op.batch_alter_table('public_links', schema=None) as batch_op:
        batch_op.create_index('ix_public_links_app_form', ['app_id', 'form_key'], unique=False)

    op.create_table('public_submissions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('link_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edit_token_hash', sa.String(length=64), nullable=True),
    sa.Column('edit_expires_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('edited_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['link_id'], ['public_links.id'], name=op.f('fk_public_submissions_link_id_public_links'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_submissions')),
    sa.UniqueConstraint('edit_token_hash', name=op.f('uq_public_submissions_edit_token_hash'))
    )
    with op.batch_alter_table('public_submissions', schema=None) as batch_op:
        batch_op.create_index('ix_public_submissions_link_ip_at', ['link_id', 'ip', 'at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('public_submissions', schema=None) as batch_op:
        batch_op.drop_index('ix_public_submissions_link_ip_at')

    op.drop_table('public_submissions')
    with op.batch_alter_table('public_links', schema=None) as batch_op:
        batch_op.drop_index('ix_public_links_app_form')

    op.drop_table('public_links')
