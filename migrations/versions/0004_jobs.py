"""jobs and import uploads

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import core.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql')


def _id():
    return sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('jobs',
    sa.Column('id', _id(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('params', _json(), nullable=False),
    sa.Column('result', _json(), nullable=True),
    sa.Column('error', _json(), nullable=True),
    sa.Column('created_by', _id(), nullable=True),
    sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_jobs_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_created_by', ['created_by'], unique=False)
        batch_op.create_index('ix_jobs_status', ['status'], unique=False)

    op.create_table('import_uploads',
    sa.Column('id', _id(), autoincrement=True, nullable=False),
    sa.Column('app_id', _id(), nullable=False),
    sa.Column('form_key', sa.String(length=48), nullable=True),
    sa.Column('file_key', sa.String(length=64), nullable=False),
    sa.Column('file_format', sa.String(length=8), nullable=False),
    sa.Column('encoding', sa.String(length=20), nullable=True),
    sa.Column('sheet', sa.String(length=255), nullable=True),
    sa.Column('columns', _json(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('job_id', _id(), nullable=True),
    sa.Column('report_key', sa.String(length=64), nullable=True),
    sa.Column('created_by', _id(), nullable=True),
    sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_import_uploads_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_import_uploads_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_import_uploads_job_id_jobs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_uploads')),
    sa.UniqueConstraint('file_key', name=op.f('uq_import_uploads_file_key'))
    )
    with op.batch_alter_table('import_uploads', schema=None) as batch_op:
        batch_op.create_index('ix_import_uploads_created_by', ['created_by'], unique=False)
        batch_op.create_index('ix_import_uploads_expires_at', ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('import_uploads', schema=None) as batch_op:
        batch_op.drop_index('ix_import_uploads_expires_at')
        batch_op.drop_index('ix_import_uploads_created_by')
    op.drop_table('import_uploads')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_status')
        batch_op.drop_index('ix_jobs_created_by')
    op.drop_table('jobs')
