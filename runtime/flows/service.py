"""What people do with flows: act on their tasks, read their inbox, follow an instance.

Acting is allowed only on one's own open task (anyone else gets 404, so task ids reveal nothing).
The record behind a task is shown through the node's field settings (hidden / read / edit) and
the fields a node marks editable are the only ones the assignee may change while acting; the
change goes through the records service (validation, history, audit) in the same transaction as
the vote. Reading an instance's timeline needs a part in it (initiator, assignee, CC), app
administration, or the right to view its record through the permission gate.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.errors import AppError, Forbidden, Invalid, NotFound
from engines.flow import effects as fx
from runtime.context import Actor
from runtime.flows import runner
from runtime.flows.people import active_users, delegate
from runtime.flows.starting import start_instance
from runtime.forms.loader import LoadedForm, form_row
from runtime.notify.service import notify
from runtime.permissions.gate import admin_scope, is_app_admin
from runtime.records import service as records
from runtime.tables import apps, files, flow_events, flow_instances, flow_tasks, flows, forms

ACTIVE_KINDS = ("approval", "fill", "resubmit")
_TASK = select(flow_tasks).where(flow_tasks.c.id == bindparam("task_id"))
URGE_EVERY_SECONDS = 3600


def _principal(actor: Actor):
    if actor.principal is None:
        raise Forbidden("Sign in first.", detail_zh="请先登录。")
    return actor.principal


async def _task(conn: AsyncConnection, actor: Actor, task_id: int) -> dict[str, Any]:
    principal = _principal(actor)
    row = (await conn.execute(_TASK, {"task_id": task_id})).mappings().first()
    if row is None or row["assignee_id"] != principal.id:
        raise NotFound("task")
    return dict(row)


async def _open_task(conn: AsyncConnection, clock: Clock, actor: Actor, task_id: int) -> tuple[dict, runner.Loaded]:
    task = await _task(conn, actor, task_id)
    if task["status"] != "pending" or task["kind"] not in ACTIVE_KINDS:
        raise AppError("task_closed", 409, "This task has already been handled.", title="Conflict",
                       detail_zh="该任务已处理。")
    # Lock the instance: one transition at a time. A task closed meanwhile by someone else is
    # refused by the engine (its slot is no longer open), which rolls this unit of work back.
    loaded = await runner.load(conn, clock, task["instance_id"])
    if loaded.instance["status"] != "running":
        raise AppError("task_closed", 409, "This task has already been handled.", title="Conflict",
                       detail_zh="该任务已处理。")
    return task, loaded


def _field_modes(loaded: runner.Loaded, node_id: str) -> dict[str, str]:
    options = loaded.flow.options.get(node_id)
    return dict(getattr(options, "fields", {}) or {})


def _node_scope(loaded: runner.Loaded, node_id: str, kind: str):
    """The record as this step shows it: hidden fields left out, `edit` fields writable."""
    modes = _field_modes(loaded, node_id)
    specs = loaded.form.specs if loaded.form is not None else {}
    readable = frozenset(k for k in specs if modes.get(k, "read") != "hidden")
    writable = frozenset(k for k, m in modes.items() if m == "edit") if kind != "resubmit" else None
    return replace(admin_scope(), readable=readable, writable=writable)


async def _target(loaded: runner.Loaded, actor: Actor, node_id: str, kind: str) -> records.Target | None:
    if loaded.form is None or loaded.instance["record_id"] is None:
        return None
    row = dict((await loaded.conn.execute(select(forms).where(forms.c.id == loaded.instance["form_id"]))).mappings().one())
    return records.Target(loaded.conn, loaded.clock, actor, LoadedForm(loaded.app, row, loaded.form),
                          _node_scope(loaded, node_id, kind), "edit")


async def _apply_values(loaded: runner.Loaded, actor: Actor, task: dict, values: dict[str, Any] | None,
                        version: int | None) -> None:
    if not values:
        return
    t = await _target(loaded, actor, task["node_id"], task["kind"])
    if t is None:
        raise Invalid("This flow has no record to change.", [{"path": "values", "message": "No record."}])
    if t.scope.writable is not None and not t.scope.writable:
        raise Forbidden("This step lets you change no fields.", [{"path": "values", "message": "Read-only step."}],
                        detail_zh="此步骤不允许修改字段。")
    await records.update(t, loaded.instance["record_id"], values, version, prefix="values.")


async def act(conn: AsyncConnection, clock: Clock, actor: Actor, task_id: int, action: str, body: dict[str, Any]) -> dict:
    """approve | reject | submit | send_back | transfer | add_signers | resubmit on one's own task."""
    task, loaded = await _open_task(conn, clock, actor, task_id)
    me = actor.principal.id
    comment = (body.get("comment") or "").strip()
    if action in ("approve", "submit", "resubmit"):
        await _apply_values(loaded, actor, task, body.get("values"), body.get("version"))
    if body.get("signature"):
        await _check_signature(conn, me, body["signature"])
        await conn.execute(update(flow_tasks).where(flow_tasks.c.id == task_id).values(signature=body["signature"]))
    if action in ("approve", "submit"):
        expected = "fill" if action == "submit" else "approval"
        if task["kind"] != expected:
            raise AppError("wrong_action", 409, f"This task is not {'a fill-in' if expected == 'fill' else 'an approval'}.",
                           detail_zh="该任务不支持此操作。")
        event: Any = fx.Vote(task["task_key"], me, "approve", comment)
    elif action == "reject":
        event = fx.Vote(task["task_key"], me, "reject", comment)
    elif action == "send_back":
        event = fx.SendBack(task["task_key"], me, str(body.get("target") or "previous"), comment)
    elif action == "transfer":
        to = body.get("to")
        if not isinstance(to, int):
            raise Invalid("Choose who to transfer to.", [{"path": "to", "message": "A user id.", "message_zh": "请选择转交对象。"}])
        if not await active_users(conn, [to]):
            raise Invalid("Choose an active user.", [{"path": "to", "message": "No such active user.",
                                                      "message_zh": "没有这个在职用户。"}])
        (target,), delegated = await delegate(conn, loaded.app["id"], [to], clock.now().date())
        event = fx.Transfer(task["task_key"], me, target, comment, delegated.get(target))
    elif action == "add_signers":
        users = body.get("users")
        if not isinstance(users, list) or not users or not all(isinstance(u, int) for u in users) or len(users) > 20:
            raise Invalid("Name 1 to 20 people.", [{"path": "users", "message": "1 to 20 user ids.",
                                                    "message_zh": "请指定 1 到 20 人。"}])
        event = fx.AddSigners(task["task_key"], me, await active_users(conn, users), body.get("position", "before"), comment)
    elif action == "resubmit":
        event = fx.Resubmit(task["task_key"], me, comment)
    else:
        raise NotFound("action")
    instance = await runner.apply(loaded, event)
    state = instance["state"]
    return {"task": {"id": task_id, "action": action},
            "instance": {"id": instance["id"], "status": instance["status"],
                         "current_nodes": sorted(n for n, s in state.get("nodes", {}).items() if s.get("status") == "active")}}


async def _check_signature(conn: AsyncConnection, user_id: int, key: str) -> None:
    """A handwritten signature is an image the signer uploaded themself."""
    row = (await conn.execute(select(files.c.created_by, files.c.content_type).where(files.c.key == key))).first()
    if row is None or row.created_by != user_id or not row.content_type.startswith("image/"):
        raise Invalid("The signature must be an image you uploaded.",
                      [{"path": "signature", "message": "Not an image of yours.", "message_zh": "签名须为您本人上传的图片。"}],
                      detail_zh="签名须为您本人上传的图片。")


async def batch_approve(conn: AsyncConnection, clock: Clock, actor: Actor, ids: list[int], comment: str) -> dict:
    """Approve several tasks; each succeeds or is reported, none blocks the others."""
    done, failed = [], []
    for task_id in ids:
        try:
            async with conn.begin_nested():
                await act(conn, clock, actor, task_id, "approve", {"comment": comment})
            done.append(task_id)
        except AppError as exc:
            failed.append({"id": task_id, "code": exc.code, "detail": exc.detail})
    return {"approved": done, "failed": failed}


async def stash(conn: AsyncConnection, clock: Clock, actor: Actor, task_id: int, values: dict[str, Any]) -> dict:
    task, loaded = await _open_task(conn, clock, actor, task_id)
    allowed = {k for k, m in _field_modes(loaded, task["node_id"]).items() if m == "edit"}
    refused = [k for k in values if k not in allowed]
    if refused:
        raise Forbidden("This step lets you change only its editable fields.",
                        [{"path": f"values.{k}", "message": "Not editable at this step.", "message_zh": "此步骤不可编辑。"}
                         for k in refused], detail_zh="只能修改此步骤允许编辑的字段。")
    await conn.execute(update(flow_tasks).where(flow_tasks.c.id == task_id).values(stash=values))
    return {"id": task_id, "stash": values}


async def mark(conn: AsyncConnection, clock: Clock, actor: Actor, task_id: int, status: str) -> dict:
    """CC tasks are marked read; to-dos are marked done."""
    task = await _task(conn, actor, task_id)
    wanted = {"read": "cc", "done": "todo"}[status]
    if task["kind"] != wanted:
        raise AppError("wrong_action", 409, "This task cannot be marked so.", detail_zh="该任务不能这样标记。")
    await conn.execute(update(flow_tasks).where(flow_tasks.c.id == task_id)
                       .values(status=status, acted_at=clock.now(), acted_by=actor.principal.id))
    return {"id": task_id, "status": status}


# ---------------------------------------------------------------------- instances

async def _may_read(conn: AsyncConnection, clock: Clock, actor: Actor, instance: dict[str, Any]) -> bool:
    principal = _principal(actor)
    if instance["initiator_id"] == principal.id:
        return True
    mine = await conn.execute(select(flow_tasks.c.id).where(flow_tasks.c.instance_id == instance["id"],
                                                            flow_tasks.c.assignee_id == principal.id).limit(1))
    if mine.first() is not None:
        return True
    app = dict((await conn.execute(select(apps).where(apps.c.id == instance["app_id"]))).mappings().one())
    if await is_app_admin(conn, principal, app):
        return True
    if instance["form_id"] is not None and instance["record_id"] is not None:
        row = dict((await conn.execute(select(forms).where(forms.c.id == instance["form_id"]))).mappings().one())
        try:
            t = await records.open_form(conn, clock, actor, app["key"], row["key"], "view")
            await records.get(t, instance["record_id"])
            return True
        except (NotFound, Forbidden):
            return False
    return False


async def instance_view(conn: AsyncConnection, clock: Clock, actor: Actor, instance_id: int, checked: bool = False) -> dict:
    row = (await conn.execute(select(flow_instances).where(flow_instances.c.id == instance_id))).mappings().first()
    if row is None or (not checked and not await _may_read(conn, clock, actor, dict(row))):
        raise NotFound("flow instance")
    instance = dict(row)
    tasks = [dict(t) for t in (await conn.execute(
        select(flow_tasks).where(flow_tasks.c.instance_id == instance_id).order_by(flow_tasks.c.id))).mappings()]
    events = [dict(e) for e in (await conn.execute(
        select(flow_events).where(flow_events.c.instance_id == instance_id).order_by(flow_events.c.id))).mappings()]
    names = await runner.user_names(conn, {u for u in [instance["initiator_id"], *[t["assignee_id"] for t in tasks],
                                                       *[e["actor_id"] for e in events]] if u})
    flow_key = (await conn.execute(select(flows.c.key).where(flows.c.id == instance["flow_id"]))).scalar_one()
    state = instance["state"] or {}
    return {
        "id": instance["id"], "flow": flow_key, "flow_version": instance["flow_version"], "title": instance["title"],
        "status": instance["status"], "record_id": instance["record_id"], "initiator_id": instance["initiator_id"],
        "initiator_name": names.get(instance["initiator_id"]), "started_at": instance["started_at"],
        "ended_at": instance["ended_at"], "error": instance["error"],
        "current_nodes": sorted(n for n, s in state.get("nodes", {}).items() if s.get("status") == "active"),
        "tasks": [_task_out(t, names) for t in tasks],
        "timeline": [{"id": e["id"], "at": e["at"], "kind": e["kind"], "node": e["node_id"], "actor_id": e["actor_id"],
                      "actor_name": names.get(e["actor_id"]), "comment": e["comment"], "data": e["data"]} for e in events],
    }


def _task_out(task: dict[str, Any], names: dict[int, str]) -> dict[str, Any]:
    return {"id": task["id"], "instance_id": task["instance_id"], "node": task["node_id"], "kind": task["kind"],
            "status": task["status"], "assignee_id": task["assignee_id"], "assignee_name": names.get(task["assignee_id"]),
            "delegated_from": task["delegated_from"], "title": task["title"], "comment": task["comment"],
            "created_at": task["created_at"], "due_at": task["due_at"], "acted_at": task["acted_at"]}


async def task_view(conn: AsyncConnection, clock: Clock, actor: Actor, task_id: int) -> dict:
    """One of my tasks with its instance, the record as the step shows it, and what I may do."""
    task = await _task(conn, actor, task_id)
    loaded = await runner.load(conn, clock, task["instance_id"], lock=False)
    out = {"task": _task_out(task, {}), "stash": task["stash"],
           "instance": await instance_view(conn, clock, actor, task["instance_id"], checked=True)}
    t = await _target(loaded, actor, task["node_id"], task["kind"])
    if t is not None:
        try:
            out["record"] = await records.get(t, loaded.instance["record_id"])
        except NotFound:
            out["record"] = None
        out["fields"] = {k: ("hidden" if k not in t.scope.readable else
                             "edit" if t.scope.writable is None or k in t.scope.writable else "read")
                         for k in loaded.form.specs}
    options = loaded.flow.options.get(task["node_id"])
    open_ = task["status"] == "pending"
    out["operations"] = [op for op, ok in (
        ("approve", open_ and task["kind"] == "approval"), ("reject", open_ and task["kind"] == "approval"),
        ("submit", open_ and task["kind"] == "fill"), ("resubmit", open_ and task["kind"] == "resubmit"),
        ("send_back", open_ and bool(getattr(options, "allow_send_back", False))),
        ("transfer", open_ and bool(getattr(options, "allow_transfer", False))),
        ("add_signers", open_ and bool(getattr(options, "allow_add_signer", False))),
        ("stash", open_ and task["kind"] in ("approval", "fill")),
    ) if ok]
    out["comment_required_on_reject"] = bool(getattr(options, "comment_required_on_reject", False))
    return out


async def withdraw(conn: AsyncConnection, clock: Clock, actor: Actor, instance_id: int, comment: str) -> dict:
    loaded = await runner.load(conn, clock, instance_id)
    if loaded.instance["initiator_id"] != _principal(actor).id:
        raise NotFound("flow instance")
    await runner.apply(loaded, fx.Withdraw(actor.principal.id, comment))
    return await instance_view(conn, clock, actor, instance_id, checked=True)


async def urge(conn: AsyncConnection, clock: Clock, actor: Actor, instance_id: int) -> dict:
    """The initiator nudges the people holding open tasks (at most once an hour)."""
    loaded = await runner.load(conn, clock, instance_id)
    if loaded.instance["initiator_id"] != _principal(actor).id:
        raise NotFound("flow instance")
    now = clock.now()
    open_tasks = (await conn.execute(select(flow_tasks).where(
        flow_tasks.c.instance_id == instance_id, flow_tasks.c.status == "pending",
        flow_tasks.c.kind.in_(ACTIVE_KINDS)))).mappings().all()
    recent = [t for t in open_tasks if t["urged_at"] and (now - t["urged_at"]).total_seconds() < URGE_EVERY_SECONDS]
    if recent or not open_tasks:
        raise AppError("urge_too_soon" if recent else "nothing_to_urge", 429 if recent else 409,
                       "You urged them less than an hour ago." if recent else "Nobody has an open task.",
                       detail_zh="一小时内已催办过。" if recent else "当前没有待处理的任务。")
    await conn.execute(update(flow_tasks).where(flow_tasks.c.id.in_([t["id"] for t in open_tasks])).values(urged_at=now))
    await runner.notify_people(loaded, fx.Notify([t["assignee_id"] for t in open_tasks], "urge"))
    await _event(conn, clock, instance_id, "urged", actor.principal.id, "", {})
    return {"urged": sorted({t["assignee_id"] for t in open_tasks})}


async def _event(conn: AsyncConnection, clock: Clock, instance_id: int, kind: str, actor_id: int | None, comment: str,
                 data: dict[str, Any]) -> None:
    await conn.execute(flow_events.insert().values(instance_id=instance_id, at=clock.now(), kind=kind, actor_id=actor_id,
                                                   comment=comment, data=data))


async def comment(conn: AsyncConnection, clock: Clock, actor: Actor, instance_id: int, body: str, mentions: list[int]) -> dict:
    loaded = await runner.load(conn, clock, instance_id, lock=False)
    if not await _may_read(conn, clock, actor, loaded.instance):
        raise NotFound("flow instance")
    mentioned = await active_users(conn, mentions)
    await _event(conn, clock, instance_id, "comment", actor.principal.id, body, {"mentions": mentioned})
    if mentioned:
        await runner.notify_people(loaded, fx.Notify(mentioned, "mention"))
    return await instance_view(conn, clock, actor, instance_id, checked=True)


async def cc(conn: AsyncConnection, clock: Clock, actor: Actor, instance_id: int, users: list[int], note: str) -> dict:
    """A participant copies others in: they get a CC task, a notification and read access."""
    loaded = await runner.load(conn, clock, instance_id)
    if not await _may_read(conn, clock, actor, loaded.instance):
        raise NotFound("flow instance")
    people = await active_users(conn, users)
    if not people:
        raise Invalid("Name someone to copy in.", [{"path": "users", "message": "No active users.", "message_zh": "请指定抄送人。"}])
    state = loaded.instance["state"]
    for user in people:
        state["seq"] += 1
        await runner.open_task_row(loaded, fx.OpenTask(f"t{state['seq']}", "", 0, "cc", user))
    await conn.execute(update(flow_instances).where(flow_instances.c.id == instance_id).values(state=state))
    await runner.notify_people(loaded, fx.Notify(people, "cc"))
    await _event(conn, clock, instance_id, "cc", actor.principal.id, note, {"users": people})
    return await instance_view(conn, clock, actor, instance_id, checked=True)


async def _require_app_admin(conn: AsyncConnection, actor: Actor, app_id: int) -> dict:
    app = dict((await conn.execute(select(apps).where(apps.c.id == app_id))).mappings().one())
    if not await is_app_admin(conn, _principal(actor), app):
        raise Forbidden("Only the app's administrators can do this.", detail_zh="只有应用管理员可以执行此操作。")
    return app


async def admin_action(conn: AsyncConnection, clock: Clock, actor: Actor, instance_id: int, action: str, body: dict) -> dict:
    loaded = await runner.load(conn, clock, instance_id)
    await _require_app_admin(conn, actor, loaded.app["id"])
    if action == "terminate":
        await runner.apply(loaded, fx.Terminate(actor.principal.id, body.get("comment", "")))
    else:  # retry the failed step
        failed = (loaded.instance["state"].get("error") or {}).get("node")
        if failed is None:
            raise AppError("not_failed", 409, "Only a failed instance can be retried.", detail_zh="只能重试失败的流程。")
        await runner.apply(loaded, fx.Retry(actor.principal.id, failed))
    return await instance_view(conn, clock, actor, instance_id, checked=True)


async def admin_list(conn: AsyncConnection, actor: Actor, app_key: str, status: str | None, limit: int,
                     before: int | None) -> dict:
    app = (await conn.execute(select(apps).where(apps.c.key == app_key, apps.c.deleted_at.is_(None)))).mappings().first()
    if app is None:
        raise NotFound("app")
    await _require_app_admin(conn, actor, app["id"])
    query = select(flow_instances, flows.c.key.label("flow")).join(flows, flows.c.id == flow_instances.c.flow_id) \
        .where(flow_instances.c.app_id == app["id"])
    if status:
        query = query.where(flow_instances.c.status == status)
    if before:
        query = query.where(flow_instances.c.id < before)
    rows = (await conn.execute(query.order_by(flow_instances.c.id.desc()).limit(limit))).mappings().all()
    return {"items": [{k: r[k] for k in ("id", "flow", "flow_version", "title", "status", "record_id", "initiator_id",
                                          "error", "started_at", "updated_at", "ended_at")} for r in rows]}


# ---------------------------------------------------------------------- inbox

BOXES = ("todo", "done", "initiated", "cc")


async def inbox(conn: AsyncConnection, actor: Actor, box: str, *, app_key: str | None, search: str | None, limit: int,
                before: int | None) -> dict:
    me = _principal(actor).id
    if box == "initiated":
        query = select(flow_instances.c.id, flow_instances.c.title, flow_instances.c.status, flow_instances.c.app_id,
                       flow_instances.c.record_id, flow_instances.c.started_at, flow_instances.c.ended_at) \
            .where(flow_instances.c.initiator_id == me)
        column, title = flow_instances.c.id, flow_instances.c.title
        app_column = flow_instances.c.app_id
    else:
        query = select(flow_tasks)
        condition = {
            "todo": and_(flow_tasks.c.assignee_id == me, flow_tasks.c.status == "pending",
                         flow_tasks.c.kind.in_(("approval", "fill", "resubmit", "todo"))),
            "done": and_(flow_tasks.c.acted_by == me, flow_tasks.c.kind.in_(("approval", "fill", "resubmit", "todo"))),
            "cc": and_(flow_tasks.c.assignee_id == me, flow_tasks.c.kind == "cc"),
        }[box]
        query = query.where(condition)
        column, title, app_column = flow_tasks.c.id, flow_tasks.c.title, flow_tasks.c.app_id
    if app_key:
        query = query.where(app_column == select(apps.c.id).where(apps.c.key == app_key).scalar_subquery())
    if search:
        query = query.where(func.lower(title).contains(search.lower(), autoescape=True))
    if before:
        query = query.where(column < before)
    rows = [dict(r) for r in (await conn.execute(query.order_by(column.desc()).limit(limit + 1))).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    items = rows if box == "initiated" else [_task_out(r, {}) for r in rows]
    return {"items": items, "has_more": more, "next_before": rows[-1]["id"] if more and rows else None}


async def counts(conn: AsyncConnection, actor: Actor) -> dict:
    me = _principal(actor).id
    todo = (await conn.execute(select(func.count()).select_from(flow_tasks).where(
        flow_tasks.c.assignee_id == me, flow_tasks.c.status == "pending",
        flow_tasks.c.kind.in_(("approval", "fill", "resubmit", "todo"))))).scalar_one()
    cc_unread = (await conn.execute(select(func.count()).select_from(flow_tasks).where(
        flow_tasks.c.assignee_id == me, flow_tasks.c.kind == "cc", flow_tasks.c.status == "unread"))).scalar_one()
    running = (await conn.execute(select(func.count()).select_from(flow_instances).where(
        flow_instances.c.initiator_id == me, flow_instances.c.status == "running"))).scalar_one()
    return {"todo": todo, "cc_unread": cc_unread, "initiated_running": running}


async def record_flows(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, form_key: str,
                       record_id: int) -> dict:
    """The instances of a record with their timelines: readable by whoever may view the record."""
    t = await records.open_form(conn, clock, actor, app_key, form_key, "view")
    await records.get(t, record_id)
    ids = [r[0] for r in await conn.execute(select(flow_instances.c.id).where(
        flow_instances.c.form_id == t.loaded.form_id, flow_instances.c.record_id == record_id)
        .order_by(flow_instances.c.id.desc()).limit(50))]
    return {"items": [await instance_view(conn, clock, actor, i, checked=True) for i in ids]}


async def start(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, flow_key: str, record_ids: list[int],
                chosen: dict[str, list[int]]) -> dict:
    """A button (or a resubmission after a withdrawal): start a manual or approval flow on records
    the user may edit (or, for a manual flow, view)."""
    principal = _principal(actor)
    app = (await conn.execute(select(apps).where(apps.c.key == app_key, apps.c.deleted_at.is_(None)))).mappings().first()
    if app is None:
        raise NotFound("app")
    app = dict(app)
    row = (await conn.execute(select(flows).where(flows.c.app_id == app["id"], flows.c.key == flow_key))).mappings().first()
    if row is None or row["published_version"] is None or not row["enabled"]:
        raise NotFound("flow")
    row = dict(row)
    if row["trigger_type"] not in ("trigger.manual", "trigger.submit"):
        raise AppError("not_startable", 409, "This flow starts by itself, not by hand.", detail_zh="此流程不能手动发起。")
    if not record_ids or len(record_ids) > 500:
        raise Invalid("Choose 1 to 500 records.", [{"path": "record_ids", "message": "1 to 500 ids.",
                                                    "message_zh": "请选择 1 到 500 条记录。"}])
    action = "edit" if row["trigger_type"] == "trigger.submit" else "view"
    form = await form_row(conn, app["id"], row["form_key"])
    t = await records.open_form(conn, clock, actor, app_key, form["key"], action)
    started = []
    for index, record_id in enumerate(record_ids):
        try:
            record = await records.get(t, record_id)
        except NotFound:
            raise NotFound("record", f"Record {record_id} (record_ids.{index}) does not exist.") from None
        running = await conn.execute(select(flow_instances.c.id).where(
            flow_instances.c.flow_id == row["id"], flow_instances.c.record_id == record_id,
            flow_instances.c.status.in_(("running", "failed"))).limit(1))
        if running.first() is not None:
            raise AppError("already_running", 409, f"Record {record_id} is already in this flow.",
                           errors=[{"path": f"record_ids.{index}", "message": "Already running."}],
                           detail_zh="该记录已在此流程中。")
        if record["draft"] and row["trigger_type"] == "trigger.submit":
            # Submitting a draft with the approvers picked now: the save starts the flow (once).
            conn.info["flow_chosen"] = chosen
            try:
                await records.update(t, record_id, {"draft": False}, None, prefix=f"record_ids.{index}.")
            finally:
                conn.info.pop("flow_chosen", None)
            started += [r[0] for r in await conn.execute(select(flow_instances.c.id).where(
                flow_instances.c.flow_id == row["id"], flow_instances.c.record_id == record_id,
                flow_instances.c.status == "running"))]
            continue
        instance = await start_instance(conn, clock, app, row, record_id=record_id, initiator=principal.id, chosen=chosen)
        if instance is not None:
            started.append(instance["id"])
    return {"started": started}

