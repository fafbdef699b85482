"""Designing flows: drafts are saved as often as the designer likes and checked on every save;
publishing compiles the draft against the app's published forms and stores it as a new,
immutable version that new instances start on (running ones keep theirs).

Flow definitions can carry credentials (an HTTP node's headers), so every route here is for the
app's administrators only. An inbound-webhook flow gets a secret on its first publish; only its
HMAC is kept, so the secret is shown once and can only be replaced, never read again.
"""

from __future__ import annotations

import secrets
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from builder.apps.service import require_designer
from builder.flows.schemas import FlowCreate
from builder.forms.service import touch_app
from core.clock import Clock
from core.errors import AppError, Conflict, Invalid, NotFound
from core.settings import Settings
from engines.flow import FINAL, CompiledFlow, FlowDef, FlowInvalid, compile_flow
from engines.flow.calendar import CalendarError, WorkCalendar
from engines.flow.nodes.base import problem
from runtime.audit import service as audit
from runtime.context import Actor
from runtime.flows import starting
from runtime.flows.definitions import flow_row, flow_scope
from runtime.identity.secrets import token_digest
from runtime.tables import apps, flow_instances, flow_versions, flows, work_calendars

WEBHOOK_TRIGGER = "trigger.webhook"
WEBHOOK_SECRET_PREFIX = "qqwh_"


# ---------------------------------------------------------------------------- definitions

def _shape(raw: dict[str, Any]) -> FlowDef:
    try:
        return FlowDef.model_validate(raw)
    except ValidationError as exc:
        raise Invalid(
            "The flow definition is not valid.",
            [{"path": ".".join(["definition", *(str(p) for p in e["loc"])]), "message": e["msg"],
              "message_zh": "定义格式不正确：" + e["msg"], "code": "invalid"} for e in exc.errors()],
            detail_zh="流程定义格式不正确。",
        ) from None


def _stored(definition: FlowDef) -> dict[str, Any]:
    return definition.model_dump(mode="json", by_alias=True, exclude_none=True)


async def _compile(conn: AsyncConnection, app: dict[str, Any], definition: FlowDef) -> CompiledFlow:
    """Compile against the app's published forms; raises `FlowInvalid` with every problem."""
    scope = await flow_scope(conn, app, definition.form)
    problems = []
    calendar_key = definition.settings.calendar
    if calendar_key is not None and calendar_key not in scope.calendars:
        problems.append(problem("settings.calendar", f"There is no working calendar '{calendar_key}'.",
                                f"没有工作日历“{calendar_key}”。", "unknown_calendar"))
    try:
        compiled = compile_flow(definition, scope)
    except FlowInvalid as exc:
        raise FlowInvalid(exc.problems + problems) from None
    if problems:
        raise FlowInvalid(problems)
    return compiled


async def _problems(conn: AsyncConnection, app: dict[str, Any], definition: FlowDef) -> list[dict[str, Any]]:
    try:
        await _compile(conn, app, definition)
    except FlowInvalid as exc:
        return exc.problems
    return []


def _initial_draft(form: str | None) -> dict[str, Any]:
    """A trigger joined to an end: an approval of the form's submissions, or, without a form,
    a schedule on weekday mornings. The designer replaces it."""
    trigger: dict[str, Any] = {"id": "trigger", "type": "trigger.submit", "position": {"x": 0, "y": 0}}
    if form is None:
        trigger.update(type="trigger.schedule", config={"cron": "0 9 * * 1-5"})
    return {
        "nodes": [trigger, {"id": "end", "type": "end", "position": {"x": 0, "y": 200}}],
        "edges": [{"source": "trigger", "target": "end"}],
    }


def flow_out(row: dict[str, Any], published: dict[str, Any] | None = None,
             problems: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "key": row["key"],
        "name": row["draft"].get("name"),
        "draft": row["draft"],
        "draft_revision": row["draft_revision"],
        "published_version": row["published_version"],
        "published": published,
        "form_key": row["form_key"],
        "trigger_type": row["trigger_type"],
        "enabled": row["enabled"],
        "has_webhook_secret": row["webhook_secret_hash"] is not None,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "problems": problems or [],
    }


async def _version_definition(conn: AsyncConnection, flow_id: int, version: int) -> dict[str, Any] | None:
    return (await conn.execute(
        select(flow_versions.c.definition).where(flow_versions.c.flow_id == flow_id, flow_versions.c.version == version)
    )).scalar_one_or_none()


# ---------------------------------------------------------------------------- flows

async def list_flows(conn: AsyncConnection, actor: Actor, app_key: str) -> list[dict[str, Any]]:
    app = await require_designer(conn, actor, app_key)
    rows = (await conn.execute(select(flows).where(flows.c.app_id == app["id"]).order_by(flows.c.id))).mappings()
    return [
        {"key": r["key"], "name": r["draft"].get("name"), "form": r["draft"].get("form"), "form_key": r["form_key"],
         "trigger_type": r["trigger_type"], "published_version": r["published_version"], "enabled": r["enabled"],
         "draft_revision": r["draft_revision"], "updated_at": r["updated_at"]}
        for r in rows
    ]


async def create_flow(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, body: FlowCreate) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    given = dict(body.definition) if body.definition is not None else _initial_draft(body.form)
    for name in ("key", "form"):
        if name in given and given[name] != getattr(body, name):
            raise Invalid("The definition disagrees with the flow it creates.",
                          [{"path": f"definition.{name}", "message": f"must be {getattr(body, name)!r} or left out",
                            "message_zh": f"应为 {getattr(body, name)!r} 或不填", "code": "mismatch"}])
    draft = _shape({**given, "key": body.key, "name": body.name.model_dump(by_alias=True, exclude_none=True),
                    "form": body.form})
    exists = (await conn.execute(select(flows.c.id).where(flows.c.app_id == app["id"], flows.c.key == body.key))).first()
    if exists:
        raise Conflict("A flow with that key exists in this app.", code="flow_key_taken",
                       errors=[{"path": "key", "message": "Already in use.", "message_zh": "已被使用。"}])
    now = clock.now()
    await conn.execute(insert(flows).values(
        app_id=app["id"], key=body.key, draft=_stored(draft), draft_revision=1, enabled=True, created_by=actor.id,
        created_at=now, updated_at=now,
    ))
    audit.record(conn, actor, "flow.create", target_type="flow", target_id=f"{app_key}.{body.key}",
                 after={"form": body.form})
    return flow_out(await flow_row(conn, app["id"], body.key), problems=await _problems(conn, app, draft))


async def get_flow(conn: AsyncConnection, actor: Actor, app_key: str, flow_key: str) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    row = await flow_row(conn, app["id"], flow_key)
    published = None
    if row["published_version"] is not None:
        published = await _version_definition(conn, row["id"], row["published_version"])
    return flow_out(row, published, await _problems(conn, app, FlowDef.model_validate(row["draft"])))


async def save_draft(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, flow_key: str,
                     raw: dict[str, Any], revision: int | None) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    row = await flow_row(conn, app["id"], flow_key, lock=True)
    _check_revision(row, revision)
    draft = _shape(raw)
    if draft.key != flow_key:
        raise Invalid("A flow's key cannot change.", [{"path": "definition.key", "message": f"must stay '{flow_key}'",
                                                       "message_zh": f"必须保持为“{flow_key}”", "code": "key_fixed"}])
    await conn.execute(update(flows).where(flows.c.id == row["id"]).values(
        draft=_stored(draft), draft_revision=row["draft_revision"] + 1, updated_at=clock.now()))
    audit.record(conn, actor, "flow.save_draft", target_type="flow", target_id=f"{app_key}.{flow_key}",
                 after={"draft_revision": row["draft_revision"] + 1})
    return flow_out(await flow_row(conn, app["id"], flow_key), problems=await _problems(conn, app, draft))


def _check_revision(row: dict[str, Any], revision: int | None) -> None:
    if revision is not None and revision != row["draft_revision"]:
        raise AppError("stale_draft", 409, "Someone saved this flow since you opened it; reload to see their changes.",
                       title="Conflict", detail_zh="您打开此流程后已有人保存过，请重新加载查看其修改。",
                       errors=[{"path": "draft_revision", "message": f"the draft is at revision {row['draft_revision']}",
                                "message_zh": f"草稿当前为第 {row['draft_revision']} 版", "code": "stale"}])


async def validate_draft(conn: AsyncConnection, actor: Actor, app_key: str, flow_key: str) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    row = await flow_row(conn, app["id"], flow_key)
    problems = await _problems(conn, app, FlowDef.model_validate(row["draft"]))
    return {"valid": not problems, "draft_revision": row["draft_revision"], "problems": problems}


async def publish(conn: AsyncConnection, clock: Clock, settings: Settings, actor: Actor, app_key: str, flow_key: str,
                  revision: int | None) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    row = await flow_row(conn, app["id"], flow_key, lock=True)
    _check_revision(row, revision)
    definition = FlowDef.model_validate(row["draft"])
    try:
        compiled = await _compile(conn, app, definition)
    except FlowInvalid as exc:
        raise Invalid("The flow cannot be published yet.", exc.problems, code="invalid_definition",
                      detail_zh="流程尚不能发布。") from None
    version = (row["published_version"] or 0) + 1
    trigger_type = compiled.node(compiled.trigger).type
    secret = None
    secret_hash = row["webhook_secret_hash"]
    if trigger_type != WEBHOOK_TRIGGER:
        secret_hash = None  # a flow that becomes a webhook again gets a new secret, not the old one back
    elif secret_hash is None:
        secret, secret_hash = _new_secret(settings)
    now = clock.now()
    await conn.execute(insert(flow_versions).values(
        flow_id=row["id"], version=version, definition=_stored(definition), published_by=actor.id, published_at=now))
    values = {"published_version": version, "form_key": definition.form, "trigger_type": trigger_type,
              "webhook_secret_hash": secret_hash, "updated_at": now}
    await conn.execute(update(flows).where(flows.c.id == row["id"]).values(**values))
    await touch_app(conn, app["id"], now)
    await starting.arm_clock(conn, clock, await _fresh_app(conn, app["id"]), {**row, **values})
    audit.record(conn, actor, "flow.publish", target_type="flow", target_id=f"{app_key}.{flow_key}",
                 after={"version": version, "trigger_type": trigger_type, "form": definition.form,
                        "webhook_secret_issued": secret is not None})
    out: dict[str, Any] = {"version": version, "trigger_type": trigger_type, "form_key": definition.form}
    if secret is not None:
        out["webhook_secret"] = secret
    return out


def _new_secret(settings: Settings) -> tuple[str, str]:
    secret = WEBHOOK_SECRET_PREFIX + secrets.token_urlsafe(32)
    return secret, token_digest(settings.secret, secret)


async def _fresh_app(conn: AsyncConnection, app_id: int) -> dict[str, Any]:
    """The app row after `touch_app`, so caches keyed on its `updated_at` see the new stamp."""
    return dict((await conn.execute(select(apps).where(apps.c.id == app_id))).mappings().one())


async def rotate_webhook_secret(conn: AsyncConnection, clock: Clock, settings: Settings, actor: Actor, app_key: str,
                                flow_key: str) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    row = await flow_row(conn, app["id"], flow_key, lock=True)
    if row["trigger_type"] != WEBHOOK_TRIGGER:
        raise AppError("not_webhook", 409, "Only a published inbound-webhook flow has a secret.", title="Conflict",
                       detail_zh="只有已发布的 Webhook 触发流程才有密钥。")
    secret, secret_hash = _new_secret(settings)
    await conn.execute(update(flows).where(flows.c.id == row["id"]).values(
        webhook_secret_hash=secret_hash, updated_at=clock.now()))
    audit.record(conn, actor, "flow.webhook_secret_rotate", target_type="flow", target_id=f"{app_key}.{flow_key}")
    return {"webhook_secret": secret}


async def list_versions(conn: AsyncConnection, actor: Actor, app_key: str, flow_key: str) -> list[dict[str, Any]]:
    app = await require_designer(conn, actor, app_key)
    row = await flow_row(conn, app["id"], flow_key)
    rows = await conn.execute(
        select(flow_versions.c.version, flow_versions.c.published_at, flow_versions.c.published_by)
        .where(flow_versions.c.flow_id == row["id"]).order_by(flow_versions.c.version.desc()))
    return [dict(r) for r in rows.mappings()]


async def get_version(conn: AsyncConnection, actor: Actor, app_key: str, flow_key: str, version: int) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    row = await flow_row(conn, app["id"], flow_key)
    found = (await conn.execute(
        select(flow_versions.c.version, flow_versions.c.definition, flow_versions.c.published_at,
               flow_versions.c.published_by)
        .where(flow_versions.c.flow_id == row["id"], flow_versions.c.version == version)
    )).mappings().first()
    if found is None:
        raise NotFound("flow version")
    return dict(found)


async def update_flow(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, flow_key: str,
                      changes: dict[str, Any]) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    row = await flow_row(conn, app["id"], flow_key, lock=True)
    values: dict[str, Any] = {}
    before: dict[str, Any] = {}
    if changes.get("enabled") is not None and changes["enabled"] != row["enabled"]:
        values["enabled"], before["enabled"] = changes["enabled"], row["enabled"]
    if changes.get("name") is not None:
        name = changes["name"]
        if name != row["draft"].get("name"):
            before["name"] = row["draft"].get("name")
            values["draft"] = {**row["draft"], "name": name}
            values["draft_revision"] = row["draft_revision"] + 1  # an open designer must reload, not overwrite it
    if values:
        now = clock.now()
        await conn.execute(update(flows).where(flows.c.id == row["id"]).values(**values, updated_at=now))
        if "enabled" in values:
            await touch_app(conn, app["id"], now)  # the runtime's flows-by-form cache keys on the app's stamp
            if row["published_version"] is not None:
                await starting.arm_clock(conn, clock, await _fresh_app(conn, app["id"]), {**row, **values})
        audit.record(conn, actor, "flow.update", target_type="flow", target_id=f"{app_key}.{flow_key}",
                     before=before, after={k: v for k, v in values.items() if k in before})
    return await get_flow(conn, actor, app_key, flow_key)


async def delete_flow(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, flow_key: str) -> None:
    """Refused while an instance still runs or waits for a retry; finished instances go with it."""
    app = await require_designer(conn, actor, app_key)
    row = await flow_row(conn, app["id"], flow_key, lock=True)
    unfinished = (await conn.execute(
        select(func.count()).select_from(flow_instances)
        .where(flow_instances.c.flow_id == row["id"], flow_instances.c.status.not_in(sorted(FINAL)))
    )).scalar_one()
    if unfinished:
        raise AppError("flow_running", 409, f"{unfinished} instance(s) of this flow are still running or failed; "
                       "finish or cancel them first, or disable the flow.", title="Conflict",
                       detail_zh=f"此流程仍有 {unfinished} 个实例在运行或失败待处理；请先结束或取消它们，或停用此流程。")
    if row["published_version"] is not None:
        await starting.arm_clock(conn, clock, app, {**row, "enabled": False})  # cancels a schedule's next firing
    await conn.execute(delete(flows).where(flows.c.id == row["id"]))
    await touch_app(conn, app["id"], clock.now())
    audit.record(conn, actor, "flow.delete", target_type="flow", target_id=f"{app_key}.{flow_key}",
                 before={"published_version": row["published_version"], "trigger_type": row["trigger_type"]})


# ---------------------------------------------------------------------------- working calendars

def _calendar_out(row: Any) -> dict[str, Any]:
    return {"key": row["key"], "name": row["name"], "definition": row["definition"], "updated_at": row["updated_at"]}


async def list_calendars(conn: AsyncConnection) -> list[dict[str, Any]]:
    rows = await conn.execute(select(work_calendars).order_by(work_calendars.c.key))
    return [_calendar_out(r) for r in rows.mappings()]


async def _calendar_row(conn: AsyncConnection, key: str) -> dict[str, Any] | None:
    row = (await conn.execute(select(work_calendars).where(work_calendars.c.key == key))).mappings().first()
    return dict(row) if row is not None else None


async def get_calendar(conn: AsyncConnection, key: str) -> dict[str, Any]:
    row = await _calendar_row(conn, key)
    if row is None:
        raise NotFound("working calendar")
    return _calendar_out(row)


async def put_calendar(conn: AsyncConnection, clock: Clock, actor: Actor, key: str, name: str,
                       definition: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Create or replace; returns the calendar and whether it was created. Stored normalised."""
    try:
        parsed = WorkCalendar.from_json(definition)
    except CalendarError as exc:
        raise Invalid("The working calendar is not valid.", [{
            "path": f"definition.{exc.path}" if exc.path else "definition", "message": exc.en, "message_zh": exc.zh,
            "code": "invalid_calendar"}], detail_zh="工作日历不正确。") from None
    values = {"name": name, "definition": parsed.to_json(), "updated_at": clock.now()}
    existing = await _calendar_row(conn, key)
    if existing is None:
        await conn.execute(insert(work_calendars).values(key=key, **values))
    else:
        await conn.execute(update(work_calendars).where(work_calendars.c.key == key).values(**values))
    audit.record(conn, actor, "calendar.put", target_type="calendar", target_id=key,
                 before=None if existing is None else {"name": existing["name"], "definition": existing["definition"]},
                 after={"name": name, "definition": values["definition"]})
    return await get_calendar(conn, key), existing is None


async def delete_calendar(conn: AsyncConnection, actor: Actor, key: str) -> None:
    """Refused while a published flow counts its clocks by it (it would fall back silently)."""
    row = await _calendar_row(conn, key)
    if row is None:
        raise NotFound("working calendar")
    published = await conn.execute(
        select(apps.c.key, flows.c.key, flow_versions.c.definition)
        .join(flows, flows.c.app_id == apps.c.id)
        .join(flow_versions, (flow_versions.c.flow_id == flows.c.id)
              & (flow_versions.c.version == flows.c.published_version)))
    users = [f"{app_key}.{flow_key}" for app_key, flow_key, definition in published
             if (definition.get("settings") or {}).get("calendar") == key]
    if users:
        raise AppError("calendar_in_use", 409, "Published flows count their clocks by this calendar: " + ", ".join(users),
                       title="Conflict", detail_zh="已发布的流程正在使用此工作日历：" + "、".join(users),
                       errors=[{"path": "flows", "message": flow, "code": "in_use"} for flow in users])
    await conn.execute(delete(work_calendars).where(work_calendars.c.key == key))
    audit.record(conn, actor, "calendar.delete", target_type="calendar", target_id=key,
                 before={"name": row["name"], "definition": row["definition"]})
