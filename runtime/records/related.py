"""GET …/records/{id}/related/{field}: the rows a related-list field shows on a record — the
records of another form whose link field points at this one, read through the permission gate
of that form like any list (its rows, its readable fields).

A list whose link or conditions rely on a field the user may not read in the other form is
refused as a whole: showing it would reveal that field's values through which rows appear."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from core.errors import Forbidden, NotFound
from engines.form.types.related_list import SYSTEM_SORTS, RelatedListOptions
from runtime.identity.deps import ClockDep, Conn, CurrentActor
from runtime.records import service
from runtime.records.schemas import RecordId
from runtime.records.service import Target

router = APIRouter(prefix="/api/apps/{app_key}/forms/{form_key}/records/{record_id}/related", tags=["records"])

# The operator meaning "links to this record", per storage of the match field.
LINKS_TO = {"link": "eq", "links": "has_any"}


def related_query(source: Target, target: Target, options: RelatedListOptions, record_id: int, page: int,
                  limit: int | None) -> dict[str, Any]:
    """The list query of one related list on one record, within what the user may read of the target."""
    match = target.form.specs.get(options.match_field)
    if match is None or match.type.type not in LINKS_TO or getattr(match.options, "form", None) != source.form.key:
        raise NotFound("related list")
    readable = target.scope.readable
    if readable is not None and any(k not in readable for k in (options.match_field, *(c.field for c in options.filter))):
        raise Forbidden("This related list depends on fields of the other form you may not read.",
                        detail_zh="此关联列表依赖另一表单中您无权查看的字段。")
    value = [record_id] if match.type.type == "links" else record_id
    conditions = [{"field": options.match_field, "op": LINKS_TO[match.type.type], "value": value}]
    conditions += [c.model_dump() for c in options.filter]
    sort = [("-" if s.descending else "") + s.field for s in options.sort
            if s.field in SYSTEM_SORTS or (s.field in target.form.specs and (readable is None or s.field in readable))]
    columns = [k for k in options.columns if k in target.form.specs and (readable is None or k in readable)]
    return {"filter": {"and": conditions}, "sort": sort, "fields": columns, "page": page,
            "limit": limit or options.page_size, "count": True}


@router.get("/{field_key}")
async def related_rows(app_key: str, form_key: str, record_id: RecordId, field_key: str, conn: Conn,
                       actor: CurrentActor, clock: ClockDep, page: int = Query(1, ge=1, le=100000),
                       limit: int | None = Query(None, ge=1, le=100)) -> dict:
    source = await service.open_form(conn, clock, actor, app_key, form_key, "view")
    await service.get(source, record_id)  # 404 outside the user's scope
    spec = source.form.specs.get(field_key)
    readable = source.scope.readable
    if spec is None or spec.type.type != "related_list" or (readable is not None and field_key not in readable):
        raise NotFound("related list")
    options: RelatedListOptions = spec.options
    try:
        target = await service.open_form(conn, clock, actor, app_key, options.form, "view")
    except NotFound:
        raise NotFound("related list") from None
    return await service.list_records(target, related_query(source, target, options, record_id, page, limit))
