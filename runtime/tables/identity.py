"""Users, roles, departments, sessions, API tokens and login attempts."""

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from core.types import IdType, JsonType, UTCDateTime
from runtime.tables.base import metadata

users = Table(
    "users",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(128), nullable=False),
    Column("email", String(254)),
    Column("password_hash", Text),
    Column("is_active", Boolean, nullable=False, default=True),
    Column("is_external", Boolean, nullable=False, default=False),
    Column("locale", String(16), nullable=False, default="zh-CN"),
    Column("password_changed_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

roles = Table(
    "roles",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("name", String(128), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("builtin", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
)

user_roles = Table(
    "user_roles",
    metadata,
    Column("user_id", IdType, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", IdType, ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_user_roles_role_id", "role_id"),
)

departments = Table(
    "departments",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False),
    Column("parent_id", IdType, ForeignKey("departments.id", ondelete="RESTRICT"), index=True),
    Column("head_user_id", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("sort", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

user_departments = Table(
    "user_departments",
    metadata,
    Column("user_id", IdType, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", IdType, ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
    Column("is_primary", Boolean, nullable=False, default=False),
    Index("ix_user_departments_department_id", "department_id"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("csrf_token", String(64), nullable=False),
    Column("user_id", IdType, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("ip", String(64)),
    Column("user_agent", String(256)),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("user_id", IdType, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(128), nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    # Narrowing: a read-only token may only read; `app_keys` (NULL: all) limits it to those apps.
    Column("read_only", Boolean, nullable=False, default=False),
    Column("app_keys", JsonType),
    # Requests a minute this token may make (NULL: QIQIAO_API_RATE_PER_MINUTE); more get 429.
    Column("rate_per_minute", Integer),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("ip", String(64)),
    Column("success", Boolean, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_login_attempts_username_at", "username", "at"),
    Index("ix_login_attempts_ip_at", "ip", "at"),
)

# A client's Idempotency-Key on a create: the first answer is kept (a day) and given again to a
# retry of the same request, so a retried POST never creates a second record.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("owner", String(40), nullable=False),  # "token:<id>" or "user:<id>"
    Column("key", String(200), nullable=False),
    Column("request_hash", String(64), nullable=False),  # method, path and body: a reused key must match
    Column("status_code", Integer, nullable=False),
    Column("response", JsonType, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("owner", "key", name="uq_idempotency_keys_owner_key"),
    Index("ix_idempotency_keys_created_at", "created_at"),
)
