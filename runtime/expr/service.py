"""The schema a formula is checked against when the editor names a form instead of listing fields."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from core.errors import NotFound
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
