"""The built-in formula functions, registered once at import."""

from __future__ import annotations

from engines.expr.functions import aggregates, datemath, dates, formats, lists, logic, numeric, people, text
from engines.expr.functions.base import Example, Function, Param
from engines.expr.functions.registry import FUNCTIONS

FAMILIES = ("logic", "math", "text", "date", "list", "people")
BUILTIN_FUNCTIONS: tuple[type[Function], ...] = (
    logic.FUNCTIONS
    + numeric.FUNCTIONS
    + aggregates.FUNCTIONS
    + text.FUNCTIONS
    + formats.FUNCTIONS
    + dates.FUNCTIONS
    + datemath.FUNCTIONS
    + lists.FUNCTIONS
    + people.FUNCTIONS
)

for _cls in BUILTIN_FUNCTIONS:
    FUNCTIONS.register(_cls())

__all__ = ["BUILTIN_FUNCTIONS", "FAMILIES", "FUNCTIONS", "Example", "Function", "Param"]
