"""Text: joining, cutting, searching and replacing. Positions count characters from 1, as in Excel;
a negative count or a start before 1 gives blank."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, null, or_, true
from sqlalchemy.sql.elements import ColumnElement

from engines.expr import values as v
from engines.expr.functions.base import Example as E
from engines.expr.functions.base import Function, Param
from engines.expr.nodes import Call
from engines.expr.sql.dialects import const

Col = ColumnElement[Any]
CLAMP = 1_000_000_000  # counts beyond any text length, kept inside a 32-bit integer for SQL


def count(value: Decimal) -> int:
    return int(max(min(value, Decimal(CLAMP)), Decimal(-CLAMP)))


def count_sql(sc: Any, col: Col, node: Any = None) -> Col:
    """A character count or position as a SQL integer; a literal one is written as it is."""
    known = sc.known(node) if node is not None else None
    if isinstance(known, Decimal):
        return const(str(count(known)))
    return sc.d.as_integer(case((col > CLAMP, CLAMP), (col < -CLAMP, -CLAMP), else_=col))


def never_negative(sc: Any, *nodes: Any) -> bool:
    """True when every given argument is a literal ≥ 0 (then no guard is needed in SQL)."""
    return all(isinstance(v := sc.known(node), Decimal) and v >= 0 for node in nodes)


class Concat(Function):
    type = "CONCAT"
    family = "text"
    params = (Param("value", "scalar"),)
    variadic = True
    returns = "text"
    null_propagates = False
    en = "Joins values into one text; blanks add nothing; numbers and dates as with &."
    zh = "将多个值连接成一个文本；空值忽略；数字和日期的写法与 & 相同。"
    examples = (E('CONCAT(company, " - ", contact)', "Acme Ltd - Li Lei"), E('CONCAT("No.", qty)', "No.3"))

    def evaluate(self, ev: Any, call: Call) -> Any:
        pieces = [v.to_text(ev.visit(arg), ev.scalar_kind(arg)) or "" for arg in call.args]
        return ev.clip("".join(pieces))

    def to_sql(self, sc: Any, call: Call) -> Col:
        return sc.concat([sc.text_of(arg, sc.compile(arg)) for arg in call.args])


class Left(Function):
    type = "LEFT"
    family = "text"
    params = (Param("text", "text"), Param("count", "number", optional=True))
    returns = "text"
    en = "The first characters of a text (default 1)."
    zh = "从左边截取指定个数的字符（默认 1 个）。"
    examples = (E("LEFT(company, 4)", "Acme"),)

    def py(self, text: str, n: Decimal = Decimal(1)) -> str | None:
        return None if n < 0 else text[: count(n)]

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        if len(cols) == 1 or never_negative(sc, call.args[1]):
            n = count_sql(sc, cols[1], call.args[1]) if len(cols) > 1 else const("1")
            return func.substr(cols[0], 1, n)
        n = cols[1]
        return case((n < 0, null()), else_=func.substr(cols[0], 1, count_sql(sc, n)))


class Right(Function):
    type = "RIGHT"
    family = "text"
    params = (Param("text", "text"), Param("count", "number", optional=True))
    returns = "text"
    en = "The last characters of a text (default 1)."
    zh = "从右边截取指定个数的字符（默认 1 个）。"
    examples = (E("RIGHT(email, 7)", "acme.cn"),)

    def py(self, text: str, n: Decimal = Decimal(1)) -> str | None:
        if n < 0:
            return None
        k = count(n)
        return text[-k:] if k else ""

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        n = count_sql(sc, cols[1] if len(cols) > 1 else const("1"))
        length = sc.d.length(cols[0])
        # substr from max(1, len - n + 1): the same on both databases, unlike negative starts.
        start = case((length - n + 1 < 1, 1), else_=length - n + 1)
        return case((n < 0, null()), (n == 0, const("''")), else_=func.substr(cols[0], start))


class Mid(Function):
    type = "MID"
    family = "text"
    params = (Param("text", "text"), Param("start", "number"), Param("count", "number"))
    returns = "text"
    en = "Characters from a start position (from 1) for a given count."
    zh = "从指定位置（从 1 开始）起截取指定个数的字符。"
    examples = (E("MID(email, 4, 3)", "lei"),)

    def py(self, text: str, start: Decimal, n: Decimal) -> str | None:
        if start < 1 or n < 0:
            return None
        s = count(start) - 1
        return text[s : s + count(n)]

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        text, start, n = cols
        part = func.substr(text, count_sql(sc, start, call.args[1]), count_sql(sc, n, call.args[2]))
        if never_negative(sc, call.args[2]) and isinstance(k := sc.known(call.args[1]), Decimal) and k >= 1:
            return part
        return case((or_(start < 1, n < 0), null()), else_=part)


class Len(Function):
    type = "LEN"
    family = "text"
    params = (Param("text", "text"),)
    returns = "number"
    en = "The number of characters in a text."
    zh = "文本的字符个数。"
    examples = (E("LEN(company)", Decimal("8")), E('LEN("七巧板")', Decimal("3")))

    def py(self, text: str) -> Decimal:
        return Decimal(len(text))

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return sc.d.length(cols[0])


class Upper(Function):
    type = "UPPER"
    family = "text"
    params = (Param("text", "text"),)
    returns = "text"
    en = "The text in capital letters."
    zh = "将文本转换为大写。"
    examples = (E("UPPER(contact)", "LI LEI"),)
    sql_note = "SQLite changes only ASCII letters"

    def py(self, text: str) -> str:
        return text.upper()

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return func.upper(cols[0])


class Lower(Upper):
    type = "LOWER"
    en = "The text in small letters."
    zh = "将文本转换为小写。"
    examples = (E("LOWER(company)", "acme ltd"),)

    def py(self, text: str) -> str:
        return text.lower()

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return func.lower(cols[0])


class Trim(Function):
    type = "TRIM"
    family = "text"
    params = (Param("text", "text"),)
    returns = "text"
    en = "Removes spaces at the start and end."
    zh = "去掉首尾的空格。"
    examples = (E('TRIM("  Acme  ")', "Acme"),)

    def py(self, text: str) -> str:
        return text.strip(" ")

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return func.trim(cols[0])


class Replace(Function):
    type = "REPLACE"
    family = "text"
    params = (Param("text", "text"), Param("start", "number"), Param("count", "number"), Param("new_text", "text"))
    returns = "text"
    en = "Replaces count characters from start with new text (by position, as in Excel)."
    zh = "从指定位置起将指定个数的字符替换为新文本（按位置替换，同 Excel）。"
    examples = (E('REPLACE(company, 1, 4, "Beta")', "Beta Ltd"),)

    def py(self, text: str, start: Decimal, n: Decimal, new: str) -> str | None:
        if start < 1 or n < 0:
            return None
        s = count(start) - 1
        return text[:s] + new + text[s + count(n) :]

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        text, start, n, new = cols
        s, k = count_sql(sc, start), count_sql(sc, n)
        joined = func.substr(text, 1, s - 1).concat(new).concat(func.substr(text, s + k))
        return case((or_(start < 1, n < 0), null()), else_=joined)


class Substitute(Function):
    type = "SUBSTITUTE"
    family = "text"
    params = (Param("text", "text"), Param("old_text", "text"), Param("new_text", "text"))
    returns = "text"
    en = "Replaces every occurrence of old text with new text."
    zh = "将文本中所有的旧文本替换为新文本。"
    examples = (E('SUBSTITUTE(company, "Ltd", "Inc")', "Acme Inc"),)

    def py(self, text: str, old: str, new: str) -> str:
        return text if old == "" else text.replace(old, new)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return func.replace(*cols)


class Search(Function):
    type = "SEARCH"
    family = "text"
    params = (Param("find_text", "text"), Param("within_text", "text"), Param("start", "number", optional=True))
    returns = "number"
    folds_case = True
    en = "Position of the first match ignoring case, from start (default 1); 0 when not found."
    zh = "查找文本首次出现的位置（不区分大小写，从起始位置开始，默认 1）；找不到返回 0。"
    examples = (E('SEARCH("LEI", contact)', Decimal("4")), E('SEARCH("x", contact)', Decimal("0")))

    def py(self, find: str, within: str, start: Decimal = Decimal(1)) -> Decimal | None:
        if start < 1:
            return None
        begin = count(start)
        if find == "":
            return Decimal(begin)
        if self.folds_case:
            find, within = find.lower(), within.lower()
        return Decimal(within.find(find, begin - 1) + 1)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        find, within = cols[0], cols[1]
        if self.folds_case:
            find, within = func.lower(find), func.lower(within)
        if len(cols) == 2:
            return sc.d.position(within, find)
        start = count_sql(sc, cols[2])
        found = sc.d.position(func.substr(within, start), find)
        return case((cols[2] < 1, null()), (found > 0, found + start - 1), else_=0)


class Find(Search):
    type = "FIND"
    folds_case = False
    en = "Position of the first match, case-sensitive, from start (default 1); 0 when not found."
    zh = "查找文本首次出现的位置（区分大小写，从起始位置开始，默认 1）；找不到返回 0。"
    examples = (E('FIND("Lei", contact)', Decimal("4")), E('FIND("lei", contact)', Decimal("0")))


class Rept(Function):
    type = "REPT"
    family = "text"
    params = (Param("text", "text"), Param("times", "number"))
    returns = "text"
    en = "Repeats a text; blank when times is negative, above 1000, or the result passes 100 000 characters."
    zh = "重复文本；次数为负、超过 1000 或结果超过 100 000 个字符时为空。"
    examples = (E('REPT("*", 3)', "***"),)

    def py(self, text: str, times: Decimal) -> str | None:
        n = count(times)
        if n < 0 or n > 1000 or len(text) * n > 100_000:
            return None
        return text * n

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        text, times = cols
        n = count_sql(sc, times)
        ok = and_(n >= 0, n <= 1000, sc.d.length(text) * n <= 100_000)
        return case((ok, sc.d.repeat(text, n)), else_=null())


class Exact(Function):
    type = "EXACT"
    family = "text"
    params = (Param("text1", "text"), Param("text2", "text"))
    returns = "bool"
    en = "True when two texts are exactly the same, case included."
    zh = "两个文本完全相同（区分大小写）时为真。"
    examples = (E('EXACT(status, "OPEN")', False),)

    def py(self, a: str, b: str) -> bool:
        return a == b

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return cols[0] == cols[1]


class Contains(Function):
    type = "CONTAINS"
    family = "text"
    params = (Param("text", "text"), Param("part", "text"))
    returns = "bool"
    en = "True when the text contains the part (case-sensitive)."
    zh = "文本包含指定内容时为真（区分大小写）。"
    examples = (E('CONTAINS(email, "@acme")', True),)

    def py(self, text: str, part: str) -> bool:
        return part in text

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return sc.d.position(cols[0], cols[1]) > 0


class StartsWith(Function):
    type = "STARTSWITH"
    family = "text"
    params = (Param("text", "text"), Param("prefix", "text"))
    returns = "bool"
    en = "True when the text begins with the prefix (case-sensitive)."
    zh = "文本以指定前缀开头时为真（区分大小写）。"
    examples = (E('STARTSWITH(company, "Ac")', True),)

    def py(self, text: str, prefix: str) -> bool:
        return text.startswith(prefix)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        text, prefix = cols
        return func.substr(text, 1, sc.d.length(prefix)) == prefix


class EndsWith(Function):
    type = "ENDSWITH"
    family = "text"
    params = (Param("text", "text"), Param("suffix", "text"))
    returns = "bool"
    en = "True when the text ends with the suffix (case-sensitive)."
    zh = "文本以指定后缀结尾时为真（区分大小写）。"
    examples = (E('ENDSWITH(email, ".cn")', True),)

    def py(self, text: str, suffix: str) -> bool:
        return text.endswith(suffix)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        text, suffix = cols
        start = sc.d.length(text) - sc.d.length(suffix) + 1
        tail = func.substr(text, case((start < 1, 1), else_=start))
        return case(
            (or_(text.is_(None), suffix.is_(None)), null()),
            (sc.d.length(suffix) == 0, true()),
            else_=and_(start >= 1, tail == suffix),
        )


FUNCTIONS = (Concat, Left, Right, Mid, Len, Upper, Lower, Trim, Replace, Substitute, Search, Find, Rept, Exact,
             Contains, StartsWith, EndsWith)
