"""Small factories for formula tests."""

from __future__ import annotations

from typing import Any

from engines.expr import Context, check
from engines.expr.functions.examples import EXAMPLE_CONTEXT, EXAMPLE_RECORD, EXAMPLE_SCHEMA


def run(text: str, record: dict[str, Any] | None = None, context: Context = EXAMPLE_CONTEXT) -> Any:
    """Evaluate a formula against the example schema (record defaults to the example record)."""
    return check(text, EXAMPLE_SCHEMA).evaluate(EXAMPLE_RECORD if record is None else record, context)
