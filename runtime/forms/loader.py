"""Finding an app and one of its forms, compiled at its published version.

Compiled versions are immutable, so they are cached per (form id, version); the version itself
is read from the database on every call, so a publish by another process is seen at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.errors import NotFound
from engines.form.compiled import CompileContext, CompiledForm, compile_form
from engines.form.definition import FormDef
from runtime.tables import apps, form_versions, forms

_CACHE: dict[tuple[str, int, int], CompiledForm] = {}
_CACHE_LIMIT = 2000


@dataclass(frozen=True)
class LoadedForm:
    app: dict[str, Any]
    form: dict[str, Any]
    compiled: CompiledForm

    @property
    def form_id(self) -> int:
        return self.form["id"]


async def app_by_key(conn: AsyncConnection, app_key: str) -> dict[str, Any]:
    row = (
        await conn.execute(select(apps).where(apps.c.key == app_key, apps.c.deleted_at.is_(None)))
    ).mappings().first()
    if row is None:
        raise NotFound("app")
    return dict(row)


async def form_row(conn: AsyncConnection, app_id: int, form_key: str, lock: bool = False) -> dict[str, Any]:
    query = select(forms).where(forms.c.app_id == app_id, forms.c.key == form_key)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = (await conn.execute(query)).mappings().first()
    if row is None:
        raise NotFound("form")
    return dict(row)


async def published_definitions(conn: AsyncConnection, app_id: int) -> dict[str, FormDef]:
    """The live definition of every published form of the app (for links between forms)."""
    query = (
        select(forms.c.key, form_versions.c.definition)
        .join(form_versions, (form_versions.c.form_id == forms.c.id) & (form_versions.c.version == forms.c.published_version))
        .where(forms.c.app_id == app_id)
    )
    return {key: FormDef.model_validate(definition) for key, definition in await conn.execute(query)}


async def compiled_version(conn: AsyncConnection, app: dict[str, Any], form: dict[str, Any], version: int) -> CompiledForm:
    cache_key = (str(conn.engine.url), form["id"], version)  # ids repeat across databases
    cached = _CACHE.get(cache_key)
    if cached is not None:
        return cached
    definition = (
        await conn.execute(
            select(form_versions.c.definition).where(form_versions.c.form_id == form["id"], form_versions.c.version == version)
        )
    ).scalar_one()
    context = CompileContext(app["key"], await published_definitions(conn, app["id"]))
    context.forms.setdefault(form["key"], FormDef.model_validate(definition))
    compiled = compile_form(app["key"], definition, context, version=version)
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[cache_key] = compiled
    return compiled


# Built once (every record request runs them), so SQLAlchemy's compiled cache is hit directly.
_APP_AND_FORM_ID = (
    select(apps, forms.c.id.label("form_id"))
    .outerjoin(forms, (forms.c.app_id == apps.c.id) & (forms.c.key == bindparam("form_key")))
    .where(apps.c.key == bindparam("app_key"), apps.c.deleted_at.is_(None))
)
# A PostgreSQL writer's variant: the same row with a share lock on the form's, in the same trip.
_APP_AND_FORM_FOR_SHARE = (
    select(apps, forms.c.id.label("form_id"), forms.c.published_version.label("locked_version"))
    .join(forms, (forms.c.app_id == apps.c.id) & (forms.c.key == bindparam("form_key")))
    .where(apps.c.key == bindparam("app_key"), apps.c.deleted_at.is_(None))
    .with_for_update(read=True, of=forms)
)


async def load_form(conn: AsyncConnection, app_key: str, form_key: str, *, lock: bool = False) -> LoadedForm:
    """The form at its published version; 404 if it was never published.

    With `lock`, a writer takes a share lock on the form row (PostgreSQL), so a publish running
    at the same moment finishes first and the writer sees the new version.
    """
    keys = {"app_key": app_key, "form_key": form_key}
    locking = lock and conn.dialect.name == "postgresql"
    row = (await conn.execute(_APP_AND_FORM_FOR_SHARE if locking else _APP_AND_FORM_ID, keys)).mappings().first()
    if row is None and locking:  # which one is missing, the app or the form?
        row = (await conn.execute(_APP_AND_FORM_ID, keys)).mappings().first()
    if row is None:
        raise NotFound("app")
    app = {c.name: row[c.name] for c in apps.c}
    if row["form_id"] is None:
        raise NotFound("form")
    form = await _cached_form_row(conn, row["form_id"], app["updated_at"])
    if locking:
        form["published_version"] = row["locked_version"]
    if form["published_version"] is None:
        raise NotFound("form", "The form has not been published yet.")
    return LoadedForm(app, form, await compiled_version(conn, app, form, form["published_version"]))


_APP_FORMS: dict[tuple[str, int], tuple[Any, dict[str, CompiledForm]]] = {}
_FORM_ROWS: dict[tuple[str, int], tuple[Any, dict[str, Any]]] = {}


async def _cached_form_row(conn: AsyncConnection, form_id: int, app_stamp: Any) -> dict[str, Any]:
    """A form's row; publishing touches the app's `updated_at`, which invalidates this."""
    key = (str(conn.engine.url), form_id)
    cached = _FORM_ROWS.get(key)
    if cached is not None and cached[0] == app_stamp:
        return dict(cached[1])
    row = dict((await conn.execute(select(forms).where(forms.c.id == form_id))).mappings().one())
    _FORM_ROWS[key] = (app_stamp, row)
    return dict(row)


async def app_forms(conn: AsyncConnection, app: dict[str, Any]) -> dict[str, CompiledForm]:
    """Every published form of the app, compiled; cached until the app changes (a publish)."""
    key = (str(conn.engine.url), app["id"])
    cached = _APP_FORMS.get(key)
    if cached is not None and cached[0] == app["updated_at"]:
        return dict(cached[1])
    rows = (await conn.execute(
        select(forms).where(forms.c.app_id == app["id"], forms.c.published_version.is_not(None))
    )).mappings().all()
    compiled = {row["key"]: await compiled_version(conn, app, dict(row), row["published_version"]) for row in rows}
    _APP_FORMS[key] = (app["updated_at"], compiled)
    return dict(compiled)


async def form_ids(conn: AsyncConnection, app: dict[str, Any]) -> dict[str, int]:
    rows = await conn.execute(select(forms.c.key, forms.c.id).where(forms.c.app_id == app["id"]))
    return {key: form_id for key, form_id in rows}
