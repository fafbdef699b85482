"""Text ⇄ values: TEXT with a format, VALUE, REGEXMATCH, SPLIT and JOIN.

Regular expressions run on RE2 (linear time, no back-references), so no pattern can backtrack
catastrophically; in SQL the pattern must be known when the formula is compiled and is
validated by RE2 first.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

import re2
from sqlalchemy import case, func, null
from sqlalchemy.sql.elements import ColumnElement

from engines.expr import types as t
from engines.expr import values as v
from engines.expr.errors import ExprLimitError, ExprTypeError, Position
from engines.expr.functions.base import Example as E
from engines.expr.functions.base import Function, Param, no_sql
from engines.expr.nodes import Call, Node, Text
from engines.expr.sql.dialects import const

Col = ColumnElement[Any]
_NUMBER_FORMAT = re.compile(r"^(#,##)?0(\.(0+))?(%)?$")
_DATE_TOKENS = re.compile(r"yyyy|yy|MM|dd|HH|mm|ss")
_DATE_PARTS = {"yyyy": ("year", 4), "yy": ("year", 2), "MM": ("month", 2), "dd": ("day", 2), "HH": ("hour", 2),
               "mm": ("minute", 2), "ss": ("second", 2)}
_VALUE_PATTERN = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"
_VALUE_RE = re.compile(_VALUE_PATTERN)
MAX_PATTERN = 1000


def number_format(fmt: str) -> tuple[int, bool, bool] | None:
    """'#,##0.00%' → (decimals, grouped, percent)."""
    found = _NUMBER_FORMAT.match(fmt)
    if not found:
        return None
    return len(found.group(3) or ""), bool(found.group(1)), bool(found.group(4))


def date_format(fmt: str) -> list[str]:
    """Split a date format into tokens (yyyy, MM, dd, HH, mm, ss…) and literal pieces."""
    pieces, last = [], 0
    for token in _DATE_TOKENS.finditer(fmt):
        if token.start() > last:
            pieces.append(fmt[last : token.start()])
        pieces.append(token.group())
        last = token.end()
    if last < len(fmt):
        pieces.append(fmt[last:])
    return pieces


class TextFn(Function):
    type = "TEXT"
    family = "text"
    params = (Param("value", "scalar"), Param("format", "text", optional=True, literal=True))
    returns = "text"
    en = 'A value as text: numbers with "0.00", "#,##0", "0%"; dates with "yyyy-MM-dd HH:mm:ss".'
    zh = '将值格式化为文本：数字可用 "0.00"、"#,##0"、"0%"；日期可用 "yyyy-MM-dd HH:mm:ss"。'
    examples = (
        E('TEXT(amount, "#,##0.00")', "1,200.50"),
        E('TEXT(signed_on, "yyyy年MM月dd日")', "2024年01月31日"),
        E('TEXT(0.256, "0.0%")', "25.6%"),
        E("TEXT(amount)", "1200.5"),
    )

    def check(self, checker: Any, call: Call, args: list[Node]) -> Any:
        result, rows, info = super().check(checker, call, args)
        fmt = (info or {}).get("format")
        if fmt is not None:
            kind = checker.scalar_of(args[0]).kind
            ok = number_format(fmt) is not None if kind is t.Kind.NUMBER else kind in (t.Kind.DATE, t.Kind.DATETIME)
            if not ok:
                raise checker.error(ExprTypeError, "bad_format", args[1], format=fmt, type=str(kind))
        return result, rows, info

    def evaluate(self, ev: Any, call: Call) -> Any:
        value = ev.visit(call.args[0])
        kind = ev.scalar_kind(call.args[0])
        fmt = (call.info or {}).get("format")
        if value is None or fmt is None:
            return v.to_text(value, kind)
        if kind is t.Kind.NUMBER:
            decimals, grouped, percent = number_format(fmt) or (0, False, False)
            x = value * 100 if percent else value
            q = x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=v.DEC)
            q = abs(q) if q == 0 else q
            return (f"{q:,.{decimals}f}" if grouped else f"{q:.{decimals}f}") + ("%" if percent else "")
        out = []
        for piece in date_format(fmt):
            part = _DATE_PARTS.get(piece)
            if part is None:
                out.append(piece)
            else:
                number = getattr(value, part[0], 0) % (100 if piece == "yy" else 10**9)
                out.append(str(number).zfill(part[1]))
        return "".join(out)

    def to_sql(self, sc: Any, call: Call) -> Col:
        value = sc.compile(call.args[0])
        kind = sc.kind_of(call.args[0])
        fmt = (call.info or {}).get("format")
        if fmt is None:
            return sc.text_of(call.args[0], value)
        if kind is t.Kind.NUMBER:
            decimals, grouped, percent = number_format(fmt) or (0, False, False)
            text = sc.d.fixed_text(value * 100 if percent else value, decimals, grouped)
            text = text.concat(const("'%'")) if percent else text
            return case((value.is_(None), null()), else_=text)
        parts = []
        for piece in date_format(fmt):
            part = _DATE_PARTS.get(piece)
            if part is None:
                parts.append(sc.literal(piece, t.TEXT))
                continue
            number = sc.d.part(part[0], value) if kind is t.Kind.DATETIME or part[0] in ("year", "month", "day") else const("0")
            parts.append(sc.d.pad(number % 100 if piece == "yy" else number, part[1]))
        return case((value.is_(None), null()), else_=sc.concat(parts))


class Value(Function):
    type = "VALUE"
    family = "text"
    params = (Param("text", "text"),)
    returns = "number"
    en = 'The number written in a text, such as "12.5"; blank if it is not a plain number.'
    zh = '将文本形式的数字（如 "12.5"）转换为数字；不是纯数字时为空。'
    examples = (E('VALUE(" 12.50 ")', Decimal("12.5")), E('VALUE("12 apples")', None))

    def py(self, text: str) -> Decimal | None:
        text = text.strip(" ")
        return Decimal(text) if _VALUE_RE.match(text) else None

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        text = func.trim(cols[0])
        return case((sc.d.regex(text, const(f"'{_VALUE_PATTERN}'")), sc.d.as_number(text)), else_=null())


@lru_cache(maxsize=256)
def compiled(pattern: str) -> Any:
    options = re2.Options()
    options.log_errors = False
    options.max_mem = 8 << 20
    return re2.compile(pattern, options)


def valid_pattern(pattern: str) -> str | None:
    """None when RE2 accepts the pattern, else the reason."""
    try:
        compiled(pattern)
        return None
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "invalid"
        return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


class RegexMatch(Function):
    type = "REGEXMATCH"
    family = "text"
    params = (Param("text", "text"), Param("pattern", "text"))
    returns = "bool"
    en = "True when a regular expression (RE2 syntax) matches part of the text."
    zh = "正则表达式（RE2 语法）匹配文本的某一部分时为真。"
    examples = (E(r'REGEXMATCH(email, "^[a-z.]+@[a-z]+\.cn$")', True),)
    sql_note = "the pattern must not depend on the record"

    def check(self, checker: Any, call: Call, args: list[Node]) -> Any:
        result = super().check(checker, call, args)
        if isinstance(args[1], Text):
            self.validate(args[1].value, checker.text, args[1])
        return result

    def validate(self, pattern: str, text: str = "", node: Node | None = None) -> None:
        where = Position.at(text, node.start, node.end) if node is not None else None
        if len(pattern) > MAX_PATTERN:
            raise ExprLimitError.of("pattern_too_long", where, limit=MAX_PATTERN)
        reason = valid_pattern(pattern)
        if reason is not None:
            raise ExprTypeError.of("bad_pattern", where, detail=reason)

    def py(self, text: str, pattern: str) -> bool | None:
        if len(pattern) > MAX_PATTERN or valid_pattern(pattern) is not None:
            return None
        return compiled(pattern).search(text) is not None

    def to_sql(self, sc: Any, call: Call) -> Col:
        pattern_node = call.args[1]
        if not pattern_node.const:
            raise no_sql(self.name, self.sql_note or "")
        pattern = sc.constant(pattern_node)
        text = sc.compile(call.args[0])
        if pattern is None:
            return sc.literal(None, t.BOOL)
        if len(pattern) > MAX_PATTERN or valid_pattern(pattern) is not None:
            return sc.literal(None, t.BOOL)
        return sc.d.regex(text, sc.literal(pattern, t.TEXT))


class Split(Function):
    type = "SPLIT"
    family = "text"
    params = (Param("text", "text"), Param("separator", "text"))
    returns = "list<text>"
    sql = False
    sql_note = "a list is not a single SQL value"
    en = "Splits a text at each separator into a list (use with COUNT, JOIN, FIRST, IN)."
    zh = "按分隔符将文本拆分为列表（可配合 COUNT、JOIN、FIRST、IN 使用）。"
    examples = (E('COUNT(SPLIT("a,b,c", ","))', Decimal("3")), E('FIRST(SPLIT(email, "@"))', "li.lei"))

    def py(self, text: str, sep: str) -> list[str]:
        return list(text) if sep == "" else text.split(sep)


class Join(Function):
    type = "JOIN"
    family = "text"
    params = (Param("list", "list"), Param("separator", "text", optional=True))
    returns = "text"
    null_propagates = False
    en = 'Joins the items of a list into one text with a separator (default ", "); blanks are skipped.'
    zh = '用分隔符（默认 ", "）将列表元素连接成一个文本；空值跳过。'
    examples = (E('JOIN(items.product, "/")', "Pen/Ink/Pad"), E("JOIN(tags)", "vip, north"))

    def evaluate(self, ev: Any, call: Call) -> Any:
        sep = ev.visit(call.args[1]) if len(call.args) > 1 else ", "
        if sep is None:
            return None
        kind = ev.scalar_kind(call.args[0])
        items = [v.to_text(x, kind) for x in ev.elements(call.args[0])]
        return ev.clip(sep.join(x for x in items if x is not None))

    def to_sql(self, sc: Any, call: Call) -> Col:
        sep = sc.compile(call.args[1]) if len(call.args) > 1 else sc.literal(", ", t.TEXT)
        value, froms, wheres, order = sc.ordered_source(call.args[0])
        text = sc.text_of(call.args[0], value)
        joined = func.coalesce(sc.d.string_agg(text, sep, order, froms, wheres), const("''"))
        return case((sep.is_(None), null()), else_=joined)


FUNCTIONS = (TextFn, Value, RegexMatch, Split, Join)
