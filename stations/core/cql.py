"""A small CQL2-text parser: the filters GIS clients send to OGC API - Features (Part 3).

Supported (CQL2 Basic): comparisons ``= <> < <= > >=``, ``[NOT] LIKE``, ``[NOT] IN (...)``,
``[NOT] BETWEEN a AND b``, ``IS [NOT] NULL``, ``AND``/``OR``/``NOT`` and parentheses, on
the properties a collection names; literals are 'strings' (``''`` for a quote), numbers,
``TRUE``/``FALSE``, ``TIMESTAMP('…')`` and ``DATE('…')``. The result is a tree of tuples
(hashable, so answers can be cached by it):

- ``("and", a, b)``, ``("or", a, b)``, ``("not", a)``;
- ``("cmp", op, prop, value)``, ``("like", prop, pattern)``, ``("in", prop, values)``,
  ``("null", prop)``, ``("between", prop, low, high)``.

Every problem is an :class:`~stations.errors.InvalidInput` on ``filter`` saying where.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, date, datetime, time
from typing import Any

from stations.errors import InvalidInput

Node = tuple[Any, ...]
_TOKEN = re.compile(r"""
    \s*(?:
      (?P<string>'(?:[^']|'')*')
    | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
    | (?P<op><>|<=|>=|=|<|>)
    | (?P<punct>[(),])
    | (?P<quoted>"[^"]+")
    | (?P<word>[A-Za-z_][A-Za-z0-9_.:-]*)
    )""", re.VERBOSE)
_KEYWORDS = {"AND", "OR", "NOT", "LIKE", "IN", "BETWEEN", "IS", "NULL", "TRUE", "FALSE",
             "TIMESTAMP", "DATE"}


def parse_cql2(text: str, properties: Collection[str]) -> Node:
    """Parse a CQL2-text filter over ``properties``.

    Raises
    ------
    InvalidInput
        On ``filter``, naming what is wrong and where.
    """
    parser = _Parser(_tokens(text), set(properties))
    node = parser.expression()
    left = parser.peek()
    if left is not None:
        parser.fail(f"多余的内容 / unexpected {left[1]!r}")
    return node


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        while text[position].isspace():
            position += 1
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise InvalidInput("filter", f"无法识别 / cannot read the filter at character "
                                         f"{position + 1}: {text[position:position + 20]!r}")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "word" and value.upper() in _KEYWORDS:
            kind, value = "keyword", value.upper()
        out.append((kind, value))
        position = match.end()
    return out


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], properties: set[str]) -> None:
        self.tokens = tokens
        self.i = 0
        self.properties = properties

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def fail(self, reason: str) -> None:
        raise InvalidInput("filter", reason)

    def take(self, kind: str, value: str | None = None) -> str:
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            wanted = value or kind
            found = "the end" if token is None else repr(token[1])
            self.fail(f"需要 {wanted} / expected {wanted}, found {found}")
        self.i += 1
        return token[1]  # type: ignore[index]

    def accept(self, value: str) -> bool:
        token = self.peek()
        if token is not None and token[0] in ("keyword", "punct", "op") and token[1] == value:
            self.i += 1
            return True
        return False

    def expression(self) -> Node:
        node = self.conjunction()
        while self.accept("OR"):
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.negation()
        while self.accept("AND"):
            node = ("and", node, self.negation())
        return node

    def negation(self) -> Node:
        if self.accept("NOT"):
            return ("not", self.negation())
        if self.accept("("):
            node = self.expression()
            self.take("punct", ")")
            return node
        return self.predicate()

    def predicate(self) -> Node:
        prop = self.property()
        if self.accept("IS"):
            negated = self.accept("NOT")
            self.take("keyword", "NULL")
            node: Node = ("null", prop)
            return ("not", node) if negated else node
        negated = self.accept("NOT")
        if self.accept("LIKE"):
            node = ("like", prop, self.string())
        elif self.accept("IN"):
            self.take("punct", "(")
            values = [self.literal()]
            while self.accept(","):
                values.append(self.literal())
            self.take("punct", ")")
            node = ("in", prop, tuple(values))
        elif self.accept("BETWEEN"):
            low = self.literal()
            self.take("keyword", "AND")
            node = ("between", prop, low, self.literal())
        elif negated:
            self.fail("NOT 之后需要 LIKE、IN 或 BETWEEN / NOT here must be followed by LIKE, IN or BETWEEN")
        else:
            op = self.take("op")
            node = ("cmp", op, prop, self.literal())
        return ("not", node) if negated else node

    def property(self) -> str:
        token = self.peek()
        if token is None or token[0] not in ("word", "quoted"):
            self.fail(f"需要属性名 / expected a property name, found "
                      f"{'the end' if token is None else repr(token[1])}")
        self.i += 1
        name = token[1].strip('"')  # type: ignore[index]
        if name not in self.properties:
            self.fail(f"不能按 {name!r} 过滤 / cannot filter on {name!r}; 可用 / queryables: "
                      f"{', '.join(sorted(self.properties))}")
        return name

    def string(self) -> str:
        return self.take("string")[1:-1].replace("''", "'")

    def literal(self) -> Any:
        token = self.peek()
        if token is None:
            self.fail("需要一个值 / expected a value, found the end")
        kind, value = token  # type: ignore[misc]
        if kind == "string":
            return self.string()
        self.i += 1
        if kind == "number":
            return float(value) if any(c in value for c in ".eE") else int(value)
        if kind == "keyword" and value in ("TRUE", "FALSE"):
            return value == "TRUE"
        if kind == "keyword" and value in ("TIMESTAMP", "DATE"):
            self.take("punct", "(")
            text = self.string()
            self.take("punct", ")")
            try:
                if value == "DATE":
                    return datetime.combine(date.fromisoformat(text), time.min, UTC)
                moment = datetime.fromisoformat(text)
            except ValueError:
                self.fail(f"无法识别的时间 / not a {value.lower()}: {text!r}")
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        self.fail(f"需要一个值 / expected a value, found {value!r}")
        return None
