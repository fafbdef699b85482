"""Starting instances: from record events, buttons, schedules, dates, inbound webhooks and
parent flows.

An approval flow (`trigger.submit`) starts inside the unit of work that saves the record, so the
record's flow status and its first tasks commit with it. Every other record trigger schedules a
`flow.start` timer due at once, in the same transaction: the worker starts the instance in its
own transaction, so a failing automation never undoes the user's save, and nothing is lost if
the process dies in between (the timer is a row).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from croniter import croniter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from engines.flow import NODE_TYPES, effects as fx
from engines.form.compiled import CompiledForm
from runtime.flows import events, runner
from runtime.flows.definitions import compiled_flow, published_flows
from runtime.forms.loader import compiled_version, form_row
from runtime.records.compute import PLATFORM_TZ, context_for
from runtime.tables import apps, flow_instances, flows, timers as timer_rows
from runtime.worker import timers
from runtime.worker.context import WorkContext
from runtime.worker.loop import periodic
from runtime.worker.timers import timer_handler

_FLOWS_BY_FORM: dict[tuple[str, int], tuple[Any, dict[str, list[dict[str, Any]]]]] = {}


async def flows_of_form(conn: AsyncConnection, app: dict[str, Any], form_key: str) -> list[dict[str, Any]]:
    """The enabled, published flows on a form; cached until the app changes (publishing a flow,
    enabling or disabling one bumps `apps.updated_at`), so a record write costs no query."""
    key = (str(conn.engine.url), app["id"])
    cached = _FLOWS_BY_FORM.get(key)
    if cached is None or cached[0] != app["updated_at"]:
        by_form: dict[str, list[dict[str, Any]]] = {}
        for row in await published_flows(conn, app["id"]):
            by_form.setdefault(row["form_key"] or "", []).append(row)
        cached = _FLOWS_BY_FORM[key] = (app["updated_at"], by_form)
    return cached[1].get(form_key, [])


async def start_instance(conn: AsyncConnection, clock: Clock, app: dict[str, Any], flow_row: dict[str, Any], *,
                         record_id: int | None = None, initiator: int | None = None,
                         chosen: dict[str, list[int]] | None = None, vars: dict[str, Any] | None = None,
                         parent: tuple[int, str] | None = None, check_condition: bool = True) -> dict[str, Any] | None:
    """Start an instance of the flow's published version; None when its trigger condition does
    not hold for the record."""
    version = flow_row["published_version"]
    compiled = await compiled_flow(conn, app, flow_row, version)
    form: CompiledForm | None = None
    form_id = None
    if compiled.definition.form:
        row = await form_row(conn, app["id"], compiled.definition.form)
        form_id = row["id"]
        form = await compiled_version(conn, app, row, row["published_version"])
    now = clock.now()
    record = await runner.record_values(conn, form, record_id) if form is not None and record_id is not None else None
    condition = compiled.formula(f"node:{compiled.trigger}:condition")
    if check_condition and condition is not None:
        if not condition.evaluate(record or vars or {}, context_for(None, now)):
            return None
    title_template = compiled.definition.settings.title
    title = runner.render(title_template, record or vars) if title_template else compiled.definition.name.text("zh-CN")
    instance_id = (await conn.execute(flow_instances.insert().values(
        flow_id=flow_row["id"], flow_version=version, app_id=app["id"], form_id=form_id, record_id=record_id,
        parent_id=parent[0] if parent else None, parent_node=parent[1] if parent else None, initiator_id=initiator,
        title=title[:400], status="running", state={}, vars=vars or {}, started_at=now, updated_at=now,
    ).returning(flow_instances.c.id))).scalar_one()
    loaded = runner.Loaded(conn, clock, app, flow_row, compiled,
                           {"id": instance_id, "flow_id": flow_row["id"], "flow_version": version, "app_id": app["id"],
                            "form_id": form_id, "record_id": record_id, "parent_id": parent[0] if parent else None,
                            "parent_node": parent[1] if parent else None, "initiator_id": initiator, "title": title[:400],
                            "status": "running", "state": {}, "vars": vars or {}, "ended_at": None}, form)
    await events.emit(conn, clock, app, loaded.instance, "flow.started", {"flow": flow_row["key"]})
    return await runner.apply(loaded, fx.Start(initiator, chosen or {}))


async def start_subflow(parent: runner.Loaded, effect: fx.StartSubflow) -> None:
    row = (await parent.conn.execute(select(flows).where(flows.c.app_id == parent.app["id"],
                                                         flows.c.key == effect.flow))).mappings().first()
    if row is None or row["published_version"] is None:
        if effect.wait:
            await runner.apply(parent, fx.Failed(effect.node, effect.round,
                                                 {"code": "no_subflow", "detail": f"Flow '{effect.flow}' is not published."}))
        return
    await start_instance(parent.conn, parent.clock, parent.app, dict(row), record_id=parent.instance["record_id"],
                         initiator=parent.instance["initiator_id"], vars=parent.instance.get("vars") or None,
                         parent=(parent.id, effect.node) if effect.wait else None, check_condition=False)


# ---------------------------------------------------------------------- record events

async def records_written(target: Any, op: str, ids: list[int], changed: frozenset[str]) -> None:
    """Called by the records service after a create, update or delete, in its unit of work."""
    conn, app = target.conn, target.loaded.app
    candidates = await flows_of_form(conn, app, target.form.key)
    if not candidates:
        return
    actor = target.actor.id
    for row in candidates:
        trigger = NODE_TYPES.get(row["trigger_type"])
        if op not in trigger.record_events:
            continue
        if trigger.type == "trigger.field_changed":
            compiled = await compiled_flow(conn, app, row, row["published_version"])
            if not changed & set(compiled.options[compiled.trigger].fields):
                continue
        for record_id in ids:
            if getattr(trigger, "governs_status", False):
                await start_instance(conn, target.clock, app, row, record_id=record_id, initiator=actor,
                                     chosen=conn.info.get("flow_chosen"))
            else:
                await timers.schedule(conn, "flow.start", target.clock.now(),
                                      {"flow": row["id"], "record": record_id, "initiator": actor, "op": op},
                                      now=target.clock.now())


@timer_handler("flow.start")
async def _start_later(conn: AsyncConnection, payload: dict, ctx: WorkContext) -> None:
    row = (await conn.execute(select(flows).where(flows.c.id == payload["flow"]))).mappings().first()
    if row is None or row["published_version"] is None or not row["enabled"]:
        return
    app = dict((await conn.execute(select(apps).where(apps.c.id == row["app_id"]))).mappings().one())
    await start_instance(conn, ctx.clock, app, dict(row), record_id=payload.get("record"),
                         initiator=payload.get("initiator"), vars=payload.get("vars"))


# ---------------------------------------------------------------------- schedules and dates

def next_cron(cron: str, tz: str, after: datetime) -> datetime:
    from zoneinfo import ZoneInfo

    local = after.astimezone(ZoneInfo(tz))
    return croniter(cron, local).get_next(datetime).astimezone(after.tzinfo)


def _day_key(flow_id: int) -> str:
    return f"flowclock:{flow_id}"


async def arm_clock(conn: AsyncConnection, clock: Clock, app: dict[str, Any], row: dict[str, Any]) -> None:
    """Make sure a published schedule or date flow has its next firing timer (idempotent)."""
    if row["trigger_type"] not in ("trigger.schedule", "trigger.date") or not row["enabled"]:
        await timers.cancel(conn, _day_key(row["id"]))
        return
    compiled = await compiled_flow(conn, app, row, row["published_version"])
    options = compiled.options[compiled.trigger]
    now = clock.now()
    if row["trigger_type"] == "trigger.schedule":
        due = next_cron(options.cron, options.timezone, now)
    else:
        local = now.astimezone(PLATFORM_TZ)
        due = datetime.combine(local.date(), options.at, tzinfo=PLATFORM_TZ)
        if due <= local:
            due += timedelta(days=1)
    await timers.schedule(conn, "flow.clock", due, {"flow": row["id"]}, key=_day_key(row["id"]), now=now)


@periodic("flows.arm_clocks", every=timedelta(minutes=1))
async def _arm_clocks(ctx: WorkContext) -> None:
    """Every schedule or date flow keeps exactly one pending clock timer (new ones get theirs)."""
    async with ctx.db.transaction() as conn:
        rows = (await conn.execute(select(flows).where(
            flows.c.trigger_type.in_(("trigger.schedule", "trigger.date")), flows.c.enabled.is_(True),
            flows.c.published_version.is_not(None)))).mappings().all()
        for row in rows:
            pending = await conn.execute(select(timer_rows.c.id).where(timer_rows.c.key == _day_key(row["id"]),
                                                                        timer_rows.c.status == "pending"))
            if pending.first() is None:
                app = dict((await conn.execute(select(apps).where(apps.c.id == row["app_id"]))).mappings().one())
                await arm_clock(conn, ctx.clock, app, dict(row))


@timer_handler("flow.clock")
async def _clock_fired(conn: AsyncConnection, payload: dict, ctx: WorkContext) -> None:
    row = (await conn.execute(select(flows).where(flows.c.id == payload["flow"]))).mappings().first()
    if row is None or row["published_version"] is None or not row["enabled"]:
        return
    row = dict(row)
    app = dict((await conn.execute(select(apps).where(apps.c.id == row["app_id"]))).mappings().one())
    if row["trigger_type"] == "trigger.schedule":
        await start_instance(conn, ctx.clock, app, row)
    elif row["trigger_type"] == "trigger.date":
        await _date_scan(conn, ctx, app, row)
    await arm_clock(conn, ctx.clock, app, row)


async def _date_scan(conn: AsyncConnection, ctx: WorkContext, app: dict[str, Any], row: dict[str, Any]) -> None:
    """One `flow.start` per record whose date, moved by the offset, is today (local time)."""
    compiled = await compiled_flow(conn, app, row, row["published_version"])
    options = compiled.options[compiled.trigger]
    form_info = await form_row(conn, app["id"], compiled.definition.form)
    form = await compiled_version(conn, app, form_info, form_info["published_version"])
    today = ctx.clock.now().astimezone(PLATFORM_TZ).date()
    target = today - timedelta(days=options.offset_days)
    column = form.table.c[options.field]
    if form.specs[options.field].storage.value == "datetime":
        start = datetime.combine(target, datetime.min.time(), tzinfo=PLATFORM_TZ)
        on_day = (column >= start) & (column < start + timedelta(days=1))
    else:
        on_day = column == target
    ids = [r[0] for r in await conn.execute(select(form.table.c.id).where(
        on_day, form.table.c.deleted_at.is_(None)).limit(100_000))]
    for record_id in ids:
        await timers.schedule(conn, "flow.start", ctx.clock.now(), {"flow": row["id"], "record": record_id},
                              key=f"flowdate:{row['id']}:{record_id}:{today.isoformat()}", now=ctx.clock.now())
