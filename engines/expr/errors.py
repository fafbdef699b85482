"""The expression engine's one exception hierarchy: every failure caused by formula text or
record data surfaces as an `ExprError` with a stable code, English and Chinese messages and,
where it has one, the position in the formula."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from engines.expr.messages import MESSAGES


@dataclass(frozen=True)
class Position:
    """Where in the formula text: `offset` counts characters from 0; `line`/`column` from 1."""

    offset: int
    line: int
    column: int
    end: int

    @classmethod
    def at(cls, text: str, offset: int, end: int | None = None) -> Position:
        offset = max(0, min(offset, len(text)))
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return cls(offset, line, column, offset if end is None else max(offset, end))

    def as_dict(self) -> dict[str, int]:
        return {"offset": self.offset, "line": self.line, "column": self.column}


class ExprError(Exception):
    """A formula problem a user can act on; never wraps a Python exception's text."""

    def __init__(self, code: str, message_en: str, message_zh: str, position: Position | None = None) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_en = message_en
        self.message_zh = message_zh
        self.position = position

    @classmethod
    def of(cls, code: str, position: Position | None = None, **params: Any) -> Self:
        en, zh = MESSAGES[code]
        return cls(code, en.format(**params), zh.format(**params), position)

    def message(self, locale: str = "en") -> str:
        return self.message_zh if locale.lower().startswith("zh") else self.message_en

    def as_dict(self, locale: str = "en") -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message(locale),
            "message_en": self.message_en,
            "message_zh": self.message_zh,
            "position": self.position.as_dict() if self.position else None,
        }

    def __repr__(self) -> str:
        where = f" at {self.position.line}:{self.position.column}" if self.position else ""
        return f"{type(self).__name__}({self.code}{where}: {self.message_en})"


class ExprSyntaxError(ExprError):
    """The text is not a formula: bad token, unbalanced parenthesis, missing argument."""


class ExprTypeError(ExprError):
    """The formula is well formed but not well typed for the given fields."""


class ExprLimitError(ExprError):
    """A resource bound was hit: formula length, nesting, node count, evaluation steps."""


class NoSqlForm(ExprError):
    """The formula (or one function in it) has no SQL translation; evaluate it in Python."""


def syntax_error(code: str, text: str, offset: int, end: int | None = None, **params: Any) -> ExprSyntaxError:
    return ExprSyntaxError.of(code, Position.at(text, offset, end), **params)
