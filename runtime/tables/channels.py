"""Where notifications go besides the in-app list: platform settings (the SMTP server), and each
user's own channels (e-mail, or a DingTalk / WeCom / Feishu robot of their group chat)."""

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, Text

from core.types import IdType, JsonType, UTCDateTime
from runtime.tables.base import metadata

# Platform-wide settings edited in the admin pages, one JSON value per key ("email": SMTP).
platform_settings = Table(
    "platform_settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", JsonType, nullable=False),  # secrets inside are sealed (core.crypto)
    Column("updated_by", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("updated_at", UTCDateTime, nullable=False),
)

notification_channels = Table(
    "notification_channels",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("user_id", IdType, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),  # email | dingtalk | wecom | feishu
    Column("target", Text, nullable=False),  # an e-mail address, or the robot's webhook URL
    Column("secret_sealed", Text),  # a robot's signing secret
    Column("enabled", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_notification_channels_user", "user_id"),
)
