"""Who owns a record and who else may reach it: reassigning owners (single and bulk), handing
over everything a leaving user owns, and sharing single records with a user or department.

Reassigning needs the `reassign` action and reaches the rows of its scope. Sharing a record is
for its owner (when they may edit it), holders of `manage` and the app's administrators; a share
opens the record (read: view, export, history, comments; edit: also editing) to someone whose
permission groups grant those actions but whose data scope does not reach the record.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.errors import Forbidden, Invalid, NotFound
from engines.form.compiled import CompiledForm
from runtime.audit import service as audit
from runtime.forms.loader import compiled_version
from runtime.identity import repository as identity_repo
from runtime.identity.deps import AdminActor, ClockDep, Conn, CurrentActor
from runtime.records import repository as repo
from runtime.records.schemas import RecordId
from runtime.records.service import MAX_BULK, Target, _row, _visible_ids, open_form
from runtime.tables import apps, departments, forms, record_shares, users

router = APIRouter(tags=["records"])
RECORDS = "/api/apps/{app_key}/forms/{form_key}/records"


class ReassignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[int] = Field(min_length=1, max_length=MAX_BULK)
    owner_id: int


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: int | None = None
    department_id: int | None = None
    level: Literal["read", "edit"] = "read"

    @model_validator(mode="after")
    def _one_target(self) -> "ShareIn":
        if (self.user_id is None) == (self.department_id is None):
            raise ValueError("share with exactly one of user_id or department_id")
        return self


class HandoverIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to_user_id: int


async def new_owner(conn: AsyncConnection, user_id: int, path: str) -> tuple[int, int | None]:
    """An active user and their main department (a reassigned record counts in its new owner's)."""
    user = await identity_repo.user_by_id(conn, user_id)
    if user is None or not user["is_active"]:
        raise Invalid("The new owner must be an active user.",
                      [{"path": path, "message": "No such active user.", "message_zh": "没有这个在职用户。"}],
                      detail_zh="新负责人必须是在职用户。")
    depts = (await identity_repo.memberships(conn, [user_id]))[user_id]["departments"]
    return user_id, depts[0]["id"] if depts else None


async def set_owner(conn: AsyncConnection, form: CompiledForm, form_id: int, ids: list[int], owner: tuple[int, int | None],
                     actor_id: int | None, clock: Clock) -> list[int]:
    """Set the owner of `ids`, bump their versions and write one history entry per record changed."""
    table = form.table
    before = {r[0]: (r[1], r[2]) for r in await conn.execute(
        select(table.c.id, table.c.owner_id, table.c.version).prefix_with(form.tag).where(table.c.id.in_(ids)))}
    changed = [i for i in ids if i in before and before[i][0] != owner[0]]
    if not changed:
        return []
    now = clock.now()
    await conn.execute(update(table).prefix_with(form.tag).where(table.c.id.in_(changed)).values(
        owner_id=owner[0], owner_dept_id=owner[1], version=table.c.version + 1, updated_at=now, updated_by=actor_id))
    await repo.add_history(conn, [{"form_id": form_id, "record_id": i, "version": before[i][1] + 1, "op": "reassign",
                                   "actor_id": actor_id, "at": now, "changes": {"owner_id": [before[i][0], owner[0]]}}
                                  for i in changed])
    return changed


@router.post(RECORDS + "/reassign")
async def reassign(app_key: str, form_key: str, body: ReassignIn, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    """Give records a new owner; ids the caller's reassign scope does not reach are reported back."""
    t = await open_form(conn, clock, actor, app_key, form_key, "reassign", write=True)
    owner = await new_owner(conn, body.owner_id, "owner_id")
    wanted = list(dict.fromkeys(body.ids))
    reachable = await _visible_ids(t, wanted, action="reassign")
    changed = await set_owner(conn, t.form, t.loaded.form_id, reachable, owner, actor.id, clock)
    if changed:
        audit.record(conn, actor, "record.reassign", target_type=t.audit_target,
                     target_id=changed[0] if len(changed) == 1 else None,
                     after={"owner_id": owner[0], "count": len(changed), "ids": changed[:100]})
    return {"reassigned": changed, "unchanged": [i for i in reachable if i not in changed],
            "not_found": [i for i in wanted if i not in set(reachable)]}


@router.post("/api/admin/users/{user_id}/handover")
async def hand_over(user_id: int, body: HandoverIn, conn: Conn, actor: AdminActor, clock: ClockDep) -> dict:
    """Everything `user_id` owns, in every app, goes to `to_user_id` in one step (someone leaving)."""
    if await identity_repo.user_by_id(conn, user_id) is None:
        raise NotFound("user")
    if body.to_user_id == user_id:
        raise Invalid("Hand over to somebody else.", [{"path": "to_user_id", "message": "Same user.",
                                                       "message_zh": "不能交接给本人。"}], detail_zh="请交接给其他人。")
    owner = await new_owner(conn, body.to_user_id, "to_user_id")
    live_apps = {r["id"]: dict(r) for r in (await conn.execute(select(apps).where(apps.c.deleted_at.is_(None)))).mappings()}
    rows = (await conn.execute(
        select(forms).where(forms.c.app_id.in_(live_apps), forms.c.published_version.is_not(None)).order_by(forms.c.id)
    )).mappings().all()
    moved: dict[str, int] = {}
    for row in rows:
        app = live_apps[row["app_id"]]
        form = await compiled_version(conn, app, dict(row), row["published_version"])
        ids = [r[0] for r in await conn.execute(
            select(form.table.c.id).prefix_with(form.tag).where(form.table.c.owner_id == user_id))]
        for start in range(0, len(ids), MAX_BULK):
            changed = await set_owner(conn, form, row["id"], ids[start:start + MAX_BULK], owner, actor.id, clock)
            if changed:
                name = f"{app['key']}.{row['key']}"
                moved[name] = moved.get(name, 0) + len(changed)
    audit.record(conn, actor, "user.handover", target_type="user", target_id=user_id,
                 after={"to_user_id": owner[0], "records": moved})
    return {"records": sum(moved.values()), "forms": moved}


# -- sharing single records --------------------------------------------------------------------------


async def _may_share(t: Target, record_id: int) -> dict[str, Any]:
    """The record, when the caller may manage its shares (404 when they cannot see it at all)."""
    row = await _row(t, record_id)
    if t.scope.is_app_admin:
        return row
    if t.scope.allows("manage"):
        try:
            return await _row(t, record_id, action="manage")
        except NotFound:
            pass
    if row["owner_id"] == t.actor.id and t.scope.allows("edit"):
        try:
            return await _row(t, record_id, action="edit")
        except NotFound:
            pass
    raise Forbidden("Only the record's owner, its managers and the app's administrators may share it.",
                    detail_zh="只有记录负责人、数据管理员和应用管理员可以共享此记录。")


async def _shares(conn: AsyncConnection, form_id: int, record_id: int) -> list[dict[str, Any]]:
    query = (
        select(record_shares.c.id, record_shares.c.level, record_shares.c.created_at, record_shares.c.user_id,
               record_shares.c.department_id, users.c.display_name.label("user_name"),
               departments.c.name.label("department_name"))
        .outerjoin(users, users.c.id == record_shares.c.user_id)
        .outerjoin(departments, departments.c.id == record_shares.c.department_id)
        .where(record_shares.c.form_id == form_id, record_shares.c.record_id == record_id)
        .order_by(record_shares.c.id)
    )
    out = []
    for r in (await conn.execute(query)).mappings():
        item: dict[str, Any] = {"id": r["id"], "level": r["level"], "created_at": r["created_at"].isoformat()}
        if r["user_id"] is not None:
            item["user"] = {"id": r["user_id"], "display_name": r["user_name"]}
        else:
            item["department"] = {"id": r["department_id"], "name": r["department_name"]}
        out.append(item)
    return out


@router.get(RECORDS + "/{record_id}/shares")
async def list_shares(app_key: str, form_key: str, record_id: RecordId, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    t = await open_form(conn, clock, actor, app_key, form_key, "view")
    await _may_share(t, record_id)
    return {"items": await _shares(conn, t.loaded.form_id, record_id)}


@router.post(RECORDS + "/{record_id}/shares", status_code=201)
async def share(app_key: str, form_key: str, record_id: RecordId, body: ShareIn, conn: Conn, actor: CurrentActor,
                clock: ClockDep) -> dict:
    """Share with a user or a department; sharing again with the same one changes the level."""
    t = await open_form(conn, clock, actor, app_key, form_key, "view", write=True)
    await _may_share(t, record_id)
    if body.user_id is not None:
        exists = (await conn.execute(select(users.c.id).where(users.c.id == body.user_id, users.c.is_active.is_(True)))).first()
        column, value, path = record_shares.c.user_id, body.user_id, "user_id"
    else:
        exists = (await conn.execute(select(departments.c.id).where(departments.c.id == body.department_id))).first()
        column, value, path = record_shares.c.department_id, body.department_id, "department_id"
    if exists is None:
        raise Invalid("Share with an existing active user or department.",
                      [{"path": path, "message": "Does not exist.", "message_zh": "不存在。"}],
                      detail_zh="只能共享给存在的在职用户或部门。")
    where = (record_shares.c.form_id == t.loaded.form_id, record_shares.c.record_id == record_id, column == value)
    current = (await conn.execute(select(record_shares.c.id).where(*where))).scalar()
    if current is None:
        await conn.execute(insert(record_shares).values(
            form_id=t.loaded.form_id, record_id=record_id, user_id=body.user_id, department_id=body.department_id,
            level=body.level, created_by=actor.id, created_at=clock.now()))
    else:
        await conn.execute(update(record_shares).where(record_shares.c.id == current).values(level=body.level))
    audit.record(conn, actor, "record.share", target_type=t.audit_target, target_id=record_id,
                 after={path: value, "level": body.level})
    return {"items": await _shares(conn, t.loaded.form_id, record_id)}


@router.delete(RECORDS + "/{record_id}/shares/{share_id}", status_code=204)
async def unshare(app_key: str, form_key: str, record_id: RecordId, share_id: RecordId, conn: Conn, actor: CurrentActor,
                  clock: ClockDep) -> Response:
    t = await open_form(conn, clock, actor, app_key, form_key, "view", write=True)
    await _may_share(t, record_id)
    result = await conn.execute(delete(record_shares).where(
        record_shares.c.id == share_id, record_shares.c.form_id == t.loaded.form_id, record_shares.c.record_id == record_id))
    if not result.rowcount:
        raise NotFound("share")
    audit.record(conn, actor, "record.unshare", target_type=t.audit_target, target_id=record_id, before={"share_id": share_id})
    return Response(status_code=204)

