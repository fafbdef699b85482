"""Flow endpoints for the people who work in them: inbox, tasks, instances, buttons, delegations,
and the inbound webhook that starts a flow from another system."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Header, Query, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import delete, select

from core.errors import AppError, Invalid, NotFound
from runtime.context import system_actor
from runtime.flows import service
from runtime.flows.definitions import compiled_flow
from runtime.flows.people import active_users
from runtime.flows.starting import start_instance
from runtime.identity.deps import ClockDep, Conn, CurrentActor, SettingsDep
from runtime.forms.loader import LoadedForm, compiled_version, form_row
from runtime.identity.secrets import constant_time_equal, token_digest
from runtime.permissions.gate import admin_scope
from runtime.records import service as records
from runtime.records.schemas import RecordId
from runtime.tables import apps, delegations, flows

router = APIRouter(tags=["flows"])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActIn(Strict):
    comment: str = Field("", max_length=4000)
    values: dict[str, Any] | None = Field(None, description="changes to the fields this step makes editable")
    version: int | None = Field(None, description="the record version the values were edited on")
    signature: str | None = Field(None, max_length=64, description="a file key: a handwritten signature image")
    target: str | None = Field(None, max_length=64, description="send back: previous | initiator | a node id")
    to: int | None = Field(None, description="transfer: the user id")
    users: list[int] | None = Field(None, max_length=20, description="add signers")
    position: Literal["before", "after"] = "before"


class BatchIn(Strict):
    ids: list[int] = Field(min_length=1, max_length=200)
    comment: str = Field("", max_length=4000)


class StashIn(Strict):
    values: dict[str, Any]


class NoteIn(Strict):
    comment: str = Field("", max_length=4000)


class CommentIn(Strict):
    body: str = Field(min_length=1, max_length=4000)
    mentions: list[int] = Field(default_factory=list, max_length=50)


class CcIn(Strict):
    users: list[int] = Field(min_length=1, max_length=50)
    comment: str = Field("", max_length=4000)


class StartIn(Strict):
    record_ids: list[int] = Field(min_length=1, max_length=500)
    chosen: dict[str, list[int]] = Field(default_factory=dict, description="approvers picked per node (kind=chosen)")


class DelegationIn(Strict):
    deputy_id: int
    starts_on: date
    ends_on: date
    app_key: str | None = None
    user_id: int | None = Field(None, description="administrators may set a delegation for someone else")

    @model_validator(mode="after")
    def _order(self) -> "DelegationIn":
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


ACTIONS = {"approve": "approve", "reject": "reject", "submit": "submit", "send-back": "send_back",
           "transfer": "transfer", "add-signers": "add_signers", "resubmit": "resubmit"}


@router.get("/api/flow/inbox")
async def inbox(conn: Conn, actor: CurrentActor, box: Literal["todo", "done", "initiated", "cc"] = "todo",
                app: str | None = Query(None, max_length=20), q: str | None = Query(None, max_length=200),
                limit: int = Query(50, ge=1, le=200), before: int | None = None) -> dict:
    return await service.inbox(conn, actor, box, app_key=app, search=q, limit=limit, before=before)


@router.get("/api/flow/inbox/counts")
async def inbox_counts(conn: Conn, actor: CurrentActor) -> dict:
    return await service.counts(conn, actor)


@router.post("/api/flow/tasks/batch-approve")
async def batch_approve(body: BatchIn, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.batch_approve(conn, clock, actor, body.ids, body.comment)


@router.get("/api/flow/tasks/{task_id}")
async def task(task_id: RecordId, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.task_view(conn, clock, actor, task_id)


@router.post("/api/flow/tasks/{task_id}/stash")
async def stash(task_id: RecordId, body: StashIn, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.stash(conn, clock, actor, task_id, body.values)


@router.post("/api/flow/tasks/{task_id}/read")
async def mark_read(task_id: RecordId, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.mark(conn, clock, actor, task_id, "read")


@router.post("/api/flow/tasks/{task_id}/done")
async def mark_done(task_id: RecordId, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.mark(conn, clock, actor, task_id, "done")


@router.post("/api/flow/tasks/{task_id}/{action}")
async def act(task_id: RecordId, action: str, body: ActIn, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    if action not in ACTIONS:
        raise NotFound("action")
    return await service.act(conn, clock, actor, task_id, ACTIONS[action], body.model_dump(exclude_none=True))


@router.get("/api/flow/instances/{instance_id}")
async def instance(instance_id: RecordId, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.instance_view(conn, clock, actor, instance_id)


@router.post("/api/flow/instances/{instance_id}/withdraw")
async def withdraw(instance_id: RecordId, body: NoteIn, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.withdraw(conn, clock, actor, instance_id, body.comment)


@router.post("/api/flow/instances/{instance_id}/urge")
async def urge(instance_id: RecordId, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.urge(conn, clock, actor, instance_id)


@router.post("/api/flow/instances/{instance_id}/comments")
async def comment(instance_id: RecordId, body: CommentIn, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.comment(conn, clock, actor, instance_id, body.body, body.mentions)


@router.post("/api/flow/instances/{instance_id}/cc")
async def cc(instance_id: RecordId, body: CcIn, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.cc(conn, clock, actor, instance_id, body.users, body.comment)


@router.post("/api/flow/instances/{instance_id}/retry")
async def retry(instance_id: RecordId, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.admin_action(conn, clock, actor, instance_id, "retry", {})


@router.post("/api/flow/instances/{instance_id}/terminate")
async def terminate(instance_id: RecordId, body: NoteIn, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.admin_action(conn, clock, actor, instance_id, "terminate", body.model_dump())


@router.get("/api/apps/{app_key}/flow-instances")
async def admin_instances(app_key: str, conn: Conn, actor: CurrentActor,
                          status: Literal["running", "failed", "approved", "rejected", "completed", "withdrawn",
                                          "terminated"] | None = None,
                          limit: int = Query(50, ge=1, le=200), before: int | None = None) -> dict:
    return await service.admin_list(conn, actor, app_key, status, limit, before)


@router.post("/api/apps/{app_key}/flows/{flow_key}/start")
async def start(app_key: str, flow_key: str, body: StartIn, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.start(conn, clock, actor, app_key, flow_key, body.record_ids, body.chosen)


@router.get("/api/apps/{app_key}/forms/{form_key}/records/{record_id}/flows")
async def record_flows(app_key: str, form_key: str, record_id: RecordId, conn: Conn, actor: CurrentActor,
                       clock: ClockDep) -> dict:
    return await service.record_flows(conn, clock, actor, app_key, form_key, record_id)


# ---------------------------------------------------------------------- delegations

@router.get("/api/flow/delegations")
async def my_delegations(conn: Conn, actor: CurrentActor) -> dict:
    me = actor.principal.id
    rows = (await conn.execute(select(delegations).where((delegations.c.user_id == me) | (delegations.c.deputy_id == me))
                               .order_by(delegations.c.starts_on.desc()))).mappings().all()
    return {"items": [dict(r) for r in rows]}


@router.post("/api/flow/delegations", status_code=201)
async def add_delegation(body: DelegationIn, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    principal = actor.principal
    user_id = body.user_id or principal.id
    if user_id != principal.id and not principal.is_admin:
        raise AppError("forbidden", 403, "Only administrators set delegations for others.", title="Forbidden",
                       errors=[{"path": "user_id", "message": "Not yours."}], detail_zh="只有管理员可以为他人设置委托。")
    if body.deputy_id == user_id or not await active_users(conn, [body.deputy_id]):
        raise Invalid("Choose another active user as the deputy.",
                      [{"path": "deputy_id", "message": "Not an active user other than the delegator.",
                        "message_zh": "请选择其他在职用户作为代理人。"}], detail_zh="代理人无效。")
    app_id = None
    if body.app_key:
        app_id = (await conn.execute(select(apps.c.id).where(apps.c.key == body.app_key))).scalar()
        if app_id is None:
            raise Invalid("No such app.", [{"path": "app_key", "message": "Unknown app.", "message_zh": "没有这个应用。"}])
    new_id = (await conn.execute(delegations.insert().values(
        user_id=user_id, deputy_id=body.deputy_id, app_id=app_id, starts_on=body.starts_on, ends_on=body.ends_on,
        created_at=clock.now()).returning(delegations.c.id))).scalar_one()
    return {"id": new_id, "user_id": user_id, "deputy_id": body.deputy_id, "starts_on": body.starts_on,
            "ends_on": body.ends_on, "app_id": app_id}


@router.delete("/api/flow/delegations/{delegation_id}", status_code=204)
async def remove_delegation(delegation_id: RecordId, conn: Conn, actor: CurrentActor) -> None:
    condition = delegations.c.id == delegation_id
    if not actor.principal.is_admin:
        condition = condition & (delegations.c.user_id == actor.principal.id)
    if (await conn.execute(delete(delegations).where(condition))).rowcount == 0:
        raise NotFound("delegation")


# ---------------------------------------------------------------------- inbound webhooks

@router.post("/api/hooks/flows/{app_key}/{flow_key}", status_code=202)
async def webhook(app_key: str, flow_key: str, request: Request, conn: Conn, clock: ClockDep, settings: SettingsDep,
                  secret: str = Header("", alias="X-Qiqiao-Secret", max_length=200)) -> dict:
    """Another system starts a flow. The secret travels in a header; only its HMAC is stored."""
    row = (await conn.execute(select(flows).join(apps, apps.c.id == flows.c.app_id).where(
        apps.c.key == app_key, flows.c.key == flow_key, apps.c.deleted_at.is_(None)))).mappings().first()
    expected = row["webhook_secret_hash"] if row is not None else None
    given = token_digest(settings.secret, secret) if secret else ""
    if row is None or not expected or not constant_time_equal(given, expected) or row["trigger_type"] != "trigger.webhook" \
            or not row["enabled"] or row["published_version"] is None:
        raise NotFound("webhook")
    try:
        payload = await request.json()
    except ValueError:
        raise Invalid("The body is not JSON.", [{"path": "body", "message": "Not JSON."}]) from None
    if not isinstance(payload, dict):
        raise Invalid("The body is a JSON object.", [{"path": "body", "message": "Not an object."}])
    app = dict((await conn.execute(select(apps).where(apps.c.id == row["app_id"]))).mappings().one())
    row = dict(row)
    compiled = await compiled_flow(conn, app, row, row["published_version"])
    record_id = None
    if compiled.options[compiled.trigger].create_record:
        form = await form_row(conn, app["id"], compiled.definition.form)
        loaded = LoadedForm(app, form, await compiled_version(conn, app, form, form["published_version"]))
        system = system_actor(row["created_by"] or 0, "webhook", f"qiqiao-webhook/{flow_key}")
        t = records.Target(conn, clock, system, loaded, admin_scope(), "create")
        record_id = (await records.create(t, payload))["id"]
        payload = {}
    instance = await start_instance(conn, clock, app, row, record_id=record_id, vars=payload or None)
    return {"instance_id": instance["id"] if instance else None, "record_id": record_id}
