"""reports: report and dashboard definitions

Revision ID: 0009
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy import Text

import core.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True, astext_type=Text()), 'postgresql')


def _definition_table(name: str, *extra: sa.Column) -> None:
    op.create_table(name,
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('app_id', _ID, nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('definition', _JSON, nullable=False),
    *extra,
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', _ID, nullable=True),
    sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', _ID, nullable=True),
    sa.Column('updated_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f(f'fk_{name}_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f(f'fk_{name}_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f(f'fk_{name}_updated_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{name}'))
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(f'ix_{name}_app_id', ['app_id', 'id'], unique=False)


def upgrade() -> None:
    _definition_table('reports')
    _definition_table('dashboards', sa.Column('share', _JSON, nullable=False),
                      sa.Column('is_home', sa.Boolean(), nullable=False))


def downgrade() -> None:
    op.drop_table('dashboards')
    op.drop_table('reports')
