"""Finding an app's flows and compiling their published versions, and the working calendars.

A published flow version is immutable, but it is compiled against the *current* published forms
of its app (field types decide how its formulas evaluate), so the cache keeps one compiled flow
per (database, flow id, version) and compiles it again once the app's `updated_at` moves, which
every form or flow publish does.
"""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.errors import AppError, NotFound
from engines import expr
from engines.flow import CompiledFlow, FlowInvalid, FlowScope, compile_flow
from engines.flow.calendar import DEFAULT_CALENDAR, WorkCalendar
from engines.flow.nodes.base import problem
from engines.form.computed import form_schema
from runtime.forms.loader import app_forms
from runtime.tables import app_roles, flow_versions, flows, work_calendars

_CACHE: dict[tuple[str, int, int], tuple[Any, CompiledFlow]] = {}
_CACHE_LIMIT = 2000


async def flow_scope(conn: AsyncConnection, app: dict[str, Any], form_key: str | None) -> FlowScope:
    """What a flow of `app` on `form_key` is checked against: that form's published fields, the
    other published forms, the app's flows and roles, and the platform's calendars. Raises
    `FlowInvalid` (path `form`) when the form does not exist or was never published."""
    compiled = await app_forms(conn, app)
    specs = None
    if form_key is not None:
        form = compiled.get(form_key)
        if form is None:
            raise FlowInvalid([problem("form", f"The app has no published form '{form_key}'.",
                                       f"应用中没有已发布的表单“{form_key}”。", "unknown_form")])
        specs = form.specs
    flow_keys = (await conn.execute(select(flows.c.key).where(flows.c.app_id == app["id"]))).scalars()
    role_keys = (await conn.execute(select(app_roles.c.key).where(app_roles.c.app_id == app["id"]))).scalars()
    calendar_keys = (await conn.execute(select(work_calendars.c.key))).scalars()
    return FlowScope(
        specs=specs,
        schema=form_schema(specs) if specs is not None else expr.Schema({}),
        forms=lambda key: compiled[key].specs if key in compiled else None,
        flows=frozenset(flow_keys),
        roles=frozenset(role_keys),
        calendars=frozenset(calendar_keys),
    )


async def compiled_flow(conn: AsyncConnection, app: dict[str, Any], flow_row: Mapping[str, Any], version: int) -> CompiledFlow:
    """The flow's published `version`, compiled. A version that no longer fits the app's forms
    (a field it names was removed since) is a 409 `flow_outdated` listing the problems."""
    cache_key = (str(conn.engine.url), flow_row["id"], version)  # ids repeat across databases
    cached = _CACHE.get(cache_key)
    if cached is not None and cached[0] == app["updated_at"]:
        return cached[1]
    definition = (await conn.execute(
        select(flow_versions.c.definition).where(flow_versions.c.flow_id == flow_row["id"],
                                                 flow_versions.c.version == version)
    )).scalar_one_or_none()
    if definition is None:
        raise NotFound("flow version", f"Flow '{flow_row['key']}' has no version {version}.")
    try:
        compiled = compile_flow(definition, await flow_scope(conn, app, definition.get("form")))
    except FlowInvalid as exc:
        raise AppError(
            "flow_outdated", 409,
            f"Version {version} of flow '{flow_row['key']}' no longer fits the app's forms; publish it again.",
            errors=exc.problems, title="Conflict",
            detail_zh=f"流程“{flow_row['key']}”的第 {version} 版已与应用的表单不符，请重新发布。",
        ) from None
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[cache_key] = (app["updated_at"], compiled)
    return compiled


async def flow_row(conn: AsyncConnection, app_id: int, key: str, *, lock: bool = False) -> dict[str, Any]:
    """The flow's row; 404 when the app has no such flow. `lock` takes it for update (PostgreSQL)."""
    query = select(flows).where(flows.c.app_id == app_id, flows.c.key == key)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = (await conn.execute(query)).mappings().first()
    if row is None:
        raise NotFound("flow")
    return dict(row)


async def published_flows(conn: AsyncConnection, app_id: int, form_key: str | None = None) -> list[dict[str, Any]]:
    """The app's enabled flows that have a published version (only those on `form_key` if given)."""
    query = select(flows).where(flows.c.app_id == app_id, flows.c.enabled.is_(True),
                                flows.c.published_version.is_not(None))
    if form_key is not None:
        query = query.where(flows.c.form_key == form_key)
    return [dict(row) for row in (await conn.execute(query.order_by(flows.c.id))).mappings()]


async def calendar(conn: AsyncConnection, key: str | None) -> WorkCalendar:
    """The working calendar named `key`; the default one when no key is given or none has it."""
    if key is None:
        return DEFAULT_CALENDAR
    definition = (await conn.execute(
        select(work_calendars.c.definition).where(work_calendars.c.key == key)
    )).scalar_one_or_none()
    return DEFAULT_CALENDAR if definition is None else WorkCalendar.from_json(definition)
