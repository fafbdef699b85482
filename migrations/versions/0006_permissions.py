"""permissions: shares, comments, file refs, token narrowing

Revision ID: 0006
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy import Text

import core.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('file_refs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('file_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('form_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['files.id'], name=op.f('fk_file_refs_file_id_files'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_file_refs_form_id_forms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_file_refs')),
    sa.UniqueConstraint('file_id', 'form_id', name='uq_file_refs_file_form')
    )
    op.create_table('record_comments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('form_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger(), nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('mentions', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_record_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_record_comments_form_id_forms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_comments'))
    )
    with op.batch_alter_table('record_comments', schema=None) as batch_op:
        batch_op.create_index('ix_record_comments_form_record', ['form_id', 'record_id', 'id'], unique=False)

    op.create_table('record_shares',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('form_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_record_shares_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_record_shares_department_id_departments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_record_shares_form_id_forms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_record_shares_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_shares'))
    )
    with op.batch_alter_table('record_shares', schema=None) as batch_op:
        batch_op.create_index('ix_record_shares_form_department', ['form_id', 'department_id', 'record_id'], unique=False)
        batch_op.create_index('ix_record_shares_form_record', ['form_id', 'record_id'], unique=False)
        batch_op.create_index('ix_record_shares_form_user', ['form_id', 'user_id', 'record_id'], unique=False)

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('read_only', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('app_keys', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=Text()), 'postgresql'), nullable=True))

    with op.batch_alter_table('app_roles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('permission_groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edit_scope', sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=Text()), 'postgresql'), nullable=True))
        batch_op.add_column(sa.Column('updated_at', core.types.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('permission_groups', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('edit_scope')

    with op.batch_alter_table('app_roles', schema=None) as batch_op:
        batch_op.drop_column('external')

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('app_keys')
        batch_op.drop_column('read_only')

    with op.batch_alter_table('record_shares', schema=None) as batch_op:
        batch_op.drop_index('ix_record_shares_form_user')
        batch_op.drop_index('ix_record_shares_form_record')
        batch_op.drop_index('ix_record_shares_form_department')

    op.drop_table('record_shares')
    with op.batch_alter_table('record_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_record_comments_form_record')

    op.drop_table('record_comments')
    op.drop_table('file_refs')
