"""/api/expr/functions lists every formula function; /api/expr/check type-checks a formula
against the fields the editor knows, answering with the type or errors that point at a position."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter

from core.errors import Invalid
from engines.expr import TYPE_NAMES, ExprError, Schema, catalogue, check
from engines.expr.functions import FAMILIES
from runtime.expr.schemas import CheckIn, CheckOut, Dependencies, FunctionCatalogue
from runtime.expr.service import form_schema
from runtime.identity.deps import Conn, CurrentUser

router = APIRouter(prefix="/api/expr", tags=["expr"])


@lru_cache(maxsize=1)
def _catalogue() -> FunctionCatalogue:
    return FunctionCatalogue(items=catalogue(), families=list(FAMILIES), types=list(TYPE_NAMES))


@router.get("/functions")
async def functions(user: CurrentUser) -> FunctionCatalogue:
    return _catalogue()


@router.post("/check")
async def check_formula(body: CheckIn, user: CurrentUser, conn: Conn) -> CheckOut:
    if body.form and body.fields:
        raise Invalid("Give either fields or a form, not both.", [{"path": "form", "message": "Not with fields."}])
    schema = await form_schema(conn, user, body.form) if body.form else Schema.from_json([s.as_json() for s in body.fields])
    try:
        formula = check(body.formula, schema, expect=body.expect)
    except ExprError as err:
        message = err.message(user.locale)
        position = err.position.as_dict() if err.position else None
        raise Invalid(
            message,
            [{"path": "formula", "message": message, "position": position, "code": err.code,
              "message_en": err.message_en, "message_zh": err.message_zh}],
            code="invalid_formula",
        ) from None
    deps = formula.dependencies
    return CheckOut(
        type=str(formula.type),
        dependencies=Dependencies(
            fields=sorted(".".join(path) for path in deps.fields), context=sorted(deps.context), volatile=deps.volatile
        ),
    )
