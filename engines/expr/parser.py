"""A hand-written tokenizer and precedence-climbing parser for the formula language.

It never hands user text to Python (`eval`, `ast`, `compile`); it bounds length, nesting and
node count before anything recursive looks at the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engines.expr import nodes as n
from engines.expr.errors import ExprLimitError, Position, syntax_error
from engines.expr.limits import DEFAULT_LIMITS, Limits


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # num, str, ident, var, op, (, ), ",", ".", eof
    value: str
    start: int
    end: int


_TWO_CHAR_OPS = {"<=": "<=", ">=": ">=", "<>": "<>", "!=": "<>", "==": "="}
_ONE_CHAR_OPS = set("+-*/%^&=<>")
# Characters a Chinese input method produces instead of their ASCII twins: say so plainly.
_FULL_WIDTH = {"（": "(", "）": ")", "，": ",", "“": '"', "”": '"', "＝": "=", "＋": "+", "－": "-", "＊": "*", "／": "/"}
_DIGITS = frozenset("0123456789")
COMPARISONS = ("=", "<>", "<", "<=", ">", ">=")
# Binding power: higher binds tighter. All binary operators chain left to right, ^ included (Excel).
_BINDING = {
    "OR": 1, "AND": 2, "NOT": 3, "IN": 4, **{op: 4 for op in COMPARISONS}, "&": 5, "+": 6, "-": 6,
    "*": 7, "/": 7, "%": 7, "^": 8, "unary": 9,
}


def tokenize(text: str, limits: Limits = DEFAULT_LIMITS) -> list[Token]:
    tokens: list[Token] = []
    i, size = 0, len(text)
    while i < size:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in _DIGITS:
            j = i
            while j < size and text[j] in _DIGITS:
                j += 1
            if j < size and text[j] == "." and j + 1 < size and text[j + 1] in _DIGITS:
                j += 1
                while j < size and text[j] in _DIGITS:
                    j += 1
            if j - i > limits.max_number_digits:
                raise syntax_error("bad_number", text, i, j, limit=limits.max_number_digits)
            if j < size and (text[j].isalpha() or text[j] == "_"):
                raise syntax_error("bad_number", text, i, j + 1, limit=limits.max_number_digits)
            tokens.append(Token("num", text[i:j], i, j))
            i = j
        elif ch == '"':
            j, parts = i + 1, []
            while True:
                k = text.find('"', j)
                if k < 0:
                    raise syntax_error("unterminated_string", text, i, size)
                parts.append(text[j:k])
                if k + 1 < size and text[k + 1] == '"':  # "" is an escaped quote, as in Excel
                    parts.append('"')
                    j = k + 2
                    continue
                j = k + 1
                break
            tokens.append(Token("str", "".join(parts), i, j))
            i = j
        elif ch.isalpha() or ch == "_" or ch == "$":
            j = i + 1
            while j < size and (text[j].isalnum() or text[j] == "_"):
                j += 1
            if ch == "$" and j == i + 1:
                raise syntax_error("unexpected_char", text, i, j, char=ch)
            tokens.append(Token("var" if ch == "$" else "ident", text[i:j], i, j))
            i = j
        elif text[i : i + 2] in _TWO_CHAR_OPS:
            tokens.append(Token("op", _TWO_CHAR_OPS[text[i : i + 2]], i, i + 2))
            i += 2
        elif ch in _ONE_CHAR_OPS:
            tokens.append(Token("op", ch, i, i + 1))
            i += 1
        elif ch in "(),.":
            tokens.append(Token(ch, ch, i, i + 1))
            i += 1
        elif ch in _FULL_WIDTH:
            raise syntax_error("full_width_char", text, i, i + 1, char=ch, ascii=_FULL_WIDTH[ch])
        else:
            raise syntax_error("unexpected_char", text, i, i + 1, char=ch)
    tokens.append(Token("eof", "", size, size))
    return tokens


class Parser:
    def __init__(self, text: str, limits: Limits = DEFAULT_LIMITS) -> None:
        self.text = text
        self.limits = limits
        self.tokens = tokenize(text, limits)
        self.pos = 0
        self.nesting = 0

    # -- token helpers --------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def keyword(self, word: str) -> bool:
        return self.tok.kind == "ident" and self.tok.value.upper() == word

    def op(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.value in ops

    def expect(self, kind: str) -> Token:
        if self.tok.kind != kind:
            raise self.unexpected(kind)
        return self.advance()

    def unexpected(self, expected: str) -> Exception:
        tok = self.tok
        if tok.kind == "eof":
            return syntax_error("unexpected_end", self.text, tok.start, expected=expected)
        return syntax_error("unexpected_token", self.text, tok.start, tok.end, found=tok.value, expected=expected)

    def enter(self) -> None:
        self.nesting += 1
        if self.nesting > self.limits.max_depth:
            raise ExprLimitError.of("too_deep", Position.at(self.text, self.tok.start), limit=self.limits.max_depth)

    # -- grammar --------------------------------------------------------------------------------
    # Precedence climbing keeps Python's stack shallow: about four frames per level of nesting.
    def parse(self) -> n.Node:
        if self.op("="):  # tolerate Excel's leading "="
            self.advance()
        if self.tok.kind == "eof":
            raise syntax_error("empty", self.text, 0)
        node = self.expression()
        if self.tok.kind != "eof":
            raise self.unexpected("end of formula")
        return node

    def expression(self, min_bp: int = 0) -> n.Node:
        self.enter()
        try:
            left = self.prefix()
            while True:
                found = self.infix()
                if found is None or found[1] <= min_bp:
                    return left
                op, bp = found
                if op == "IN":
                    left = self.membership(left)
                    continue
                self.advance()
                right = self.expression(bp)
                left = n.Binary(op=op, left=left, right=right, start=left.start, end=right.end)
        finally:
            self.nesting -= 1

    def infix(self) -> tuple[str, int] | None:
        tok = self.tok
        if tok.kind == "op":
            return tok.value, _BINDING[tok.value]
        if tok.kind == "ident":
            word = tok.value.upper()
            if word in ("AND", "OR"):
                return word, _BINDING[word]
            if word == "IN" or (word == "NOT" and self._next_is_in()):
                return "IN", _BINDING["IN"]
        return None

    def prefix(self) -> n.Node:
        tok = self.tok
        if self.keyword("NOT") and self.tokens[self.pos + 1].kind != "(":  # NOT(x) is the function
            self.advance()
            operand = self.expression(_BINDING["NOT"])
            return n.Unary(op="NOT", operand=operand, start=tok.start, end=operand.end)
        if self.op("-", "+"):
            # Excel binds unary minus tighter than ^: -2^2 = 4.
            self.advance()
            operand = self.expression(_BINDING["unary"])
            return n.Unary(op=tok.value, operand=operand, start=tok.start, end=operand.end)
        return self.primary()

    def _next_is_in(self) -> bool:
        nxt = self.tokens[self.pos + 1]
        return nxt.kind == "ident" and nxt.value.upper() == "IN"

    def membership(self, value: n.Node) -> n.Node:
        negated = self.keyword("NOT")
        if negated:
            self.advance()
        self.advance()  # IN
        if self.tok.kind == "(":
            self.advance()
            items = [self.expression()]
            while self.tok.kind == ",":
                self.advance()
                items.append(self.expression())
            end = self.expect(")").end
            return n.In(value=value, items=tuple(items), container=None, negated=negated, start=value.start, end=end)
        container = self.expression(_BINDING["IN"])
        return n.In(value=value, items=None, container=container, negated=negated, start=value.start, end=container.end)

    def primary(self) -> n.Node:
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            return n.Number(value=Decimal(tok.value), start=tok.start, end=tok.end)
        if tok.kind == "str":
            self.advance()
            return n.Text(value=tok.value, start=tok.start, end=tok.end)
        if tok.kind == "(":
            self.advance()
            inner = self.expression()
            self.expect(")")
            return inner
        if tok.kind == "var":
            self.advance()
            path, end = self.member_path()
            return n.Var(name=tok.value[1:].lower(), path=path, start=tok.start, end=end or tok.end)
        if tok.kind == "ident":
            self.advance()
            if self.tok.kind == "(":
                return self.call(tok)
            word = tok.value.upper()
            if word in ("TRUE", "FALSE"):
                return n.Bool(value=word == "TRUE", start=tok.start, end=tok.end)
            if word == "NULL":
                return n.Null(start=tok.start, end=tok.end)
            if word in ("AND", "OR", "NOT", "IN"):
                self.pos -= 1
                raise self.unexpected("a value")
            path, end = self.member_path()
            return n.Ref(path=(tok.value, *path), start=tok.start, end=end or tok.end)
        raise self.unexpected("a value")

    def member_path(self) -> tuple[tuple[str, ...], int]:
        path: list[str] = []
        end = 0
        while self.tok.kind == ".":
            self.advance()
            name = self.expect("ident")
            path.append(name.value)
            end = name.end
        return tuple(path), end

    def call(self, name: Token) -> n.Node:
        self.advance()  # (
        args: list[n.Node] = []
        if self.tok.kind != ")":
            args.append(self.expression())  # each argument counts one level of nesting
            while self.tok.kind == ",":
                self.advance()
                args.append(self.expression())
        end = self.expect(")").end
        return n.Call(name=name.value.upper(), args=tuple(args), start=name.start, end=end, name_end=name.end)


def parse(text: str, limits: Limits = DEFAULT_LIMITS) -> n.Node:
    """Formula text → untyped syntax tree, or an `ExprError` naming the position."""
    if not isinstance(text, str):
        raise syntax_error("empty", "", 0)
    if len(text) > limits.max_length:
        raise ExprLimitError.of("too_long", Position.at(text, limits.max_length), limit=limits.max_length)
    node = Parser(text, limits).parse()
    count = 0
    for count, _ in enumerate(n.walk(node), 1):
        if count > limits.max_nodes:
            raise ExprLimitError.of("too_many_nodes", None, limit=limits.max_nodes)
    if n.depth(node) > limits.max_depth:
        raise ExprLimitError.of("too_deep", None, limit=limits.max_depth)
    return node
