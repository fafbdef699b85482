"""Public form links (anonymous submission) and the one-time edit links given to submitters."""

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table

from core.types import IdType, JsonType, UTCDateTime
from runtime.tables.base import metadata

public_links = Table(
    "public_links",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("app_id", IdType, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("form_key", String(48), nullable=False),
    Column("name", String(128), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("fields", JsonType, nullable=False),
    Column("allow_edit", Boolean, nullable=False, default=False),
    Column("max_per_minute", Integer, nullable=False, default=10),
    Column("submissions", Integer, nullable=False, default=0),
    Column("created_by", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    Index("ix_public_links_app_form", "app_id", "form_key"),
)

public_submissions = Table(
    "public_submissions",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("link_id", IdType, ForeignKey("public_links.id", ondelete="CASCADE"), nullable=False),
    Column("record_id", IdType, nullable=False),
    Column("ip", String(64)),
    Column("at", UTCDateTime, nullable=False),
    Column("edit_token_hash", String(64), unique=True),
    Column("edit_expires_at", UTCDateTime),
    Column("edited_at", UTCDateTime),
    Index("ix_public_submissions_link_ip_at", "link_id", "ip", "at"),
)
