"""The type checker: untyped tree + field schema → typed tree, or an error naming the position.

It decides everything the back ends rely on: each node's type, which subform's rows a list
runs over (`rows`), and whether a node depends on the record at all (`const`).
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from typing import Any

from engines.expr import nodes as n
from engines.expr import types as t
from engines.expr.errors import ExprError, ExprTypeError, Position
from engines.expr.types import ExprType, Kind, Schema

_ARITHMETIC = ("+", "-", "*", "/", "%", "^")
_ORDERING = ("<", "<=", ">", ">=")
_VARIABLES = {"now": t.DATETIME, "today": t.DATE}


class Checker:
    def __init__(self, text: str, schema: Schema) -> None:
        self.text = text
        self.schema = schema

    def error(self, cls: type[ExprError], code: str, node: n.Node, **params: Any) -> ExprError:
        return cls.of(code, Position.at(self.text, node.start, node.end), **params)

    def merge_rows(self, a: tuple[str, ...] | None, b: tuple[str, ...] | None, node: n.Node) -> tuple[str, ...] | None:
        if a is None or b is None or a == b:
            return a or b
        raise self.error(ExprTypeError, "mixed_rows", node, left=".".join(a), right=".".join(b))

    def check(self, node: n.Node) -> n.Node:
        method = getattr(self, "_" + type(node).__name__.lower())
        return method(node)

    # -- leaves ------------------------------------------------------------------------------------
    def _number(self, node: n.Number) -> n.Node:
        return replace(node, type=t.NUMBER, const=True)

    def _text(self, node: n.Text) -> n.Node:
        return replace(node, type=t.TEXT, const=True)

    def _bool(self, node: n.Bool) -> n.Node:
        return replace(node, type=t.BOOL, const=True)

    def _null(self, node: n.Null) -> n.Node:
        return replace(node, type=t.NULL, const=True)

    def _var(self, node: n.Var) -> n.Node:
        if node.name == "record":
            if not node.path:
                raise self.error(ExprTypeError, "record_needs_field", node)
            return self._ref(n.Ref(path=node.path, start=node.start, end=node.end), system=True)
        if node.name == "user":
            if not node.path:
                return replace(node, type=t.USER, const=True)
            member = t.USER_FIELDS.get(node.path[0].lower())
            if member is None or len(node.path) > 1:
                bad = node.path[0] if member is None else node.path[1]
                raise self.error(ExprTypeError, "unknown_member", node, owner="$user", name=bad)
            return replace(node, path=(node.path[0].lower(),), type=member, const=True)
        if node.name in _VARIABLES and not node.path:
            return replace(node, type=_VARIABLES[node.name], const=True)
        raise self.error(ExprTypeError, "unknown_variable", node, name=node.name)

    def _ref(self, node: n.Ref, system: bool = False) -> n.Node:
        if not system and self.schema.over_rows and self.schema.get(node.path[0]) is None:
            # A column of the implicit rows (a report group's): `amount` is `$rows.amount`.
            return self._ref(replace(node, path=(t.ROWS, *node.path)))
        schema: Schema | None = self.schema
        hops: list[Kind] = []
        rows: tuple[str, ...] | None = None
        field_type: ExprType | None = None
        for i, key in enumerate(node.path):
            if schema is None or field_type is not None and field_type.kind not in (Kind.RECORD, Kind.RECORDS):
                raise self.error(ExprTypeError, "not_a_record", node, name=_shown(node.path[:i]))
            field_type = schema.system_field(key) if system and i == 0 else schema.get(key)
            if field_type is None:
                known = schema.keys() + (schema.system_keys() if system and i == 0 else [])
                raise self.unknown(node, _shown(node.path[: i + 1]), key, known, "unknown_field")
            hops.append(field_type.kind)
            if field_type.kind is Kind.RECORDS:
                if rows is not None:
                    raise self.error(ExprTypeError, "nested_list", node, name=_shown(node.path[: i + 1]))
                rows = node.path[: i + 1]
            elif field_type.kind is Kind.LIST and rows is not None:
                raise self.error(ExprTypeError, "nested_list", node, name=_shown(node.path[: i + 1]))
            schema = field_type.schema
        assert field_type is not None
        result = field_type
        if rows is not None and field_type.kind is not Kind.RECORDS:
            # A column read through a subform: one value per row.
            result = t.records(field_type.schema) if field_type.kind is Kind.RECORD else t.list_of(field_type)
        return replace(node, type=result, rows=rows, hops=tuple(hops), const=False)

    def unknown(self, node: n.Node, name: str, key: str, known: list[str], code: str) -> ExprError:
        close = difflib.get_close_matches(key, known, n=1)
        hint = f" Did you mean {close[0]}?" if close else ""
        hint_zh = f"是否要写 {close[0]}？" if close else ""
        return self.error(ExprTypeError, code, node, name=name, hint=hint, hint_zh=hint_zh)

    # -- operators ---------------------------------------------------------------------------------
    def _unary(self, node: n.Unary) -> n.Node:
        operand = self.check(node.operand)
        want = t.BOOL if node.op == "NOT" else t.NUMBER
        element = self.scalar_of(operand)
        if element.kind not in (want.kind, Kind.NULL):
            raise self.error(ExprTypeError, "operand_type", node, op=node.op, expected=str(want), got=str(operand.type))
        return replace(node, operand=operand, type=self.lift(want, operand.rows), rows=operand.rows, const=operand.const)

    def _binary(self, node: n.Binary) -> n.Node:
        left, right = self.check(node.left), self.check(node.right)
        rows = self.merge_rows(left.rows, right.rows, node)
        lt, rt = self.scalar_of(left), self.scalar_of(right)
        result, operand = self.binary_type(node, lt, rt)
        return replace(
            node, left=left, right=right, type=self.lift(result, rows), rows=rows,
            const=left.const and right.const, operand_type=operand,
        )

    def binary_type(self, node: n.Binary, lt: ExprType, rt: ExprType) -> tuple[ExprType, ExprType]:
        op, kinds = node.op, (lt.kind, rt.kind)
        bad = self.error(ExprTypeError, "operand_types", node, op=op, left=str(lt), right=str(rt))
        if op in ("AND", "OR"):
            if all(k in (Kind.BOOL, Kind.NULL) for k in kinds):
                return t.BOOL, t.BOOL
            raise bad
        if op == "&":
            return t.TEXT, t.TEXT
        if op in _ARITHMETIC:
            numeric = [k in (Kind.NUMBER, Kind.NULL) for k in kinds]
            if all(numeric):
                return t.NUMBER, t.NUMBER
            temporal = [k in (Kind.DATE, Kind.DATETIME) for k in kinds]
            if op in ("+", "-") and temporal[0] and numeric[1]:
                return lt, lt  # date ± days
            if op == "+" and numeric[0] and temporal[1]:
                return rt, rt
            if op == "-" and temporal[0] and (temporal[1] or rt.kind is Kind.NULL):
                common = t.unify(lt, rt) or lt
                return t.NUMBER, common  # days between
            raise bad
        common = t.unify(lt, rt)
        if common is None or not common.is_scalar:
            raise bad
        if op in _ORDERING and common.kind not in t.ORDERED_KINDS and common.kind is not Kind.NULL:
            raise bad
        return t.BOOL, common

    def _in(self, node: n.In) -> n.Node:
        value = self.check(node.value)
        vt = self.scalar_of(value)
        rows = value.rows
        const = value.const
        if node.items is not None:
            items = tuple(self.check(item) for item in node.items)
            for item in items:
                common = t.unify(vt, item.type) if item.type and item.type.is_scalar else None
                if common is None:
                    raise self.error(ExprTypeError, "operand_types", item, op="IN", left=str(vt), right=str(item.type))
                vt = common
                rows = self.merge_rows(rows, item.rows, item)
                const = const and item.const
            return replace(node, value=value, items=items, type=self.lift(t.BOOL, rows), rows=rows, const=const)
        assert node.container is not None
        container = self.check(node.container)
        ct = container.type
        assert ct is not None
        if ct.kind is not Kind.LIST or t.unify(vt, ct.element) is None:
            raise self.error(ExprTypeError, "operand_types", node, op="IN", left=str(vt), right=str(ct))
        if container.rows is not None and container.rows == value.rows:
            raise self.error(ExprTypeError, "mixed_rows", node, left=".".join(value.rows), right=".".join(value.rows))
        return replace(
            node, value=value, container=container, type=self.lift(t.BOOL, rows), rows=rows,
            const=const and container.const,
        )

    def _call(self, node: n.Call) -> n.Node:
        from engines.expr.functions import FUNCTIONS

        if node.name not in FUNCTIONS:
            names = FUNCTIONS.keys()
            raise self.unknown(n.Null(start=node.start, end=node.name_end), node.name, node.name, names, "unknown_function")
        fn = FUNCTIONS.get(node.name)
        args = [self.check(arg) for arg in node.args]
        result, rows, info = fn.check(self, node, args)
        const = all(arg.const for arg in args)
        return replace(node, args=tuple(args), fn=fn, info=info, type=self.lift(result, rows), rows=rows, const=const)

    # -- helpers -----------------------------------------------------------------------------------
    def scalar_of(self, node: n.Node) -> ExprType:
        """The per-row type of a row-wise list; plain lists are refused where a scalar is needed."""
        assert node.type is not None
        if node.type.is_list:
            if node.rows is None:
                raise self.error(ExprTypeError, "list_not_allowed", node)
            return node.type.element
        return node.type

    @staticmethod
    def lift(result: ExprType, rows: tuple[str, ...] | None) -> ExprType:
        if rows is None or result.is_list:
            return result
        if result.kind is Kind.RECORD:
            return t.records(result.schema or Schema())
        return t.list_of(result)


def _shown(path: tuple[str, ...]) -> str:
    """A path as the formula wrote it (without the implicit `$rows`)."""
    return ".".join(key for key in path if key != t.ROWS)


def check(node: n.Node, text: str, schema: Schema) -> n.Node:
    return Checker(text, schema).check(node)
