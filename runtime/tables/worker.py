"""The durable background work: timers (fire once when due), the outbox (deliver at least once,
outside any transaction) and the in-app notifications users read.

Timers and outbox rows are written in the caller's own transaction, so work is scheduled exactly
when the change that asks for it commits.
"""

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, text

from core.types import IdType, JsonType, UTCDateTime
from runtime.tables.base import metadata

# Keys compare byte by byte on both backends (SQLite's BINARY, PostgreSQL's "C"), so a key prefix
# is an index range: `cancel_prefix("flow:42:")` reads only the keys that start with it.
TimerKey = String(200).with_variant(String(200, collation="C"), "postgresql")
PENDING = text("status = 'pending'")

timers = Table(
    "timers",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),  # a registered timer handler
    Column("due_at", UTCDateTime, nullable=False),
    Column("payload", JsonType, nullable=False),
    Column("key", TimerKey),  # scheduling a key again moves its pending timer instead of adding one
    Column("status", String(16), nullable=False),  # pending | done | failed | cancelled
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", JsonType),
    Column("created_at", UTCDateTime, nullable=False),
    Column("fired_at", UTCDateTime),
    Index("ix_timers_status_due_at", "status", "due_at"),
    # Unique among pending timers only: a fired or cancelled timer keeps its key for the record,
    # and the same key may be scheduled again afterwards (a handler re-arming its own key).
    Index("uq_timers_key_pending", "key", unique=True, sqlite_where=PENDING, postgresql_where=PENDING),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),  # a registered delivery handler ("http", …)
    Column("payload", JsonType, nullable=False),
    Column("idempotency_key", String(100), nullable=False, unique=True),  # travels with every delivery
    Column("status", String(16), nullable=False),  # pending | running | delivered | failed | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("locked_by", String(64)),
    Column("locked_until", UTCDateTime),
    Column("last_error", JsonType),
    Column("result", JsonType),  # what the delivery handler returned (e.g. the HTTP status)
    Column("created_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime),
    Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("user_id", IdType, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("title", JsonType, nullable=False),  # {"en": …, "zh-CN": …}
    Column("body", Text, nullable=False, default=""),
    Column("link", JsonType),  # {"app", "form", "record_id"} or {"task_id"}: where a click goes
    Column("created_at", UTCDateTime, nullable=False),
    Column("read_at", UTCDateTime),
    Index("ix_notifications_user_read", "user_id", "read_at", "id"),
    Index("ix_notifications_user_id", "user_id", "id"),
)
