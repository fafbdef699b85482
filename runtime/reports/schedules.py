"""Dashboards sent by e-mail on a schedule, as PNG or PDF.

Whoever may open a board may schedule it (cron in the platform's time zone) to people of the
platform and to addresses. The board is drawn as its scheduler saw it when scheduling — the same
frozen standing a public link keeps — so a recipient never sees more than the scheduler could.

A timer per schedule (key `board-mail:<id>`) fires at the next occurrence; its handler (inside the
worker's transaction, which must not call out) enqueues one `dashboard_mail` delivery and arms the
next occurrence. The delivery, outside any transaction, draws the board through the exporter
(runtime/reports/snapshot.py) and sends it through the SMTP server the administrators set.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from croniter import croniter
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.errors import Invalid, NotFound
from core.settings import Settings
from runtime.audit import service as audit
from runtime.channels import mail
from runtime.identity.secrets import new_token
from runtime.permissions.gate import is_app_admin
from runtime.records.compute import PLATFORM_TZ
from runtime.reports import dashboards as boards
from runtime.reports import links, snapshot
from runtime.reports.service import Viewer
from runtime.tables import users
from runtime.tables.reports import dashboard_schedules, dashboards
from runtime.worker import timers
from runtime.worker.context import PermanentFailure, WorkContext
from runtime.worker.outbox import delivery_handler, enqueue

TIMER, DELIVERY = "dashboard.mail", "dashboard_mail"


def _key(schedule_id: int) -> str:
    return f"board-mail:{schedule_id}"


def next_time(cron: str, after: datetime) -> datetime:
    local = after.astimezone(PLATFORM_TZ)
    return croniter(cron, local).get_next(datetime).astimezone(after.tzinfo)


def _out(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "dashboard_id", "cron", "format", "subject", "recipients", "enabled",
                                "created_by", "created_at", "last_sent_at")}


def _check(data: dict[str, Any]) -> None:
    errors = []
    if not croniter.is_valid(data["cron"]):
        errors.append({"path": "cron", "message": "Not a cron expression (minute hour day month weekday).",
                       "message_zh": "不是有效的 cron 表达式（分 时 日 月 周）。", "code": "bad_cron"})
    recipients = data["recipients"]
    if not recipients.get("users") and not recipients.get("emails"):
        errors.append({"path": "recipients", "message": "Name at least one person or address.",
                       "message_zh": "请至少指定一位收件人。", "code": "required"})
    if errors:
        raise Invalid("The schedule is not valid.", errors, detail_zh="定时发送设置无效。")


async def create(v: Viewer, dashboard_id: int, data: dict[str, Any]) -> dict[str, Any]:
    row = await boards.opened(v, dashboard_id)
    _check(data)
    assert v.actor.principal is not None
    now = v.clock.now()
    values = {"app_id": v.app["id"], "dashboard_id": row["id"], "cron": data["cron"], "format": data["format"],
              "subject": data.get("subject") or row["name"], "recipients": data["recipients"],
              "scope": {**await links.standing(v.conn, v.actor.principal, v.app), "filters": data.get("filters") or {}},
              "enabled": True, "created_by": v.actor.id, "created_at": now}
    schedule_id = (await v.conn.execute(insert(dashboard_schedules).values(values)
                                        .returning(dashboard_schedules.c.id))).scalar_one()
    await timers.schedule(v.conn, TIMER, next_time(data["cron"], now), {"schedule": schedule_id}, _key(schedule_id), now=now)
    audit.record(v.conn, v.actor, "dashboard_schedule.create", target_type=f"{v.app['key']}.dashboard:{row['id']}",
                 target_id=schedule_id, after={k: values[k] for k in ("cron", "format", "recipients")})
    return _out({**values, "id": schedule_id, "last_sent_at": None})


async def _mine(v: Viewer, schedule_id: int) -> dict[str, Any]:
    row = (await v.conn.execute(select(dashboard_schedules).where(
        dashboard_schedules.c.id == schedule_id, dashboard_schedules.c.app_id == v.app["id"]))).mappings().first()
    assert v.actor.principal is not None
    if row is None or (row["created_by"] != v.actor.id and not await is_app_admin(v.conn, v.actor.principal, v.app)):
        raise NotFound("schedule")
    return dict(row)


async def listed(v: Viewer, dashboard_id: int) -> list[dict[str, Any]]:
    await boards.opened(v, dashboard_id)
    query = select(dashboard_schedules).where(dashboard_schedules.c.dashboard_id == dashboard_id)
    assert v.actor.principal is not None
    if not await is_app_admin(v.conn, v.actor.principal, v.app):
        query = query.where(dashboard_schedules.c.created_by == v.actor.id)
    return [_out(dict(r)) for r in (await v.conn.execute(query.order_by(dashboard_schedules.c.id))).mappings()]


async def change(v: Viewer, schedule_id: int, enabled: bool) -> dict[str, Any]:
    row = await _mine(v, schedule_id)
    await v.conn.execute(update(dashboard_schedules).where(dashboard_schedules.c.id == schedule_id).values(enabled=enabled))
    if enabled:
        await timers.schedule(v.conn, TIMER, next_time(row["cron"], v.clock.now()), {"schedule": schedule_id},
                              _key(schedule_id), now=v.clock.now())
    else:
        await timers.cancel(v.conn, _key(schedule_id))
    return _out({**row, "enabled": enabled})


async def remove(v: Viewer, schedule_id: int) -> None:
    await _mine(v, schedule_id)
    await timers.cancel(v.conn, _key(schedule_id))
    await v.conn.execute(delete(dashboard_schedules).where(dashboard_schedules.c.id == schedule_id))
    audit.record(v.conn, v.actor, "dashboard_schedule.delete", target_type=v.app["key"], target_id=schedule_id)


async def send_now(v: Viewer, schedule_id: int) -> dict[str, Any]:
    await _mine(v, schedule_id)
    return {"outbox_id": await _enqueue(v.conn, schedule_id, v.clock.now())}


async def _enqueue(conn: AsyncConnection, schedule_id: int, now: datetime) -> int:
    return await enqueue(conn, DELIVERY, {"schedule": schedule_id}, f"{_key(schedule_id)}:{new_token(9)}", now=now)


@timers.timer_handler(TIMER)
async def fire(conn: AsyncConnection, payload: dict, ctx: WorkContext) -> None:
    row = (await conn.execute(select(dashboard_schedules).where(
        dashboard_schedules.c.id == payload.get("schedule")))).mappings().first()
    if row is None or not row["enabled"]:
        return
    now = ctx.clock.now()
    await _enqueue(conn, row["id"], now)
    await timers.schedule(conn, TIMER, next_time(row["cron"], now + timedelta(seconds=1)), {"schedule": row["id"]},
                          _key(row["id"]), now=now)


@delivery_handler(DELIVERY)
async def deliver(payload: dict, ctx: WorkContext) -> dict[str, Any]:
    settings: Settings = ctx.settings
    executable = snapshot.browser_path(settings)
    if executable is None:
        raise PermanentFailure("No headless Chromium for the export (install Debian's chromium).")
    token = new_token(32)
    async with ctx.db.transaction() as conn:
        row = (await conn.execute(select(dashboard_schedules, dashboards.c.name.label("board"))
                                  .join(dashboards, dashboards.c.id == dashboard_schedules.c.dashboard_id)
                                  .where(dashboard_schedules.c.id == payload.get("schedule")))).mappings().first()
        if row is None or not row["enabled"]:
            raise PermanentFailure("The schedule was deleted or switched off.")
        wanted = row["recipients"].get("users") or []
        found = await conn.execute(select(users.c.email).where(users.c.id.in_(wanted), users.c.is_active.is_(True),
                                                               users.c.email.is_not(None))) if wanted else []
        to = sorted({*(e for e, in found), *(row["recipients"].get("emails") or [])})
        link_id, _ = await links.issue(conn, settings, ctx.clock.now(), row["app_id"], row["dashboard_id"], row["scope"],
                                       row["created_by"], "scheduled e-mail", "export",
                                       timedelta(seconds=settings.export_timeout_seconds * 2), token)
    try:
        base = (settings.render_url or settings.base_url).rstrip("/")
        content = await snapshot.render(f"{base}/share/d/{token}?print=1", row["format"], executable,
                                        settings.export_timeout_seconds)
    finally:
        async with ctx.db.transaction() as conn:
            await links.forget(conn, link_id)
    if not to:
        raise PermanentFailure("None of the recipients has an e-mail address.")
    stamp = ctx.clock.now().astimezone(PLATFORM_TZ).strftime("%Y-%m-%d %H:%M")
    media = "image/png" if row["format"] == "png" else "application/pdf"
    await mail.send(ctx, to, row["subject"], f"{row['board']} — {stamp}\n\n仪表盘见附件。The dashboard is attached.",
                    attachments=[(f"{row['board']} {stamp[:10]}.{row['format']}", media, content)])
    async with ctx.db.transaction() as conn:
        await conn.execute(update(dashboard_schedules).where(dashboard_schedules.c.id == row["id"])
                           .values(last_sent_at=ctx.clock.now()))
    return {"to": len(to), "bytes": len(content)}
