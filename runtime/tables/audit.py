"""The append-only audit log; database triggers refuse UPDATE and DELETE on it."""

from sqlalchemy import Column, Index, String, Table

from core.types import IdType, JsonType, UTCDateTime
from runtime.tables.base import metadata

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_id", IdType),
    Column("actor_name", String(128)),
    Column("action", String(64), nullable=False),
    Column("target_type", String(64)),
    Column("target_id", String(64)),
    Column("ip", String(64)),
    Column("user_agent", String(256)),
    Column("request_id", String(64)),
    Column("before", JsonType),
    Column("after", JsonType),
    Index("ix_audit_log_at", "at"),
    Index("ix_audit_log_actor_id", "actor_id"),
    Index("ix_audit_log_action", "action"),
    Index("ix_audit_log_target", "target_type", "target_id"),
)
