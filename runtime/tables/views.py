"""Saved views of a form's records: a table, kanban or calendar view with its columns, widths,
frozen columns, sort, filter and grouping. A view belongs to its owner, or (owner empty) is shared
with the app roles it names — every member of the app when it names none."""

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table

from core.types import IdType, JsonType, UTCDateTime
from runtime.tables.base import metadata

saved_views = Table(
    "saved_views",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("app_id", IdType, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("form_key", String(48), nullable=False),
    Column("name", String(128), nullable=False),
    Column("kind", String(16), nullable=False, default="table"),
    Column("owner_id", IdType, ForeignKey("users.id", ondelete="CASCADE")),
    Column("roles", JsonType, nullable=False, default=list),
    Column("config", JsonType, nullable=False, default=dict),
    Column("position", Integer, nullable=False, default=0),
    Column("created_by", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_saved_views_app_form", "app_id", "form_key"),
)
