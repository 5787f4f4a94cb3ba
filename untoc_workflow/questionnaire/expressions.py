"""The small part of XPath a questionnaire may use in `relevant` and `constraint`.

An XLSForm expression is XPath; a full evaluator would run anything a workbook says. The
project supports what a review's questionnaire needs and refuses the rest at the check:
comparisons of an earlier answer (`${q}`) or of the answer itself (`.`) with a quoted
string or a number, `selected(${q}, 'x')`, `string-length(.)`, `count-selected(${q})`,
`not(...)`, parentheses, `and`, `or`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<ref>\$\{[A-Za-z_][A-Za-z0-9_.-]*\})"
    r"|(?P<str>'[^']*'|\"[^\"]*\")"
    r"|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<op>!=|>=|<=|=|>|<)"
    r"|(?P<punct>[(),])"
    r"|(?P<dot>\.)"
    r"|(?P<word>[A-Za-z][A-Za-z-]*)"
    r")"
)
FUNCTIONS = ("selected", "not", "string-length", "count-selected")


class ExpressionError(ValueError):
    """An expression outside the supported subset (the message says what is wrong)."""


@dataclass(frozen=True)
class Expression:
    """A parsed expression: the text, the earlier answers it reads, and how to evaluate it."""

    text: str
    refs: tuple[str, ...]
    uses_self: bool
    _eval: Callable[[Mapping[str, Any], Any], Any]

    def holds(self, answers: Mapping[str, Any], value: Any = None) -> bool:
        """True when the expression holds on `answers` (and `value` for `.`)."""
        return bool(self._eval(answers, value))


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ExpressionError(f"cannot read {text[pos:]!r} in {text!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _empty(v: Any) -> bool:
    return v is None or v == "" or v == []


def _compare(left: Any, op: str, right: Any) -> bool:
    if isinstance(left, list) or isinstance(right, list):
        raise ExpressionError("compare a select_multiple with selected(), not with " + op)
    a, b = ("" if left is None else left), ("" if right is None else right)
    try:  # numbers compare as numbers, as XPath does when both sides are numeric
        fa, fb = float(a), float(b)
    except (TypeError, ValueError):
        fa = fb = None  # type: ignore[assignment]
    if fa is not None and fb is not None and a != "" and b != "":
        a, b = fa, fb
    else:
        a, b = str(a), str(b)
    if op == "=":
        return bool(a == b)
    if op == "!=":
        return bool(a != b)
    if isinstance(a, str) and op in (">", ">=", "<", "<=") and (a == "" or b == ""):
        return False
    return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[op]  # type: ignore[operator]


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0
        self.refs: list[str] = []
        self.uses_self = False

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ExpressionError(f"expected {value or 'more'} in {self.text!r}")
        self.i += 1
        return tok

    def parse(self) -> Expression:
        fn = self.or_()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()[1]!r} in {self.text!r}")  # type: ignore[index]
        return Expression(self.text, tuple(dict.fromkeys(self.refs)), self.uses_self, fn)

    def or_(self) -> Callable[[Mapping[str, Any], Any], Any]:
        parts = [self.and_()]
        while self.peek() == ("word", "or"):
            self.take()
            parts.append(self.and_())
        if len(parts) == 1:
            return parts[0]
        return lambda a, v: any(p(a, v) for p in parts)

    def and_(self) -> Callable[[Mapping[str, Any], Any], Any]:
        parts = [self.comparison()]
        while self.peek() == ("word", "and"):
            self.take()
            parts.append(self.comparison())
        if len(parts) == 1:
            return parts[0]
        return lambda a, v: all(p(a, v) for p in parts)

    def comparison(self) -> Callable[[Mapping[str, Any], Any], Any]:
        left = self.operand()
        tok = self.peek()
        if tok is None or tok[0] != "op":
            return left
        self.take()
        op = tok[1]
        right = self.operand()
        return lambda a, v: _compare(left(a, v), op, right(a, v))

    def operand(self) -> Callable[[Mapping[str, Any], Any], Any]:
        tok = self.peek()
        if tok is None:
            raise ExpressionError(f"{self.text!r} ends too early")
        kind, value = self.take()
        if kind == "ref":
            name = value[2:-1]
            self.refs.append(name)
            return lambda a, v: a.get(name)
        if kind == "str":
            text = value[1:-1]
            return lambda a, v: text
        if kind == "num":
            number = float(value)
            return lambda a, v: number
        if kind == "dot":
            self.uses_self = True
            return lambda a, v: v
        if value == "(":
            inner = self.or_()
            self.take(")")
            return inner
        if kind == "word" and value in FUNCTIONS:
            return self.function(value)
        raise ExpressionError(
            f"{value!r} is not supported here (supported: ${{name}}, '.', strings, numbers, "
            f"comparisons, and, or, {', '.join(FUNCTIONS)})"
        )

    def function(self, name: str) -> Callable[[Mapping[str, Any], Any], Any]:
        self.take("(")
        arg = self.or_()
        if name == "selected":
            self.take(",")
            kind, value = self.take()
            if kind != "str":
                raise ExpressionError(f"selected() takes a quoted choice in {self.text!r}")
            choice = value[1:-1]
            self.take(")")

            def selected(a: Mapping[str, Any], v: Any) -> bool:
                got = arg(a, v)
                return choice in got if isinstance(got, list) else got == choice

            return selected
        self.take(")")
        if name == "not":
            return lambda a, v: not arg(a, v)
        if name == "string-length":
            return lambda a, v: len("" if _empty(arg(a, v)) else str(arg(a, v)))
        return lambda a, v: len(arg(a, v) or []) if isinstance(arg(a, v), list) else 0


def parse(text: str) -> Expression:
    """Parse an expression of the supported subset; ExpressionError otherwise."""
    if not text.strip():
        raise ExpressionError("an empty expression")
    return _Parser(text).parse()
