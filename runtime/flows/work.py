"""The worker's side of flows: timers waking instances, and automation steps carried out.

An automation node (`Automate` effect) becomes a `flow.step` timer due at once. The worker runs
its executor inside a savepoint of the worker's transaction: on success the instance gets
`Done` (and moves on) in the same commit as the records the step wrote; on failure the
savepoint rolls back whatever the step half-wrote and the instance gets `Failed`, visible in
the admin view with a retry. A worker killed in the middle rolls back the whole transaction, the
timer stays due, and the next worker runs the step once.

Executors are keyed by the automation node's type, one function each, registered once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import structlog
from pydantic_core import to_jsonable_python
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.errors import AppError
from core.registry import Registry
from engines import expr
from engines.flow import Env, effects as fx
from engines.form.query import ExprEnv, QueryError, compile_filter
from runtime.context import Actor, system_actor
from runtime.flows import people, runner
from runtime.forms.loader import LoadedForm, app_forms, compiled_version, form_row
from runtime.notify.service import notify
from runtime.permissions.gate import admin_scope
from runtime.records import service as records
from runtime.records.ownership import new_owner, set_owner
from runtime.records.compute import context_for
from runtime.tables import flow_counters, flow_tasks
from runtime.worker import outbox
from runtime.worker.context import WorkContext
from runtime.worker.timers import timer_handler

log = structlog.get_logger("qiqiao.flows")


@dataclass
class Step:
    loaded: runner.Loaded
    node: str
    round: int
    env: Env

    @property
    def options(self) -> Any:
        return self.loaded.flow.options[self.node]

    @property
    def conn(self) -> AsyncConnection:
        return self.loaded.conn

    def formula(self, name: str) -> expr.Formula | None:
        return self.loaded.flow.formula(f"node:{self.node}:{name}")

    def evaluate(self, name: str, record: dict[str, Any] | None = None) -> Any:
        formula = self.formula(name)
        if formula is None:
            return None
        return formula.evaluate(record if record is not None else (self.env.record or {}), self.env.context)

    def actor(self) -> Actor:
        """Automations act with the flow's authority, in the name of its initiator (or builder)."""
        uid = self.loaded.instance.get("initiator_id") or self.loaded.flow_row.get("created_by") or 0
        return system_actor(uid, "flow", f"qiqiao-flow/{self.loaded.id}")

    async def target(self, form_key: str | None, action: str) -> records.Target:
        app = self.loaded.app
        row = await form_row(self.conn, app["id"], form_key or self.loaded.form.key)
        compiled = await compiled_version(self.conn, app, row, row["published_version"])
        return records.Target(self.conn, self.loaded.clock, self.actor(), LoadedForm(app, row, compiled), admin_scope(),
                              action)

    async def record_ids(self, t: records.Target) -> list[int]:
        options = self.options
        if options.target == "trigger":
            rid = self.loaded.instance["record_id"]
            return [rid] if rid is not None else []
        form, table = t.form, t.form.table
        where = [table.c.deleted_at.is_(None)]
        if options.filter:
            env = ExprEnv(context_for(None, self.env.now), self.conn.dialect.name, await app_forms(self.conn, t.loaded.app))
            try:
                where.append(compile_filter(form, options.filter, None, env))
            except QueryError as exc:
                raise AppError("bad_filter", 422, f"The step's filter is not valid: {exc.message}",
                               detail_zh="该步骤的筛选条件无效。") from None
        rows = await self.conn.execute(select(table.c.id).where(*where).order_by(table.c.id).limit(options.limit))
        return [r[0] for r in rows]


Executor = Callable[[Step], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Automation:
    type: str
    run: Executor


AUTOMATIONS: Registry[Automation] = Registry("flow automations")


def automation(kind: str) -> Callable[[Executor], Executor]:
    def register(function: Executor) -> Executor:
        AUTOMATIONS.register(Automation(kind, function))
        return function
    return register


def _input(value: Any) -> Any:
    return to_jsonable_python(value) if value is not None else None


@automation("create_record")
async def _create(step: Step) -> dict[str, Any]:
    options = step.options
    t = await step.target(options.form, "create")
    rows = (step.env.record or {}).get(options.for_each) if options.for_each else None
    sources = [{**(step.env.record or {}), **row} for row in rows or []] if options.for_each else [step.env.record or {}]
    created = []
    for source in sources:
        data = {key: _input(step.evaluate(f"value:{key}", source)) for key in options.values}
        created.append((await records.create(t, data))["id"])
    return {"created": created}


@automation("update_record")
async def _update(step: Step) -> dict[str, Any]:
    t = await step.target(step.options.form if step.options.target == "query" else None, "edit")
    data = {key: _input(step.evaluate(f"value:{key}")) for key in step.options.values}
    ids = await step.record_ids(t)
    for record_id in ids:
        await records.update(t, record_id, data, None)
    return {"updated": len(ids)}


@automation("delete_record")
async def _delete(step: Step) -> dict[str, Any]:
    t = await step.target(step.options.form if step.options.target == "query" else None, "delete")
    return {"deleted": len(await records.delete(t, await step.record_ids(t)))}


@automation("assign_owner")
async def _assign(step: Step) -> dict[str, Any]:
    options, conn, loaded = step.options, step.conn, step.loaded
    chosen = None
    if options.strategy == "rules":
        for index, rule in enumerate(options.rules):
            if step.evaluate(f"rule:{index}") is True:
                chosen = rule.user
                break
        chosen = chosen or options.default_user
    else:
        pool = await people.role_members(conn, loaded.app["id"], options.role) if options.role else \
            await people.department_members(conn, [options.department])
        pool = sorted(await people.active_users(conn, pool))
        if not pool:
            raise AppError("empty_pool", 422, "Nobody is in the pool to assign from.", detail_zh="分配范围内没有人员。")
        if options.strategy == "round_robin":
            chosen = pool[await _next_count(conn, loaded.flow_row["id"], step.node) % len(pool)]
        else:
            table = loaded.form.table
            counts = dict((await conn.execute(select(table.c.owner_id, func.count()).where(
                table.c.owner_id.in_(pool), table.c.deleted_at.is_(None)).group_by(table.c.owner_id))).all())
            chosen = min(pool, key=lambda u: (counts.get(u, 0), u))
    if chosen is None:
        return {"owner": None}
    owner = await new_owner(conn, chosen, f"nodes.{step.node}")
    await set_owner(conn, loaded.form, loaded.instance["form_id"], [loaded.instance["record_id"]], owner,
                    loaded.instance.get("initiator_id"), loaded.clock)
    return {"owner": chosen}


async def _next_count(conn: AsyncConnection, flow_id: int, node: str) -> int:
    insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(flow_counters)
    statement = insert.values(flow_id=flow_id, node_id=node, value=1).on_conflict_do_update(
        index_elements=[flow_counters.c.flow_id, flow_counters.c.node_id],
        set_={"value": flow_counters.c.value + 1}).returning(flow_counters.c.value)
    return (await conn.execute(statement)).scalar_one() - 1


async def _people(step: Step) -> list[int]:
    instance = step.loaded.instance
    found = await people.resolve(
        step.conn, app_id=step.loaded.app["id"], rules=[r.model_dump(exclude_defaults=True) for r in step.options.assignees],
        initiator=instance.get("initiator_id"), record=step.env.record, chosen=[], of_users=[], node=step.node,
        formulas=step.loaded.flow.formulas, context=step.env.context)
    return found


@automation("create_todo")
async def _todo(step: Step) -> dict[str, Any]:
    loaded, now = step.loaded, step.loaded.clock.now()
    title = runner.render(step.options.title.text("zh-CN"), step.env.record)
    due = step.options.due.after(now, step.env.calendar) if step.options.due else None
    users = await _people(step)
    for user in users:
        await step.conn.execute(flow_tasks.insert().values(
            instance_id=loaded.id, app_id=loaded.app["id"], task_key=f"todo:{step.node}:{step.round}:{user}",
            node_id=step.node, round=step.round, kind="todo", assignee_id=user, status="pending", title=title[:400],
            created_at=now, due_at=due))
    await notify(step.conn, users, "flow.todo", f"To-do: {runner.render(step.options.title.text('en'), step.env.record)}",
                 f"待办：{title}", link={"instance_id": loaded.id}, now=now)
    return {"todo_for": users}


@automation("notify")
async def _notify(step: Step) -> dict[str, Any]:
    users = await _people(step)
    title = step.options.title
    await notify(step.conn, users, "flow.notify", runner.render(title.text("en"), step.env.record),
                 runner.render(title.text("zh-CN"), step.env.record), runner.render(step.options.body, step.env.record),
                 link={"instance_id": step.loaded.id}, now=step.loaded.clock.now())
    return {"notified": users}


@automation("http")
async def _http(step: Step) -> dict[str, Any]:
    options = step.options
    payload = {"method": options.method, "url": runner.render(options.url, step.env.record),
               "headers": dict(options.headers)}
    if options.body is not None:
        payload["body"] = runner.render(options.body, step.env.record)
    key = f"flow:{step.loaded.id}:{step.node}:{step.round}"
    outbox_id = await outbox.enqueue(step.conn, "http", payload, key)
    return {"outbox": outbox_id}


# ---------------------------------------------------------------------- timer handlers

@timer_handler("flow.wake")
async def _wake(conn: AsyncConnection, payload: dict, ctx: WorkContext) -> None:
    loaded = await runner.load(conn, ctx.clock, payload["instance"])
    await runner.apply(loaded, fx.Wake(payload["node"], payload["round"], payload["what"], payload.get("n", 0)))


@timer_handler("flow.step")
async def _step(conn: AsyncConnection, payload: dict, ctx: WorkContext) -> None:
    loaded = await runner.load(conn, ctx.clock, payload["instance"])
    node, round_ = payload["node"], payload["round"]
    ns = (loaded.instance["state"] or {}).get("nodes", {}).get(node)
    if loaded.instance["status"] != "running" or ns is None or ns.get("round") != round_ or ns.get("status") != "active":
        return  # stale: retried, cancelled or already done
    step = Step(loaded, node, round_, await runner.env_of(loaded))
    kind = loaded.flow.node(node).type
    try:
        async with conn.begin_nested():
            output = await AUTOMATIONS.get(kind).run(step)
    except AppError as exc:
        problem = exc.to_problem()
        await runner.apply(loaded, fx.Failed(node, round_, {k: problem.get(k) for k in ("code", "detail", "errors")}))
        return
    except (expr.ExprError, LookupError, ValueError, TypeError) as exc:
        log.warning("flow step failed", instance=loaded.id, node=node, error=str(exc))
        await runner.apply(loaded, fx.Failed(node, round_, {"code": "step_failed", "detail": str(exc)[:500]}))
        return
    await runner.apply(loaded, fx.Done(node, round_, output))
