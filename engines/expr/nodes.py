"""The formula syntax tree. The parser builds it untyped; the checker returns a typed copy in
which every node knows its type, its row source and whether it depends on the record."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterator

from engines.expr.types import ExprType, Kind

if TYPE_CHECKING:
    from engines.expr.functions.base import Function


@dataclass(frozen=True, kw_only=True, eq=False)
class Node:
    start: int
    end: int
    # Filled in by the checker.
    type: ExprType | None = None
    # For list-valued nodes computed row by row: the path of the subform / to-many link whose rows
    # they run over (`("items",)` for `items.qty * items.price`). None for scalars and plain lists.
    rows: tuple[str, ...] | None = None
    # True when the value does not depend on the record (only literals, context and pure functions),
    # so the SQL compiler may compute it once in Python and bind the result.
    const: bool = False

    def children(self) -> tuple[Node, ...]:
        return ()


@dataclass(frozen=True, eq=False)
class Number(Node):
    value: Decimal


@dataclass(frozen=True, eq=False)
class Text(Node):
    value: str


@dataclass(frozen=True, eq=False)
class Bool(Node):
    value: bool


@dataclass(frozen=True, eq=False)
class Null(Node):
    pass


@dataclass(frozen=True, eq=False)
class Ref(Node):
    """A field path: `amount`, `customer.industry`, `items.subtotal`, or `$record.created_at`."""

    path: tuple[str, ...]
    # Kind of each hop, filled by the checker: RECORD (link-to-one), RECORDS (to-many) or a leaf kind.
    hops: tuple[Kind, ...] = ()


@dataclass(frozen=True, eq=False)
class Var(Node):
    """A context variable: `$user`, `$user.dept`, `$now`, `$today`."""

    name: str
    path: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Unary(Node):
    op: str  # "-", "+", "NOT"
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True, eq=False)
class Binary(Node):
    op: str  # + - * / % ^ & = <> < <= > >= AND OR
    left: Node
    right: Node
    # Filled by the checker: the operand type the operator works on (after date/datetime promotion).
    operand_type: ExprType | None = None

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, eq=False)
class In(Node):
    """`x IN (a, b, c)` (items given) or `x IN some_list` (container given)."""

    value: Node
    items: tuple[Node, ...] | None
    container: Node | None
    negated: bool = False

    def children(self) -> tuple[Node, ...]:
        rest = self.items if self.items is not None else (self.container,) if self.container else ()
        return (self.value, *rest)


@dataclass(frozen=True, eq=False)
class Call(Node):
    name: str
    args: tuple[Node, ...]
    name_end: int = 0
    fn: Function | None = field(default=None, compare=False)
    # Per-call facts a function's type rule decided (e.g. the unit literal of DATEADD).
    info: Any = None

    def children(self) -> tuple[Node, ...]:
        return self.args


def walk(node: Node) -> Iterator[Node]:
    """Every node, parents first, without recursion (trees may be deep)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children()))


def depth(node: Node) -> int:
    best, stack = 0, [(node, 1)]
    while stack:
        current, level = stack.pop()
        best = max(best, level)
        stack.extend((child, level + 1) for child in current.children())
    return best
