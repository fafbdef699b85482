"""Saved reports and dashboards of an app: their definitions (JSON, checked on every save) with a
version that grows with each save, which the result cache keys on."""

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from core.types import IdType, JsonType, UTCDateTime
from runtime.tables.base import metadata


def _definition_table(name: str, *extra: Column) -> Table:
    return Table(
        name,
        metadata,
        Column("id", IdType, primary_key=True, autoincrement=True),
        Column("app_id", IdType, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
        Column("name", String(128), nullable=False),
        Column("description", Text, nullable=False, default=""),
        Column("definition", JsonType, nullable=False),
        *extra,
        Column("version", Integer, nullable=False, default=1),
        Column("created_by", IdType, ForeignKey("users.id", ondelete="SET NULL")),
        Column("created_at", UTCDateTime, nullable=False),
        Column("updated_by", IdType, ForeignKey("users.id", ondelete="SET NULL")),
        Column("updated_at", UTCDateTime, nullable=False),
        Index(f"ix_{name}_app_id", "app_id", "id"),
    )


reports = _definition_table("reports")
dashboards = _definition_table(
    "dashboards",
    # Who may open it besides the app's administrators: {"everyone": bool, "roles": [app role keys]}.
    Column("share", JsonType, nullable=False, default=dict),
    Column("is_home", Boolean, nullable=False, default=False),
)

# Public read-only links to a dashboard. Whoever holds the unguessable link sees the dashboard as
# its sharer saw it when sharing: `scope` freezes the sharer's standing (platform roles, app roles,
# departments) at that moment; the sharer's later promotions never widen what the link shows.
dashboard_links = Table(
    "dashboard_links",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("app_id", IdType, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("dashboard_id", IdType, ForeignKey("dashboards.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(128), nullable=False),
    # "share": made by a person and listed; "export": made by the PNG/PDF exporter for the seconds
    # its headless browser needs, then deleted.
    Column("purpose", String(16), nullable=False, default="share"),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("scope", JsonType, nullable=False),
    Column("created_by", IdType, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    Index("ix_dashboard_links_dashboard", "dashboard_id"),
)

# A dashboard sent by e-mail on a schedule (cron, in the platform's time zone) as PNG or PDF, drawn
# as its creator saw it when scheduling (`scope`: the same frozen standing a public link keeps).
dashboard_schedules = Table(
    "dashboard_schedules",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("app_id", IdType, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("dashboard_id", IdType, ForeignKey("dashboards.id", ondelete="CASCADE"), nullable=False),
    Column("cron", String(100), nullable=False),
    Column("format", String(8), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("recipients", JsonType, nullable=False),  # {"users": [ids], "emails": [addresses]}
    Column("scope", JsonType, nullable=False),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("created_by", IdType, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_sent_at", UTCDateTime),
    Index("ix_dashboard_schedules_dashboard", "dashboard_id"),
)
