"""/api/expr/functions lists every formula function; /api/expr/check type-checks a formula
against the fields the editor knows, answering with the type or errors that point at a position;
/api/expr/evaluate evaluates a published form's visibility rules and formulas for values being typed."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter

from core.errors import Invalid
from engines.expr import TYPE_NAMES, ExprError, Schema, catalogue, check
from engines.expr.functions import FAMILIES
from runtime.expr import evaluate
from runtime.expr.schemas import CheckIn, CheckOut, Dependencies, EvaluateIn, EvaluateOut, FunctionCatalogue
from runtime.expr.service import draft_schema, form_schema
from runtime.identity.deps import ClockDep, Conn, CurrentActor, CurrentUser

router = APIRouter(prefix="/api/expr", tags=["expr"])


@lru_cache(maxsize=1)
def _catalogue() -> FunctionCatalogue:
    return FunctionCatalogue(items=catalogue(), families=list(FAMILIES), types=list(TYPE_NAMES))


@router.get("/functions")
async def functions(user: CurrentUser) -> FunctionCatalogue:
    return _catalogue()


@router.post("/check")
async def check_formula(body: CheckIn, user: CurrentUser, conn: Conn) -> CheckOut:
    if sum(bool(x) for x in (body.form, body.fields, body.draft)) > 1:
        raise Invalid("Give fields, a form or a draft, not several.",
                      [{"path": "form", "message": "Only one of fields, form, draft."}],
                      detail_zh="字段列表、表单和草稿只能给一个。")
    if body.draft:
        schema = await draft_schema(conn, user, body.draft.app, body.draft.definition)
    elif body.form:
        schema = await form_schema(conn, user, body.form)
    else:
        schema = Schema.from_json([s.as_json() for s in body.fields])
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


@router.post("/evaluate")
async def evaluate_form(body: EvaluateIn, actor: CurrentActor, conn: Conn, clock: ClockDep) -> EvaluateOut:
    """The published form's visibility rules and formulas for the values given (see runtime/expr/evaluate.py)."""
    return EvaluateOut(**await evaluate.evaluate_form(conn, clock, actor, body.form, body.values))
