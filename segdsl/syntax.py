"""The syntax tree: what the author wrote, with where they wrote it.

Nodes are frozen, slotted dataclasses with tuple children and a :class:`Span`, so
they can be hashed, compared and shared. Nothing here knows about the schema or SQL:
names are unresolved and literals keep the form the author typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal as L
from typing import Union


@dataclass(frozen=True, slots=True)
class Span:
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


@dataclass(frozen=True, slots=True)
class Number:
    value: Decimal
    text: str
    span: Span

    @property
    def is_integer(self) -> bool:
        return "." not in self.text


@dataclass(frozen=True, slots=True)
class String:
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Date:
    """An unquoted ``2024-01-01``; ``value`` is None when the day does not exist."""

    text: str
    value: dt.date | None
    span: Span


@dataclass(frozen=True, slots=True)
class Timestamp:
    text: str
    value: dt.datetime | None
    span: Span


@dataclass(frozen=True, slots=True)
class Bool:
    value: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Null:
    span: Span


Value = Union[Number, String, Date, Timestamp, Bool, Null]
Unit = L["day", "week", "month", "year"]


# ---- time -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Duration:
    amount: int
    unit: Unit
    span: Span


@dataclass(frozen=True, slots=True)
class Ago:
    """``N units ago``: the calendar day N units before the reference date."""

    duration: Duration
    span: Span


@dataclass(frozen=True, slots=True)
class Today:
    span: Span


TimeRef = Union[Date, Timestamp, Ago, Today]


@dataclass(frozen=True, slots=True)
class LastWindow:
    """``in last N units``: the N calendar units ending with the reference day."""

    duration: Duration
    span: Span


@dataclass(frozen=True, slots=True)
class BeforeWindow:
    ref: TimeRef
    span: Span


@dataclass(frozen=True, slots=True)
class AfterWindow:
    ref: TimeRef
    span: Span


@dataclass(frozen=True, slots=True)
class BetweenWindow:
    low: Value
    high: Value
    span: Span


Window = Union[LastWindow, BeforeWindow, AfterWindow, BetweenWindow]


# ---- operands ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Name:
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class FieldRef:
    """A field or trait of the entity: ``age``."""

    name: Name
    span: Span


@dataclass(frozen=True, slots=True)
class RelationFieldRef:
    """``orders.amount`` written outside an aggregate (always a mistake, reported)."""

    relation: Name
    field: Name
    span: Span


AggFunc = L["count", "count_distinct", "sum", "avg", "min", "max"]


@dataclass(frozen=True, slots=True)
class Aggregate:
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


@dataclass(frozen=True, slots=True)
class BareBool:
    operand: Operand
    span: Span


@dataclass(frozen=True, slots=True)
class Compare:
    operand: Operand
    op: CompareOp
    value: Value
    op_span: Span
    span: Span


@dataclass(frozen=True, slots=True)
class Range:
    operand: Operand
    low: Value
    high: Value
    span: Span


@dataclass(frozen=True, slots=True)
class InList:
    operand: Operand
    values: tuple[Value, ...]
    negated: bool
    list_span: Span
    span: Span


@dataclass(frozen=True, slots=True)
class TextMatch:
    """``starts with``, ``ends with`` and ``contains`` (on text; on lists it means membership)."""

    operand: Operand
    kind: TextMatchKind
    value: Value
    span: Span


@dataclass(frozen=True, slots=True)
class Matches:
    operand: Operand
    pattern: String
    span: Span


@dataclass(frozen=True, slots=True)
class IsNull:
    operand: Operand
    negated: bool
    span: Span


@dataclass(frozen=True, slots=True)
class ListHas:
    operand: Operand
    mode: L["any", "all"]
    values: tuple[Value, ...]
    list_span: Span
    span: Span


@dataclass(frozen=True, slots=True)
class TimeCondition:
    operand: Operand
    window: Window
    span: Span


@dataclass(frozen=True, slots=True)
class Percentile:
    operand: Operand
    side: L["top", "bottom"]
    percent: Number
    span: Span


@dataclass(frozen=True, slots=True)
class HasRows:
    """``has orders …`` (``negated``: ``no orders …``)."""

    relation: Name
    window: Window | None
    filter: Expr | None
    negated: bool
    span: Span


@dataclass(frozen=True, slots=True)
class InSegment:
    name: Name
    span: Span


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Or:
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


@dataclass(frozen=True, slots=True)
class Segment:
    name: Name
    description: String | None
    expr: Expr
    span: Span
    implicit: bool = False  # a bare-expression file: the name comes from the file name


@dataclass(frozen=True, slots=True)
class SegmentFile:
    path: str
    source: str
    segments: tuple[Segment, ...]
