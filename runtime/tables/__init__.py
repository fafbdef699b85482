"""SQLAlchemy Core tables of the platform's own data (migrated by Alembic).

Generated record tables (`app_<app>__<form>`) are not declared here: the form engine plans them.
"""

from runtime.tables.base import metadata
from runtime.tables.identity import (
    api_tokens,
    departments,
    idempotency_keys,
    login_attempts,
    roles,
    sessions,
    user_departments,
    user_roles,
    users,
)
from runtime.tables.audit import audit_log
from runtime.tables.files import file_refs, files
from runtime.tables.jobs import import_uploads, jobs
from runtime.tables.public import public_links, public_submissions
from runtime.tables.reports import dashboard_links, dashboard_schedules, dashboards, reports
from runtime.tables.views import saved_views
from runtime.tables.webhooks import webhook_attempts, webhooks
from runtime.tables.channels import notification_channels, platform_settings
from runtime.tables.worker import notifications, outbox, timers
from runtime.tables.flows import (
    delegations,
    flow_counters,
    flow_events,
    flow_instances,
    flow_tasks,
    flow_versions,
    flows,
    work_calendars,
)
from runtime.tables.apps import (
    app_role_members,
    app_roles,
    apps,
    autonumber_counters,
    form_versions,
    forms,
    permission_groups,
    record_comments,
    record_history,
    record_shares,
)

__all__ = [
    "metadata",
    "users",
    "roles",
    "user_roles",
    "departments",
    "user_departments",
    "sessions",
    "api_tokens",
    "idempotency_keys",
    "login_attempts",
    "audit_log",
    "files",
    "file_refs",
    "jobs",
    "import_uploads",
    "public_links",
    "public_submissions",
    "dashboard_links",
    "dashboard_schedules",
    "saved_views",
    "webhooks",
    "webhook_attempts",
    "platform_settings",
    "notification_channels",
    "apps",
    "forms",
    "form_versions",
    "record_history",
    "autonumber_counters",
    "app_roles",
    "app_role_members",
    "permission_groups",
    "record_shares",
    "record_comments",
    "timers",
    "outbox",
    "notifications",
    "flows",
    "flow_versions",
    "flow_instances",
    "flow_tasks",
    "flow_events",
    "delegations",
    "work_calendars",
    "flow_counters",
]
