"""The schema a formula is checked against when the editor names a form instead of listing fields."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.errors import Invalid, NotFound
from engines.expr import Schema
from engines.form.compiled import CompileContext, DefinitionError, compile_form
from engines.form.computed import form_schema as schema_of
from engines.form.definition import FormDef
from runtime.context import Principal
from runtime.forms.loader import app_by_key, form_row, load_form, published_definitions
from runtime.permissions import authorize
from runtime.permissions.gate import is_app_admin


async def form_schema(conn: AsyncConnection, principal: Principal, qualified: str) -> Schema:
    """A form's fields as formulas see them: the draft for the app's designers (what they are
    editing), the published version for everyone who may view the form."""
    app_key, form_key = qualified.split(".", 1)
    app = await app_by_key(conn, app_key)
    if await is_app_admin(conn, principal, app):
        row = await form_row(conn, app["id"], form_key)
        context = CompileContext(app_key, await published_definitions(conn, app["id"]))
        try:
            draft = FormDef.model_validate(row["draft"])
            context.forms[draft.key] = draft
            return schema_of(compile_form(app_key, draft, context).specs)
        except (DefinitionError, ValueError):
            if row["published_version"] is None:
                raise NotFound("form", "The form's draft has errors and it was never published.") from None
    loaded = await load_form(conn, app_key, form_key)
    scope = await authorize(conn, principal, "view", loaded.app, form_key, form=loaded.compiled)
    specs = loaded.compiled.specs
    return schema_of(specs if scope.readable is None else {k: s for k, s in specs.items() if k in scope.readable})


# Rules, visibility and defaults do not change what fields a formula sees; the one being edited
# may be half typed, so they are left out of the draft a formula is checked against.
_FORMULA_MEMBERS = ("rules", "visible_when", "default")
MAX_DROPS = 50


async def draft_schema(conn: AsyncConnection, principal: Principal, app_key: str, raw: dict[str, Any]) -> Schema:
    """The fields of a draft the designer has not saved yet, as formulas see them. Fields whose
    own settings do not compile yet are left out, so the rest can be checked meanwhile."""
    app = await app_by_key(conn, app_key)
    if not await is_app_admin(conn, principal, app):
        raise NotFound("app")
    fields, seen = [], set()
    for f in raw.get("fields", []):
        # a key typed twice (mid-rename) keeps its first field
        if isinstance(f, dict) and f.get("key") not in seen:
            seen.add(f.get("key"))
            fields.append({k: v for k, v in f.items() if k not in _FORMULA_MEMBERS})
    definition = {**raw, "fields": fields}
    context = CompileContext(app_key, await published_definitions(conn, app["id"]))
    for _ in range(MAX_DROPS):
        try:
            draft = FormDef.model_validate(definition)
            context.forms[draft.key] = draft
            return schema_of(compile_form(app_key, draft, context).specs)
        except ValidationError as exc:
            paths = [[str(p) for p in e["loc"]] for e in exc.errors()]
        except DefinitionError as exc:
            paths = [e["path"].split(".") for e in exc.errors]
        bad = {int(p[1]) for p in paths if len(p) > 1 and p[0] == "fields" and p[1].isdigit()}
        if bad:
            definition = {**definition, "fields": [f for i, f in enumerate(definition["fields"]) if i not in bad]}
        elif (definition.get("settings") or {}).get("title_field") is not None:
            definition = {**definition, "settings": {**definition["settings"], "title_field": None}}
        else:
            break
    raise Invalid("The draft's fields cannot be read yet.",
                  [{"path": "draft", "message": "Fix the form's fields first."}],
                  detail_zh="草稿的字段还有错误，请先修正字段。")
