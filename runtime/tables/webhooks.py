"""Outbound webhooks of an app (per form, or the whole app) and the log of every delivery attempt."""

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from core.types import IdType, JsonType, UTCDateTime
from runtime.tables.base import metadata

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("app_id", IdType, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("form_key", String(48)),  # empty: every form of the app
    Column("name", String(128), nullable=False),
    Column("url", Text, nullable=False),
    Column("events", JsonType, nullable=False),
    Column("secret_sealed", Text, nullable=False),  # core.crypto.seal: used to sign, never shown again
    Column("secret_prefix", String(16), nullable=False),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("failures", Integer, nullable=False, default=0),  # failed attempts in a row
    Column("disabled_reason", String(200)),
    Column("created_by", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_webhooks_app", "app_id"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("webhook_id", IdType, ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False),
    Column("outbox_id", IdType, nullable=False),
    Column("delivery", String(40), nullable=False),  # the event's id, the same on every attempt and redelivery
    Column("event", String(40), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("request", JsonType, nullable=False),  # url, headers (signature included, no secret), body excerpt
    Column("status_code", Integer),
    Column("response_excerpt", Text),
    Column("error", Text),
    Column("duration_ms", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_webhook_attempts_webhook", "webhook_id", "id"),
)
