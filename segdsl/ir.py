"""The typed, resolved, dialect-free meaning of a segment.

The checker produces it; the SQL builder, the reference evaluator and the describer read
it. Names are resolved to physical columns, traits and segment references are inlined,
literals are Python values of the field's type, and relative dates stay symbolic
(:class:`RelativeDay`) until a reference date is known.

Semantics (docs/semantics.md): every predicate is two-valued. A positive condition on a
missing value is false; ``Not`` is the exact complement.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal, Union

from segdsl.datatypes import DataType
from segdsl.node import Node

Unit = Literal["day", "week", "month", "year"]
LiteralValue = Union[int, Decimal, str, bool, dt.date, dt.datetime]


# ---- values -----------------------------------------------------------------------


class Lit(Node):
    value: LiteralValue
    type: DataType


class Column(Node):
    """A column of the entity table."""

    name: str
    type: DataType


class RowColumn(Node):
    """A column of the related table, only meaningful inside an aggregate."""

    name: str
    type: DataType


class RelationRef(Node):
    name: str
    table: str
    key: str


AggFunc = Literal["count", "count_distinct", "sum", "avg", "min", "max"]


class Aggregation(Node):
    """One value per entity over its related rows that pass ``window`` and ``filter``.

    count and sum over no rows are 0; avg, min and max over no rows are missing.
    """

    func: AggFunc
    relation: RelationRef
    arg: RowColumn | None
    window: TimeRange | None
    filter: Pred | None
    type: DataType


Value = Union[Column, RowColumn, Aggregation]


# ---- days -------------------------------------------------------------------------


class RelativeDay(Node):
    """The calendar day (R + ``plus_days``) − ``back`` ``unit``s, R being the reference date."""

    back: int
    unit: Unit
    plus_days: int = 0


Day = Union[dt.date, RelativeDay]


class Bound(Node):
    """One end of a time range: a whole calendar day, or an exact timestamp."""

    point: Day | dt.datetime
    inclusive: bool


class TimeRange(Node):
    """``low ≤ value ≤ high`` on a date or timestamp, comparing calendar days for day bounds."""

    value: Value
    low: Bound | None
    high: Bound | None


# ---- predicates ---------------------------------------------------------------------

CompareOp = Literal["=", "!=", "<", "<=", ">", ">="]


class Compare(Node):
    value: Value
    op: CompareOp
    literal: Lit


class InSet(Node):
    value: Value
    literals: tuple[Lit, ...]


class TextMatch(Node):
    """Case-sensitive; ``%`` and ``_`` in ``text`` are ordinary characters."""

    value: Value
    kind: Literal["starts_with", "ends_with", "contains"]
    text: str


class RegexMatch(Node):
    """A partial match (like ``re.search``)."""

    value: Value
    pattern: str


class IsNull(Node):
    value: Value


class ListHas(Node):
    """The list holds any / all of the literals."""

    value: Value
    mode: Literal["any", "all"]
    literals: tuple[Lit, ...]


class Percentile(Node):
    """In the top/bottom ``percent`` of entities that have a value.

    An entity is in the top p% when fewer than p% of the entities with a value have a
    strictly greater value (bottom: strictly smaller). Ties are all in or all out.
    """

    value: Value
    side: Literal["top", "bottom"]
    percent: Decimal


class Not(Node):
    pred: Pred


class And(Node):
    preds: tuple[Pred, ...]


class Or(Node):
    preds: tuple[Pred, ...]


class Const(Node):
    value: bool


Pred = Union[
    Compare, InSet, TextMatch, RegexMatch, IsNull, ListHas, TimeRange, Percentile, Not, And, Or, Const
]


class Segment(Node):
    name: str
    description: str | None
    pred: Pred
    path: str
    line: int


def walk(pred: Pred) -> list[Pred]:
    """Every predicate node, outer first, including those inside aggregate filters."""
    out: list[Pred] = []
    stack: list[Pred] = [pred]
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, (And, Or)):
            stack.extend(reversed(node.preds))
        elif isinstance(node, Not):
            stack.append(node.pred)
        value = getattr(node, "value", None)
        if isinstance(value, Aggregation):
            if value.window is not None:
                stack.append(value.window)
            if value.filter is not None:
                stack.append(value.filter)
    return out


def aggregations(pred: Pred) -> list[Aggregation]:
    """Distinct aggregations used by a predicate, in first-use order."""
    seen: dict[Aggregation, None] = {}
    for node in walk(pred):
        value = getattr(node, "value", None)
        if isinstance(value, Aggregation):
            seen.setdefault(value, None)
    return list(seen)


def percentiles(pred: Pred) -> list[Percentile]:
    seen: dict[Percentile, None] = {}
    for node in walk(pred):
        if isinstance(node, Percentile):
            seen.setdefault(node, None)
    return list(seen)
