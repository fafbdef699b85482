"""Flows: definitions with draft and published versions, running instances, their tasks (the
inbox reads only `flow_tasks`), their timeline, delegations, working calendars and the
counters of round-robin assignment."""

from sqlalchemy import BigInteger, Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from core.types import IdType, JsonType, UTCDateTime
from runtime.tables.base import metadata

flows = Table(
    "flows",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("app_id", IdType, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(48), nullable=False),
    Column("form_key", String(48)),  # the published version's form (for matching record events)
    Column("trigger_type", String(40)),  # the published version's trigger
    Column("draft", JsonType, nullable=False),
    Column("draft_revision", Integer, nullable=False, default=1),
    Column("published_version", Integer),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("webhook_secret_hash", String(128)),  # HMAC of the inbound webhook secret
    Column("created_by", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("app_id", "key", name="uq_flows_app_id_key"),
    Index("ix_flows_app_form", "app_id", "form_key"),
)

flow_versions = Table(
    "flow_versions",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("flow_id", IdType, ForeignKey("flows.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("definition", JsonType, nullable=False),
    Column("published_by", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("published_at", UTCDateTime, nullable=False),
    UniqueConstraint("flow_id", "version", name="uq_flow_versions_flow_id_version"),
)

flow_instances = Table(
    "flow_instances",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("flow_id", IdType, ForeignKey("flows.id", ondelete="CASCADE"), nullable=False),
    Column("flow_version", Integer, nullable=False),  # pinned: a new version never changes a running instance
    Column("app_id", IdType, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("form_id", IdType, ForeignKey("forms.id", ondelete="SET NULL")),
    Column("record_id", BigInteger),
    Column("parent_id", IdType, ForeignKey("flow_instances.id", ondelete="SET NULL")),  # sub-flows
    Column("parent_node", String(64)),
    Column("initiator_id", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("title", String(400), nullable=False, default=""),
    Column("status", String(16), nullable=False),  # running | approved | rejected | completed | withdrawn | terminated | failed
    Column("state", JsonType, nullable=False),
    Column("vars", JsonType, nullable=False, default=dict),  # e.g. an inbound webhook's payload
    Column("error", JsonType),
    Column("started_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime),
    Index("ix_flow_instances_record", "form_id", "record_id"),
    Index("ix_flow_instances_initiator", "initiator_id", "id"),
    Index("ix_flow_instances_status", "app_id", "status"),
)

flow_tasks = Table(
    "flow_tasks",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("instance_id", IdType, ForeignKey("flow_instances.id", ondelete="CASCADE"), nullable=False),
    Column("app_id", IdType, ForeignKey("apps.id", ondelete="CASCADE"), nullable=False),
    Column("task_key", String(32), nullable=False),  # the engine's key, unique in the instance
    Column("node_id", String(64), nullable=False),
    Column("round", Integer, nullable=False, default=1),
    Column("kind", String(16), nullable=False),  # approval | fill | cc | resubmit | todo
    Column("assignee_id", IdType, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("delegated_from", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("status", String(16), nullable=False),  # pending | waiting | approved | rejected | … | unread | read | done
    Column("title", String(400), nullable=False, default=""),
    Column("stash", JsonType),  # the assignee's saved, not yet submitted edits
    Column("comment", Text),
    Column("signature", String(64)),  # a file key: a handwritten signature
    Column("acted_by", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime),
    Column("acted_at", UTCDateTime),
    Column("urged_at", UTCDateTime),
    UniqueConstraint("instance_id", "task_key", name="uq_flow_tasks_instance_key"),
    Index("ix_flow_tasks_inbox", "assignee_id", "status", "id"),
    Index("ix_flow_tasks_acted", "acted_by", "acted_at"),
)

flow_events = Table(
    "flow_events",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("instance_id", IdType, ForeignKey("flow_instances.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("node_id", String(64)),
    Column("actor_id", IdType, ForeignKey("users.id", ondelete="SET NULL")),
    Column("comment", Text, nullable=False, default=""),
    Column("data", JsonType, nullable=False, default=dict),
    Index("ix_flow_events_instance", "instance_id", "id"),
)

delegations = Table(
    "flow_delegations",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("user_id", IdType, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("deputy_id", IdType, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("app_id", IdType, ForeignKey("apps.id", ondelete="CASCADE")),  # None: every app
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_flow_delegations_user", "user_id", "starts_on"),
)

work_calendars = Table(
    "work_calendars",
    metadata,
    Column("id", IdType, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("name", String(128), nullable=False),
    Column("definition", JsonType, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

flow_counters = Table(
    "flow_counters",
    metadata,
    Column("flow_id", IdType, ForeignKey("flows.id", ondelete="CASCADE"), primary_key=True),
    Column("node_id", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)
