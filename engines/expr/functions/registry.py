"""The registry every formula function is listed in, keyed by its upper-case name."""

from __future__ import annotations

from core.registry import Registry
from engines.expr.functions.base import Function

FUNCTIONS: Registry[Function] = Registry("formula functions")
