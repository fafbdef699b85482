"""Resource bounds, so that no formula text or record data can hang or exhaust the server."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_length: int = 8_000  # characters of formula text
    max_depth: int = 60  # nesting of the syntax tree (calls, parentheses and operator chains)
    max_nodes: int = 2_000  # syntax-tree nodes
    max_steps: int = 1_000_000  # node evaluations per `evaluate` call, rows of subforms included
    max_text: int = 100_000  # characters of any text a function builds (REPT, CONCAT…)
    max_pattern: int = 1_000  # characters of a regular expression
    max_number_digits: int = 40  # digits in a number literal
    max_sql_size: int = 20_000  # elements of the compiled SQL expression (else: evaluate in Python)


DEFAULT_LIMITS = Limits()
