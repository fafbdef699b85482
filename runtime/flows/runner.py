"""Applying events to flow instances: load, step the engine, carry out the effects, store.

Everything happens in the caller's unit of work — the request that approves, or the worker's
transaction that fires a timer — so the new state, the tasks, the timeline, the timers and the
record's flow status commit together or not at all. The instance row is locked first
(`FOR UPDATE` on PostgreSQL; SQLite has one writer), so two approvers clicking at the same
instant on an or-sign node produce exactly one transition: the second sees the task closed.

Questions the engine asks (`Resolve`) are answered at once and fed back as events in the same
transaction; automation steps and sub-flow results come back later through the worker
(`runtime/flows/work.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.errors import AppError, NotFound
from engines import expr
from engines.flow import CompiledFlow, Env, FlowError, effects as fx, step
from engines.form.compiled import CompiledForm
from runtime.flows import events, people
from runtime.flows.definitions import calendar, compiled_flow
from runtime.forms.loader import compiled_version
from runtime.notify.service import notify
from runtime.records import repository as records_repo
from runtime.records.compute import PLATFORM_TZ, context_for, for_expr
from runtime.tables import apps, flow_events, flow_instances, flow_tasks, flows, forms, record_shares, users
from runtime.worker import timers

MAX_EVENTS = 200  # answers fed back within one call: a bound against runaway flows
TASK_STATUSES_OPEN = ("pending", "waiting")

_NOTICES = {
    "task": ("New task: {title}", "新待办：{title}"),
    "cc": ("Copied to you: {title}", "抄送给您：{title}"),
    "remind": ("Reminder: {title} is waiting for you", "提醒：{title} 等待您处理"),
    "urge": ("Please handle {title}", "催办：请尽快处理 {title}"),
    "returned": ("Returned to you: {title}", "已退回给您：{title}"),
    "finished": ("{title}: {status}", "{title}：{status_zh}"),
    "mention": ("You were mentioned in {title}", "{title} 中有人@了您"),
}
_STATUS_ZH = {"approved": "已通过", "rejected": "已拒绝", "completed": "已完成", "withdrawn": "已撤回",
              "terminated": "已终止", "failed": "失败"}


def flow_error(exc: FlowError) -> AppError:
    return AppError(exc.code, 409, exc.en, title="Conflict", detail_zh=exc.zh)


@dataclass
class Loaded:
    """An instance with everything the engine and its effects need."""

    conn: AsyncConnection
    clock: Clock
    app: dict[str, Any]
    flow_row: dict[str, Any]
    flow: CompiledFlow
    instance: dict[str, Any]
    form: CompiledForm | None
    timeline: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.instance["id"]


_FLOW_COLUMNS = [c.label(f"flow__{c.name}") for c in flows.c]
_APP_COLUMNS = [c.label(f"app__{c.name}") for c in apps.c]
_FORM_COLUMNS = [c.label(f"form__{c.name}") for c in forms.c]
_LOAD = (select(flow_instances, *_FLOW_COLUMNS, *_APP_COLUMNS, *_FORM_COLUMNS)
         .join(flows, flows.c.id == flow_instances.c.flow_id)
         .join(apps, apps.c.id == flow_instances.c.app_id)
         .outerjoin(forms, forms.c.id == flow_instances.c.form_id))
# Statements built once: building Core expressions per call costs more than running them.
_LOAD_ONE = _LOAD.where(flow_instances.c.id == bindparam("instance_id"))
_LOAD_LOCKED = _LOAD_ONE.with_for_update(of=flow_instances)
_TASK_BY_KEY = (flow_tasks.c.instance_id == bindparam("iid")) & (flow_tasks.c.task_key == bindparam("key"))
_CLOSE_TASK = update(flow_tasks).where(_TASK_BY_KEY).values(
    status=bindparam("status"), acted_at=bindparam("at"), acted_by=func.coalesce(bindparam("by"), flow_tasks.c.acted_by),
    comment=func.coalesce(bindparam("comment"), flow_tasks.c.comment))
_SET_TASK = update(flow_tasks).where(_TASK_BY_KEY).values(status=bindparam("status"))
_STORE = update(flow_instances).where(flow_instances.c.id == bindparam("iid")).values(
    state=bindparam("state"), status=bindparam("status"), error=bindparam("error"), updated_at=bindparam("updated_at"),
    ended_at=func.coalesce(flow_instances.c.ended_at, bindparam("ended_at")))
_INSERT_TASK = flow_tasks.insert()


async def load(conn: AsyncConnection, clock: Clock, instance_id: int, lock: bool = True) -> Loaded:
    """The instance with its app, flow and form rows in one statement; with `lock`, the instance
    row is locked for the rest of the transaction (PostgreSQL: FOR UPDATE OF the instance)."""
    row = (await conn.execute(_LOAD_LOCKED if lock else _LOAD_ONE, {"instance_id": instance_id})).mappings().first()
    if row is None:
        raise NotFound("flow instance")
    instance = {c.name: row[c.name] for c in flow_instances.c}
    app = {c.name: row[f"app__{c.name}"] for c in apps.c}
    flow_row = {c.name: row[f"flow__{c.name}"] for c in flows.c}
    compiled = await compiled_flow(conn, app, flow_row, instance["flow_version"])
    form = None
    if instance["form_id"] is not None:
        form_row = {c.name: row[f"form__{c.name}"] for c in forms.c}
        form = await compiled_version(conn, app, form_row, form_row["published_version"])
    return Loaded(conn, clock, app, flow_row, compiled, instance, form)


async def record_values(conn: AsyncConnection, form: CompiledForm, record_id: int) -> dict[str, Any] | None:
    """The record as formulas see it (junction ids and subform rows included), or None if gone."""
    rows = await records_repo.fetch_rows(conn, form, [form.table.c.id == record_id])
    if not rows:
        return None
    row = rows[0]
    values = {k: for_expr(spec.type.from_db(spec, row[k])) for k, spec in form.specs.items() if k in row}
    for key in form.junctions:
        values[key] = (await records_repo.refs_of(conn, form, key, [record_id]))[record_id]
    for key in form.children:
        children = (await records_repo.child_values_of(conn, form, key, [record_id]))[record_id]
        values[key] = [{k: for_expr(v) for k, v in child.items()} for child in children]
    for system in ("id", "owner_id", "owner_dept_id", "created_by", "created_at", "flow_status"):
        values.setdefault(system, for_expr(row.get(system)))
    return values


async def env_of(loaded: Loaded) -> Env:
    now = loaded.clock.now()
    record = None
    if loaded.form is not None and loaded.instance["record_id"] is not None:
        record = await record_values(loaded.conn, loaded.form, loaded.instance["record_id"])
    if record is None and loaded.instance.get("vars"):
        record = dict(loaded.instance["vars"])
    context = context_for(None, now)
    return Env(now=now, record=record, context=context,
               calendar=await calendar(loaded.conn, loaded.flow.definition.settings.calendar))


async def apply(loaded: Loaded, event: Any) -> dict[str, Any]:
    """Apply one event (and the answers it needs); returns the stored instance row."""
    queue = [event]
    state = loaded.instance["state"] or None
    env = await env_of(loaded)
    handled = 0
    loaded.timeline = []
    while queue:
        handled += 1
        if handled > MAX_EVENTS:
            raise AppError("flow_runaway", 500, "The flow asked too many questions in one step.",
                           detail_zh="流程在一步中产生了过多事件。")
        try:
            state, effects = step(loaded.flow, state, queue.pop(0), env)
        except FlowError as exc:
            raise flow_error(exc) from None
        loaded.instance["state"] = state
        for effect in effects:
            answer = await _carry_out(loaded, effect, env)
            if answer is not None:
                queue.append(answer)
    if loaded.timeline:
        await loaded.conn.execute(flow_events.insert(), loaded.timeline)
    return await _store(loaded, state)


async def _store(loaded: Loaded, state: dict[str, Any]) -> dict[str, Any]:
    now = loaded.clock.now()
    values = {"state": state, "status": state["status"], "error": state.get("error"), "updated_at": now,
              "ended_at": now if state["status"] not in ("running", "failed") else None}
    await loaded.conn.execute(_STORE, {"iid": loaded.id, **values})
    if values["ended_at"] is None or loaded.instance.get("ended_at") is not None:
        values.pop("ended_at")
    loaded.instance.update(values)
    return loaded.instance


def _timer_key(loaded: Loaded, key: str) -> str:
    return f"flow:{loaded.id}:{key}"


async def _carry_out(loaded: Loaded, effect: Any, env: Env) -> Any:
    conn, now = loaded.conn, loaded.clock.now()
    if isinstance(effect, fx.Resolve):
        return await _resolve(loaded, effect, env)
    if isinstance(effect, fx.OpenTask):
        await open_task_row(loaded, effect)
    elif isinstance(effect, fx.CloseTask):
        await conn.execute(_CLOSE_TASK, {"iid": loaded.id, "key": effect.key, "status": effect.status, "at": now,
                                         "by": effect.by, "comment": effect.comment or None})
    elif isinstance(effect, fx.SetTask):
        await conn.execute(_SET_TASK, {"iid": loaded.id, "key": effect.key, "status": effect.status})
    elif isinstance(effect, fx.Schedule):
        wake = effect.wake
        await timers.schedule(conn, "flow.wake", effect.due_at,
                              {"instance": loaded.id, "node": wake.node, "round": wake.round, "what": wake.what,
                               "n": wake.n}, key=_timer_key(loaded, effect.key), now=now)
        if wake.what == "timeout":
            await conn.execute(update(flow_tasks).where(
                flow_tasks.c.instance_id == loaded.id, flow_tasks.c.node_id == wake.node,
                flow_tasks.c.round == wake.round).values(due_at=effect.due_at))
    elif isinstance(effect, fx.Unschedule):
        await timers.cancel_prefix(conn, _timer_key(loaded, effect.prefix))
    elif isinstance(effect, fx.Automate):
        await timers.schedule(conn, "flow.step", now, {"instance": loaded.id, "node": effect.node, "round": effect.round},
                              key=_timer_key(loaded, f"{effect.node}:{effect.round}:step"), now=now)
    elif isinstance(effect, fx.StartSubflow):
        from runtime.flows.starting import start_subflow

        await start_subflow(loaded, effect)
    elif isinstance(effect, fx.Notify):
        await notify_people(loaded, effect)
    elif isinstance(effect, fx.Timeline):  # written together at the end of the step
        loaded.timeline.append(dict(instance_id=loaded.id, at=now, kind=effect.kind, node_id=effect.node,
                                    actor_id=effect.actor, comment=effect.comment or "", data=_jsonable(effect.data)))
    elif isinstance(effect, fx.RecordStatus):
        await _record_status(loaded, effect.status)
    elif isinstance(effect, fx.Finished):
        await _finished(loaded, effect)
    return None


def _jsonable(data: Mapping[str, Any]) -> dict[str, Any]:
    from pydantic_core import to_jsonable_python

    return to_jsonable_python(dict(data))


async def _resolve(loaded: Loaded, effect: fx.Resolve, env: Env) -> fx.Resolved:
    conn = loaded.conn
    state = loaded.instance["state"]
    initiator = state.get("initiator")
    context = env.context
    if initiator is not None and context is not None and any(r.get("kind") == "expression" for r in effect.rules):
        context = context.with_user(id=initiator, dept=await people.main_department(conn, initiator))
    found = await people.resolve(
        conn, app_id=loaded.app["id"], rules=effect.rules, initiator=initiator, record=env.record,
        chosen=list(effect.chosen), of_users=list(effect.of_users), node=effect.node, formulas=loaded.flow.formulas,
        context=context)
    if not found and effect.empty == "admin" and effect.purpose == "assign":
        found = await people.fallback_admins(conn, loaded.app["id"])
    found, delegated = await people.delegate(conn, loaded.app["id"], found, env.now.astimezone(PLATFORM_TZ).date())
    return fx.Resolved(effect.node, effect.round, found, effect.purpose, delegated)


async def open_task_row(loaded: Loaded, effect: fx.OpenTask) -> None:
    now = loaded.clock.now()
    status = "unread" if effect.kind == "cc" else "pending"
    await loaded.conn.execute(_INSERT_TASK, dict(
        instance_id=loaded.id, app_id=loaded.app["id"], task_key=effect.key, node_id=effect.node, round=effect.round,
        kind=effect.kind, assignee_id=effect.user, delegated_from=effect.data.get("delegated_from"), status=status,
        title=loaded.instance["title"], created_at=now, due_at=effect.due_at, stash=None, comment=None, signature=None,
        acted_by=None, acted_at=None, urged_at=None))
    if effect.kind == "cc" and loaded.instance["record_id"] is not None and loaded.instance["form_id"] is not None:
        await loaded.conn.execute(record_shares.insert().values(
            form_id=loaded.instance["form_id"], record_id=loaded.instance["record_id"], user_id=effect.user,
            level="read", created_by=loaded.instance["initiator_id"], created_at=now))


async def notify_people(loaded: Loaded, effect: fx.Notify) -> None:
    en, zh = _NOTICES.get(effect.kind, ("{title}", "{title}"))
    title = loaded.instance["title"] or loaded.flow.definition.name.text("en")
    status = effect.data.get("status", "")
    link: dict[str, Any] = {"instance_id": loaded.id}
    if loaded.instance["record_id"] is not None and loaded.form is not None:
        link.update(app=loaded.app["key"], form=loaded.form.key, record_id=loaded.instance["record_id"])
    await notify(loaded.conn, effect.users, f"flow.{effect.kind}",
                 en.format(title=title, status=status), zh.format(title=title, status_zh=_STATUS_ZH.get(status, status)),
                 link=link, now=loaded.clock.now())


async def _record_status(loaded: Loaded, status: str) -> None:
    form, record_id = loaded.form, loaded.instance["record_id"]
    if form is None or record_id is None:
        return
    trigger = loaded.flow.options[loaded.flow.trigger]
    if getattr(trigger, "hold", False) and status not in ("approved",):
        status = f"held:{status}"  # approve-before-save: out of everyone's lists until approved
    await loaded.conn.execute(update(form.table).where(form.table.c.id == record_id).values(flow_status=status))


async def _finished(loaded: Loaded, effect: fx.Finished) -> None:
    await events.emit(loaded.conn, loaded.clock, loaded.app, loaded.instance, "flow.finished",
                      {"flow": loaded.flow_row["key"], "status": effect.status})
    parent_id, parent_node = loaded.instance.get("parent_id"), loaded.instance.get("parent_node")
    if parent_id is None or parent_node is None:
        return
    parent = await load(loaded.conn, loaded.clock, parent_id)
    ns = (parent.instance["state"] or {}).get("nodes", {}).get(parent_node)
    if ns is not None:
        await apply(parent, fx.Done(parent_node, ns["round"], {"subflow": loaded.id, "status": effect.status}))


_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]{0,47})\}")


def render(template: str, record: Mapping[str, Any] | None) -> str:
    """`{field}` placeholders filled with the record's values as plain text (never evaluated)."""
    def value(match: re.Match) -> str:
        found = (record or {}).get(match.group(1))
        if found is None:
            return ""
        if isinstance(found, datetime):
            return found.strftime("%Y-%m-%d %H:%M")
        return str(found)
    return _PLACEHOLDER.sub(value, template)


async def user_names(conn: AsyncConnection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await conn.execute(select(users.c.id, users.c.display_name).where(users.c.id.in_(list(ids))))
    return {r.id: r.display_name for r in rows}


