"""The syntax tree: what the author wrote, with where they wrote it.

Nodes are frozen, slotted records (:mod:`segdsl.node`) with tuple children and a :class:`Span`, so
they can be hashed, compared and shared. Nothing here knows about the schema or SQL:
names are unresolved and literals keep the form the author typed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal as L
from typing import Union

from segdsl.node import Node


class Span(Node):
    """A half-open character range plus 1-based line/column of both ends."""

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int

    @staticmethod
    def point(line: int = 1, column: int = 1) -> Span:
        return Span(0, 0, line, column, line, column)

    def shifted(self, lines: int) -> Span:
        """The same span seen from a text that starts ``lines`` lines later."""
        return Span(
            self.start, self.end, self.line + lines, self.column, self.end_line + lines, self.end_column
        )


# ---- literals -------------------------------------------------------------------


class Number(Node):
    value: Decimal
    text: str
    span: Span

    @property
    def is_integer(self) -> bool:
        return "." not in self.text


class String(Node):
    value: str
    span: Span


class Date(Node):
    """An unquoted ``2024-01-01``; ``value`` is None when the day does not exist."""

    text: str
    value: dt.date | None
    span: Span


class Timestamp(Node):
    text: str
    value: dt.datetime | None
    span: Span


class Bool(Node):
    value: bool
    span: Span


class Null(Node):
    span: Span


Value = Union[Number, String, Date, Timestamp, Bool, Null]
Unit = L["day", "week", "month", "year"]


# ---- time -----------------------------------------------------------------------


class Duration(Node):
    amount: int
    unit: Unit
    span: Span


class Ago(Node):
    """``N units ago``: the calendar day N units before the reference date."""

    duration: Duration
    span: Span


class Today(Node):
    span: Span


TimeRef = Union[Date, Timestamp, Ago, Today]


class LastWindow(Node):
    """``in last N units``: the N calendar units ending with the reference day."""

    duration: Duration
    span: Span


class BeforeWindow(Node):
    ref: TimeRef
    span: Span


class AfterWindow(Node):
    ref: TimeRef
    span: Span


class BetweenWindow(Node):
    low: Value
    high: Value
    span: Span


Window = Union[LastWindow, BeforeWindow, AfterWindow, BetweenWindow]


# ---- operands ---------------------------------------------------------------------


class Name(Node):
    text: str
    span: Span


class FieldRef(Node):
    """A field or trait of the entity: ``age``."""

    name: Name
    span: Span


class RelationFieldRef(Node):
    """``orders.amount`` written outside an aggregate (always a mistake, reported)."""

    relation: Name
    field: Name
    span: Span


AggFunc = L["count", "count_distinct", "sum", "avg", "min", "max"]


class Aggregate(Node):
    """``count(orders …)``, ``sum(orders.amount …)``: one value per entity over related rows."""

    func: AggFunc
    relation: Name
    field: Name | None
    window: Window | None
    filter: Expr | None
    span: Span


Operand = Union[FieldRef, RelationFieldRef, Aggregate]


# ---- conditions -----------------------------------------------------------------

CompareOp = L["=", "!=", "<", "<=", ">", ">="]
TextMatchKind = L["starts_with", "ends_with", "contains"]


class BareBool(Node):
    operand: Operand
    span: Span


class Compare(Node):
    operand: Operand
    op: CompareOp
    value: Value
    op_span: Span
    span: Span


class Range(Node):
    operand: Operand
    low: Value
    high: Value
    span: Span


class InList(Node):
    operand: Operand
    values: tuple[Value, ...]
    negated: bool
    list_span: Span
    span: Span


class TextMatch(Node):
    """``starts with``, ``ends with`` and ``contains`` (on text; on lists it means membership)."""

    operand: Operand
    kind: TextMatchKind
    value: Value
    span: Span


class Matches(Node):
    operand: Operand
    pattern: String
    span: Span


class IsNull(Node):
    operand: Operand
    negated: bool
    span: Span


class ListHas(Node):
    operand: Operand
    mode: L["any", "all"]
    values: tuple[Value, ...]
    list_span: Span
    span: Span


class TimeCondition(Node):
    operand: Operand
    window: Window
    span: Span


class Percentile(Node):
    operand: Operand
    side: L["top", "bottom"]
    percent: Number
    span: Span


class HasRows(Node):
    """``has orders …`` (``negated``: ``no orders …``)."""

    relation: Name
    window: Window | None
    filter: Expr | None
    negated: bool
    span: Span


class InSegment(Node):
    name: Name
    span: Span


class Not(Node):
    operand: Expr
    span: Span


class And(Node):
    items: tuple[Expr, ...]
    span: Span


class Or(Node):
    items: tuple[Expr, ...]
    span: Span


Expr = Union[
    BareBool,
    Compare,
    Range,
    InList,
    TextMatch,
    Matches,
    IsNull,
    ListHas,
    TimeCondition,
    Percentile,
    HasRows,
    InSegment,
    Not,
    And,
    Or,
]


# ---- files ----------------------------------------------------------------------


class Segment(Node):
    name: Name
    description: String | None
    expr: Expr
    span: Span
    implicit: bool = False  # a bare-expression file: the name comes from the file name


class SegmentFile(Node):
    path: str
    source: str
    segments: tuple[Segment, ...]
