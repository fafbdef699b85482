"""Drafts are saved as often as the designer likes; publishing compiles the draft, plans the
schema change against the live version, and applies both in one transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from builder.apps.service import get_app, require_designer
from core.clock import Clock
from core.errors import AppError, Conflict, Invalid, NotFound
from engines.form.compiled import CompileContext, CompiledForm, DefinitionError, compile_form, identifier
from engines.form.definition import FormDef
from engines.form.types import FIELD_TYPES
from engines.form.plan import ChangeType, PlanError, RetireField, RestoreField, plan, summary
from runtime.audit import service as audit
from runtime.context import Actor
from runtime.forms import schema
from runtime.forms.loader import compiled_version, form_row, published_definitions
from runtime.tables import apps, form_versions, forms


def _shape(raw: dict[str, Any]) -> FormDef:
    try:
        draft = FormDef.model_validate(raw)
    except ValidationError as exc:
        raise Invalid(
            "The form definition is not valid.",
            [{"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()],
        ) from None
    for field in [*draft.fields, *(c for f in draft.fields for c in f.fields or [])]:
        _store_parsed_options(field)
    return draft


def _store_parsed_options(field: Any) -> None:
    """Keep what the field type made of its options (e.g. sanitized HTML), never the raw input;
    options that do not parse are kept as given so the designer can show and fix them."""
    if field.type not in FIELD_TYPES:
        return
    try:
        parsed = FIELD_TYPES.get(field.type).parse_options(field.options)
    except ValidationError:
        return
    field.options = parsed.model_dump(mode="json", by_alias=True, exclude_none=True)


async def _compile_draft(conn: AsyncConnection, app: dict[str, Any], draft: FormDef, version: int) -> CompiledForm:
    context = CompileContext(app["key"], await published_definitions(conn, app["id"]))
    context.forms[draft.key] = draft
    return compile_form(app["key"], draft, context, version=version)


async def draft_problems(conn: AsyncConnection, app: dict[str, Any], draft: FormDef) -> list[dict[str, str]]:
    try:
        await _compile_draft(conn, app, draft, 0)
    except DefinitionError as exc:
        return exc.errors
    return []


def form_out(row: dict[str, Any], published: dict[str, Any] | None = None, problems: list | None = None) -> dict[str, Any]:
    return {
        "key": row["key"],
        "draft": row["draft"],
        "draft_revision": row["draft_revision"],
        "published_version": row["published_version"],
        "published": published,
        "retired_fields": row["retired_fields"],
        "problems": problems or [],
    }


async def create_form(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, raw: dict[str, Any]) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    draft = _shape(raw)
    exists = (await conn.execute(select(forms.c.id).where(forms.c.app_id == app["id"], forms.c.key == draft.key))).first()
    if exists:
        raise Conflict("A form with that key exists in this app.", code="form_key_taken",
                       errors=[{"path": "definition.key", "message": "Already in use."}])
    now = clock.now()
    stored = draft.model_dump(mode="json", by_alias=True, exclude_none=True)
    await conn.execute(
        insert(forms).values(app_id=app["id"], key=draft.key, draft=stored, draft_revision=1, retired_fields={},
                             created_at=now, updated_at=now)
    )
    audit.record(conn, actor, "form.create", target_type="form", target_id=f"{app_key}.{draft.key}")
    row = await form_row(conn, app["id"], draft.key)
    return form_out(row, problems=await draft_problems(conn, app, draft))


async def list_forms(conn: AsyncConnection, actor: Actor, app_key: str) -> list[dict[str, Any]]:
    app = await get_app(conn, actor, app_key)
    rows = (await conn.execute(select(forms).where(forms.c.app_id == app["id"]).order_by(forms.c.id))).mappings()
    return [
        {"key": r["key"], "label": r["draft"].get("label"), "published_version": r["published_version"],
         "draft_revision": r["draft_revision"]}
        for r in rows
    ]


async def get_form(conn: AsyncConnection, actor: Actor, app_key: str, form_key: str) -> dict[str, Any]:
    app = await get_app(conn, actor, app_key)
    row = await form_row(conn, app["id"], form_key)
    published = None
    if row["published_version"] is not None:
        published = (
            await conn.execute(
                select(form_versions.c.definition).where(
                    form_versions.c.form_id == row["id"], form_versions.c.version == row["published_version"]
                )
            )
        ).scalar_one()
    problems = await draft_problems(conn, app, FormDef.model_validate(row["draft"])) if app["can_design"] else []
    return form_out(row, published, problems)


async def save_draft(
    conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, form_key: str, raw: dict[str, Any], revision: int | None
) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    row = await form_row(conn, app["id"], form_key, lock=True)
    if revision is not None and revision != row["draft_revision"]:
        raise Conflict("Someone saved this form since you opened it; reload to see their changes.", code="stale_draft")
    draft = _shape(raw)
    if draft.key != form_key:
        raise Invalid("A form's key cannot change.", [{"path": "definition.key", "message": f"must stay '{form_key}'"}])
    stored = draft.model_dump(mode="json", by_alias=True, exclude_none=True)
    await conn.execute(
        update(forms).where(forms.c.id == row["id"]).values(
            draft=stored, draft_revision=row["draft_revision"] + 1, updated_at=clock.now()
        )
    )
    row = await form_row(conn, app["id"], form_key)
    return form_out(row, problems=await draft_problems(conn, app, draft))


async def _planned(conn: AsyncConnection, app: dict[str, Any], row: dict[str, Any]):
    draft = FormDef.model_validate(row["draft"])
    version = (row["published_version"] or 0) + 1
    try:
        new = await _compile_draft(conn, app, draft, version)
    except DefinitionError as exc:
        raise Invalid("The form cannot be published yet.", exc.errors, code="invalid_definition") from None
    old = await compiled_version(conn, app, row, row["published_version"]) if row["published_version"] else None
    retired = (row["retired_fields"] or {}).get("retired", {})
    retired_forms = {
        key: await compiled_version(conn, app, row, last_version)
        for key, last_version in retired.items() if key in new.specs
    }
    try:
        ops = plan(old, new, retired, retired_forms)
    except PlanError as exc:
        raise Invalid("The change cannot be published.", exc.errors, code="invalid_change") from None
    return new, old, ops


async def preview_publish(conn: AsyncConnection, actor: Actor, app_key: str, form_key: str) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    row = await form_row(conn, app["id"], form_key)
    new, _, ops = await _planned(conn, app, row)
    report = await schema.dry_run(conn, ops) if row["published_version"] else {"unconvertible": [], "unconvertible_count": 0}
    return {"version": new.version, "changes": summary(ops), **report}


async def publish(
    conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, form_key: str, on_unconvertible: str
) -> dict[str, Any]:
    app = await require_designer(conn, actor, app_key)
    row = await form_row(conn, app["id"], form_key, lock=True)
    new, old, ops = await _planned(conn, app, row)
    if old is not None and any(isinstance(op, ChangeType) for op in ops) and on_unconvertible == "abort":
        report = await schema.dry_run(conn, ops)
        if report["unconvertible_count"]:
            raise AppError(
                "unconvertible_values", 409,
                f"{report['unconvertible_count']} stored value(s) would not convert; publish with "
                "on_unconvertible='keep' to keep them in a preserved column, or fix them first.",
                errors=[{"path": f"records.{u['record_id']}.{u['field']}", "message": u["message"], **u}
                        for u in report["unconvertible"]],
                title="Values would not convert",
            )
    kept = await schema.apply(conn, ops)
    retired_state = _next_retired(row["retired_fields"] or {}, ops, row["published_version"])
    now = clock.now()
    definition = new.definition.model_dump(mode="json", by_alias=True, exclude_none=True)
    await conn.execute(
        insert(form_versions).values(
            form_id=row["id"], version=new.version, definition=definition, table_name=new.table_name,
            changes=summary(ops), published_by=actor.id, published_at=now,
        )
    )
    await conn.execute(
        update(forms).where(forms.c.id == row["id"]).values(
            published_version=new.version, retired_fields=retired_state, updated_at=now
        )
    )
    await touch_app(conn, app["id"], now)
    audit.record(conn, actor, "form.publish", target_type="form", target_id=f"{app_key}.{form_key}",
                 after={"version": new.version, "changes": summary(ops), "kept_unconvertible": len(kept)})
    return {"version": new.version, "changes": summary(ops), "kept_unconvertible": kept[:200],
            "kept_unconvertible_count": len(kept)}


async def touch_app(conn: AsyncConnection, app_id: int, now: Any) -> None:
    """Every process caches an app's forms against `apps.updated_at`; moving it invalidates them."""
    current = (await conn.execute(select(apps.c.updated_at).where(apps.c.id == app_id))).scalar_one()
    if current is not None and current >= now:
        now = current + timedelta(microseconds=1)
    await conn.execute(update(apps).where(apps.c.id == app_id).values(updated_at=now))


def _next_retired(state: dict[str, Any], ops: list, live_version: int | None) -> dict[str, Any]:
    retired = dict(state.get("retired", {}))
    preserved = list(state.get("preserved", []))
    for op in ops:
        if isinstance(op, RetireField):
            retired[op.field] = live_version
        elif isinstance(op, RestoreField):
            retired.pop(op.field, None)
        elif isinstance(op, ChangeType):
            preserved.append({"column": op.preserved, "field": op.new.key, "type": op.old.type.type, "version": live_version})
    return {"retired": retired, "preserved": preserved}


async def list_versions(conn: AsyncConnection, actor: Actor, app_key: str, form_key: str) -> list[dict[str, Any]]:
    app = await get_app(conn, actor, app_key)
    row = await form_row(conn, app["id"], form_key)
    rows = await conn.execute(
        select(form_versions.c.version, form_versions.c.changes, form_versions.c.published_at, form_versions.c.published_by)
        .where(form_versions.c.form_id == row["id"]).order_by(form_versions.c.version.desc())
    )
    return [dict(r) for r in rows.mappings()]


async def purge_field(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, form_key: str, target: str) -> None:
    """Drop the data of a retired field or a preserved column: the one deliberate loss of data."""
    app = await require_designer(conn, actor, app_key)
    row = await form_row(conn, app["id"], form_key, lock=True)
    state = row["retired_fields"] or {}
    retired = dict(state.get("retired", {}))
    preserved = list(state.get("preserved", []))
    table = identifier(f"app_{app['key']}", form_key)
    quote = conn.dialect.identifier_preparer.quote
    if target in retired:
        old = await compiled_version(conn, app, row, retired.pop(target))
        spec = old.specs[target]
        for column in spec.type.columns(spec, old.refs):
            await conn.execute(text(f"ALTER TABLE {quote(table)} DROP COLUMN {quote(column.name)}"))
        for sub in (old.junctions.get(target), old.children.get(target)):
            sub_table = getattr(sub, "table", sub)
            if sub_table is not None:
                await conn.execute(text(f"DROP TABLE IF EXISTS {quote(sub_table.name)}"))
    elif any(p["column"] == target for p in preserved):
        preserved = [p for p in preserved if p["column"] != target]
        await conn.execute(text(f"ALTER TABLE {quote(table)} DROP COLUMN {quote(target)}"))
    else:
        raise NotFound("retired field", f"'{target}' is neither a retired field nor a preserved column.")
    await conn.execute(
        update(forms).where(forms.c.id == row["id"]).values(
            retired_fields={"retired": retired, "preserved": preserved}, updated_at=clock.now()
        )
    )
    await touch_app(conn, app["id"], clock.now())
    audit.record(conn, actor, "form.purge_field", target_type="form", target_id=f"{app_key}.{form_key}",
                 after={"purged": target})
