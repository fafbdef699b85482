"""The one expression language of Qiqiao: parse → check → evaluate in Python or compile to SQL.

    formula = check('IF(amount > 500000, "A", "B")', schema)
    formula.evaluate(record, Context(now=clock.now(), user=...))
    select(table).where(formula.to_sql(resolver, context, "postgresql"))
"""

from __future__ import annotations

from typing import Any

from engines.expr.context import Context, Directory, LinkLoader, UserInfo
from engines.expr.deps import Dependencies, dependencies, evaluation_order, find_cycles
from engines.expr.errors import ExprError, ExprLimitError, ExprSyntaxError, ExprTypeError, NoSqlForm, Position
from engines.expr.formula import Formula, check, evaluate, to_sql
from engines.expr.limits import DEFAULT_LIMITS, Limits
from engines.expr.parser import parse
from engines.expr.sql.resolver import (
    Children,
    Junction,
    JunctionValues,
    LinkOne,
    ListSource,
    Related,
    SqlResolver,
    TableResolver,
)
from engines.expr.types import (
    BOOL,
    DATE,
    DATETIME,
    DEPT,
    NUMBER,
    TEXT,
    TYPE_NAMES,
    USER,
    ExprType,
    Kind,
    Schema,
    list_of,
    parse_type,
    record,
    records,
)


def catalogue() -> list[dict[str, Any]]:
    """Every function with signature, bilingual description and examples, for the formula editor."""
    from engines.expr.functions import FAMILIES, FUNCTIONS

    order = {family: i for i, family in enumerate(FAMILIES)}
    return [fn.describe() for fn in sorted(FUNCTIONS, key=lambda f: (order.get(f.family, 99), f.name))]


__all__ = [
    "BOOL", "DATE", "DATETIME", "DEFAULT_LIMITS", "DEPT", "NUMBER", "TEXT", "TYPE_NAMES", "USER",
    "Children", "Context", "Dependencies", "Directory", "ExprError", "ExprLimitError", "ExprSyntaxError",
    "ExprType", "ExprTypeError", "Formula", "Junction", "JunctionValues", "Kind", "Limits", "LinkLoader", "LinkOne",
    "ListSource", "NoSqlForm", "Position", "Related", "Schema", "SqlResolver", "TableResolver", "UserInfo",
    "catalogue", "check", "dependencies", "evaluate", "evaluation_order", "find_cycles", "list_of", "parse",
    "parse_type", "record", "records", "to_sql",
]
