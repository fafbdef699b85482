"""Apps, their forms with draft and published versions, record history, auto-number counters,
and the app-level permission model (app roles, their members, per-form permission groups)."""

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from core.types import IdType, JsonType, UTCDateTime
from runtime.tables.base import metadata

apps = Table(
    "apps",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("key", String(20), nullable=False, unique=True),
    Column("name", String(128), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("icon", String(64), nullable=False, default="appstore"),
    Column("color", String(16), nullable=False, default="#1677ff"),
    Column("menu", JsonType, nullable=False, default=list),
    Column("created_by", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("deleted_at", UTCDateTime),
)

forms = Table(
    "forms",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("app_id", IdType, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(48), nullable=False),
    Column("draft", JsonType, nullable=False),
    Column("draft_revision", Integer, nullable=False, default=1),
    Column("published_version", Integer),
    Column("retired_fields", JsonType, nullable=False, default=dict),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("app_id", "key", name="uq_forms_app_id_key"),
)

form_versions = Table(
    "form_versions",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("form_id", IdType, ForeignKey("forms.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("definition", JsonType, nullable=False),
    Column("table_name", String(63), nullable=False),
    Column("changes", JsonType, nullable=False, default=list),
    Column("published_by", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("published_at", UTCDateTime, nullable=False),
    UniqueConstraint("form_id", "version", name="uq_form_versions_form_id_version"),
)

record_history = Table(
    "record_history",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("form_id", IdType, nullable=False),
    Column("record_id", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),
    Column("op", String(16), nullable=False),
    Column("actor_id", IdType),
    Column("at", UTCDateTime, nullable=False),
    Column("changes", JsonType, nullable=False),
    Index("ix_record_history_form_record", "form_id", "record_id"),
)

autonumber_counters = Table(
    "autonumber_counters",
    metadata,
    Column("form_id", IdType, primary_key=True),
    Column("field_key", String(48), primary_key=True),
    Column("period", String(16), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

app_roles = Table(
    "app_roles",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("app_id", IdType, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(64), nullable=False),
    Column("name", String(128), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("is_admin", Boolean, nullable=False, default=False),
    # Open to external accounts: an external user's membership counts only in such roles.
    Column("external", Boolean, nullable=False, default=False),
    UniqueConstraint("app_id", "key", name="uq_app_roles_app_id_key"),
)

app_role_members = Table(
    "app_role_members",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("app_role_id", IdType, ForeignKey("app_roles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("user_id", IdType, ForeignKey("users.id", ondelete="CASCADE")),
    Column("department_id", IdType, ForeignKey("departments.id", ondelete="CASCADE")),
    Column("role_id", IdType, ForeignKey("roles.id", ondelete="CASCADE")),
)

permission_groups = Table(
    "permission_groups",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("app_id", IdType, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("form_key", String(48), nullable=False),
    Column("app_role_id", IdType, ForeignKey("app_roles.id", ondelete="CASCADE"), nullable=False),
    Column("actions", JsonType, nullable=False, default=list),
    Column("data_scope", JsonType, nullable=False, default=dict),
    Column("field_rules", JsonType, nullable=False, default=dict),
    # Rows the write actions (edit, delete, reassign) reach; NULL: the same as data_scope.
    Column("edit_scope", JsonType),
    Column("updated_at", UTCDateTime),
    UniqueConstraint("app_id", "form_key", "app_role_id", name="uq_permission_groups_form_role"),
)

record_shares = Table(
    "record_shares",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("form_id", IdType, ForeignKey("forms.id", ondelete="CASCADE"), nullable=False),
    Column("record_id", BigInteger, nullable=False),
    Column("user_id", IdType, ForeignKey("users.id", ondelete="CASCADE")),
    Column("department_id", IdType, ForeignKey("departments.id", ondelete="CASCADE")),
    Column("level", String(8), nullable=False),  # "read" | "edit"
    Column("created_by", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_record_shares_form_user", "form_id", "user_id", "record_id"),
    Index("ix_record_shares_form_department", "form_id", "department_id", "record_id"),
    Index("ix_record_shares_form_record", "form_id", "record_id"),
)

record_comments = Table(
    "record_comments",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("form_id", IdType, ForeignKey("forms.id", ondelete="CASCADE"), nullable=False),
    Column("record_id", BigInteger, nullable=False),
    Column("author_id", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("body", Text, nullable=False),
    Column("mentions", JsonType, nullable=False, default=list),
    Column("created_at", UTCDateTime, nullable=False),
    Column("edited_at", UTCDateTime),
    Column("deleted_at", UTCDateTime),
    Index("ix_record_comments_form_record", "form_id", "record_id", "id"),
)
