"""/api/apps/{app}/forms/{form}/records — thin endpoints over the records service."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Body, Header, Query, Request, Response
from pydantic import ValidationError

from core.errors import Invalid, NotFound
from runtime.identity.deps import ClockDep, Conn, CurrentActor
from runtime.records import idempotency, service
from runtime.records.schemas import BulkCreate, BulkUpdate, IdList, ListQuery, RecordId, Upsert

router = APIRouter(prefix="/api/apps/{app_key}/forms/{form_key}/records", tags=["records"])


def _csv(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@router.get("")
async def list_records(
    app_key: str, form_key: str, conn: Conn, actor: CurrentActor, clock: ClockDep,
    filter: str | None = Query(None, max_length=20000, description="a JSON filter: {and|or: [...]} or {field, op, value}"),
    sort: str | None = Query(None, max_length=300, description="comma-separated keys, '-' for descending"),
    limit: int = Query(50, ge=1, le=500),
    page: int = Query(1, ge=1),
    cursor: str | None = Query(None, max_length=2000),
    search: str | None = Query(None, max_length=200),
    fields: str | None = Query(None, max_length=5000),
    expand: str | None = Query(None, max_length=1000),
    count: bool = False,
    trash: bool = False,
) -> dict:
    try:
        parsed_filter = json.loads(filter) if filter else None
    except json.JSONDecodeError:
        raise Invalid("The filter is not valid JSON.", [{"path": "filter", "message": "Not valid JSON."}]) from None
    try:
        query = ListQuery(filter=parsed_filter, sort=_csv(sort) or [], limit=limit, page=page, cursor=cursor,
                          search=search, fields=_csv(fields), expand=_csv(expand), count=count, trash=trash)
    except ValidationError as exc:
        raise Invalid("The query is not valid.", [{"path": ".".join(map(str, e["loc"])), "message": e["msg"]}
                                                  for e in exc.errors()]) from None
    t = await service.open_form(conn, clock, actor, app_key, form_key, "view")
    return await service.list_records(t, query.model_dump())


@router.post("/query")
async def query_records(app_key: str, form_key: str, body: ListQuery, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    t = await service.open_form(conn, clock, actor, app_key, form_key, "view")
    return await service.list_records(t, body.model_dump())


@router.post("", status_code=201)
async def create_record(app_key: str, form_key: str, request: Request, conn: Conn, actor: CurrentActor,
                        clock: ClockDep, body: dict[str, Any] = Body(...), draft: bool = False,
                        idempotency_key: str | None = Header(None, alias=idempotency.HEADER,
                                                             description="a retry with the same key creates nothing new")) -> Any:
    t = await service.open_form(conn, clock, actor, app_key, form_key, "create", write=True)
    if idempotency_key is None:
        return await service.create(t, body, draft=draft)
    request_id = (request.method, request.url.path + ("?draft=true" if draft else ""), body)
    kept = await idempotency.replayed(conn, clock, actor, idempotency_key, *request_id)
    if kept is not None:
        return kept
    record = await service.create(t, body, draft=draft)
    await idempotency.remember(conn, clock, actor, idempotency_key, *request_id, 201, record)
    return record


@router.post("/bulk", status_code=201)
async def bulk_create(app_key: str, form_key: str, body: BulkCreate, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    t = await service.open_form(conn, clock, actor, app_key, form_key, "create", write=True)
    ids = await service.bulk_create(t, body.items)
    return {"ids": ids, "created": len(ids)}


@router.post("/upsert")
async def upsert(app_key: str, form_key: str, body: Upsert, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    """Create or update each item by an external key (a unique field): an ERP's nightly push."""
    creating = await service.open_form(conn, clock, actor, app_key, form_key, "create", write=True)
    editing = await service.authorized(conn, clock, actor, creating.loaded, "edit")
    return await service.upsert(creating, editing, body.key, body.items)


@router.patch("/bulk")
async def bulk_update(app_key: str, form_key: str, body: BulkUpdate, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    t = await service.open_form(conn, clock, actor, app_key, form_key, "edit", write=True)
    items = await service.bulk_update(t, [i.model_dump() for i in body.items])
    return {"items": items, "updated": len(items)}


@router.post("/bulk-delete")
async def bulk_delete(app_key: str, form_key: str, body: IdList, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    t = await service.open_form(conn, clock, actor, app_key, form_key, "delete", write=True)
    return {"deleted": await service.delete(t, body.ids)}


@router.post("/restore")
async def restore(app_key: str, form_key: str, body: IdList, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    t = await service.open_form(conn, clock, actor, app_key, form_key, "delete", write=True)
    return {"restored": await service.restore(t, body.ids)}


@router.post("/purge")
async def purge(app_key: str, form_key: str, body: IdList, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    t = await service.open_form(conn, clock, actor, app_key, form_key, "delete", write=True)
    return {"purged": await service.purge(t, body.ids)}


@router.get("/{record_id}")
async def get_record(app_key: str, form_key: str, record_id: RecordId, conn: Conn, actor: CurrentActor, clock: ClockDep,
                     expand: str | None = Query(None, max_length=1000)) -> dict:
    t = await service.open_form(conn, clock, actor, app_key, form_key, "view")
    return await service.get(t, record_id, expand=set(_csv(expand) or []))


@router.patch("/{record_id}")
async def update_record(app_key: str, form_key: str, record_id: RecordId, conn: Conn, actor: CurrentActor, clock: ClockDep,
                        body: dict[str, Any] = Body(...)) -> dict:
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid("Send the version you edited, so a concurrent change is never overwritten.",
                      [{"path": "version", "message": "Required: the record's current version."}])
    t = await service.open_form(conn, clock, actor, app_key, form_key, "edit", write=True)
    return await service.update(t, record_id, body, version)


@router.delete("/{record_id}", status_code=204)
async def delete_record(app_key: str, form_key: str, record_id: RecordId, conn: Conn, actor: CurrentActor, clock: ClockDep) -> Response:
    t = await service.open_form(conn, clock, actor, app_key, form_key, "delete", write=True)
    if not await service.delete(t, [record_id]):
        raise NotFound("record")
    return Response(status_code=204)


@router.get("/{record_id}/history")
async def record_history(app_key: str, form_key: str, record_id: RecordId, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    t = await service.open_form(conn, clock, actor, app_key, form_key, "view_history")
    return {"items": await service.history(t, record_id)}
