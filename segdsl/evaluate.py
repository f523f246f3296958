"""A reference interpreter of the IR over in-memory rows: the oracle for every SQL engine.

It restates docs/semantics.md in plain Python, on purpose independently of the SQL
lowering (no sqlglot, duckdb or lark): two-valued logic, a positive condition on a missing
value is false, ``Not`` is the exact complement, day bounds compare calendar days, and
numbers are summed and averaged exactly (never through float).
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from segdsl import ir
from segdsl.schema import Schema

Row = dict[str, Any]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


@dataclass(frozen=True)
class Dataset:
    """Entities and related rows, keyed by physical column names (``Field.column``)."""

    entities: list[Row]
    relations: dict[str, list[Row]]


def shift_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the target month's last day (May 31 - 3 months = Feb 28)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    first_of_next = dt.date(year + (month0 == 11), (month0 + 1) % 12 + 1, 1)
    last_day = (first_of_next - dt.timedelta(days=1)).day
    return dt.date(year, month0 + 1, min(day.day, last_day))


def resolve_day(day: ir.RelativeDay, as_of: dt.date) -> dt.date:
    """(as_of + plus_days) minus ``back`` units; weeks are 7 days, years 12 months."""
    base = as_of + dt.timedelta(days=day.plus_days)
    if day.unit == "day":
        return base - dt.timedelta(days=day.back)
    if day.unit == "week":
        return base - dt.timedelta(days=7 * day.back)
    return shift_months(base, -day.back * (12 if day.unit == "year" else 1))


class _Evaluator:
    """Evaluates predicates entity by entity, caching what is shared between entities."""

    def __init__(self, schema: Schema, data: Dataset, as_of: dt.date) -> None:
        self.schema = schema
        self.data = data
        self.as_of = as_of
        self._groups: dict[str, dict[Any, list[Row]]] = {}
        self._aggregates: dict[ir.Aggregation, dict[Any, Any]] = {}
        self._percentiles: dict[ir.Percentile, set[Any]] = {}
        # The same node object is looked up once per entity: by identity first, so equal but
        # separately built aggregates (two segments, a trait used twice) are compared deeply
        # only once, not once per entity.
        self._by_id: dict[int, tuple[ir.Aggregation, dict[Any, Any]]] = {}

    def members(self, pred: ir.Pred) -> set[Any]:
        return {e[self.schema.key] for e in self.data.entities if self.holds(pred, e, None)}

    # ---- predicates ------------------------------------------------------------------

    def holds(self, pred: ir.Pred, entity: Row, row: Row | None) -> bool:
        """Whether ``pred`` is true for the entity (and the related row, inside aggregates)."""
        if isinstance(pred, ir.And):
            return all(self.holds(p, entity, row) for p in pred.preds)
        if isinstance(pred, ir.Or):
            return any(self.holds(p, entity, row) for p in pred.preds)
        if isinstance(pred, ir.Not):
            return not self.holds(pred.pred, entity, row)
        if isinstance(pred, ir.Const):
            return pred.value
        if isinstance(pred, ir.Percentile):
            return entity[self.schema.key] in self._percentile(pred)
        value = self.value(pred.value, entity, row)
        if isinstance(pred, ir.IsNull):
            return value is None
        if value is None:  # every remaining atom is positive: false on a missing value
            return False
        if isinstance(pred, ir.Compare):
            return _COMPARE[pred.op](value, pred.literal.value)
        if isinstance(pred, ir.InSet):
            return any(value == lit.value for lit in pred.literals)
        if isinstance(pred, ir.TextMatch):
            method = {"starts_with": str.startswith, "ends_with": str.endswith,
                      "contains": str.__contains__}[pred.kind]
            return bool(method(value, pred.text))
        if isinstance(pred, ir.RegexMatch):
            return re.search(pred.pattern, value) is not None
        if isinstance(pred, ir.ListHas):
            present = [lit.value in value for lit in pred.literals]
            return any(present) if pred.mode == "any" else all(present)
        return self._in_range(value, pred.low, pred.high)

    def _in_range(self, value: dt.date, low: ir.Bound | None, high: ir.Bound | None) -> bool:
        for bound, is_low in ((low, True), (high, False)):
            if bound is None:
                continue
            here, there = self._comparable(value, bound.point)
            if is_low and not (here >= there if bound.inclusive else here > there):
                return False
            if not is_low and not (here <= there if bound.inclusive else here < there):
                return False
        return True

    def _comparable(self, value: dt.date, point: ir.Day | dt.datetime) -> tuple[dt.date, dt.date]:
        """Day bounds compare the value's calendar day; timestamp bounds compare exactly."""
        if isinstance(point, dt.datetime):
            moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
            return moment, point
        day = value.date() if isinstance(value, dt.datetime) else value
        if isinstance(point, ir.RelativeDay):
            return day, resolve_day(point, self.as_of)
        return day, point

    # ---- values ----------------------------------------------------------------------

    def value(self, value: ir.Value, entity: Row, row: Row | None) -> Any:
        if isinstance(value, ir.Column):
            return entity.get(value.name)
        if isinstance(value, ir.RowColumn):
            if row is None:
                raise ValueError(f"related column {value.name!r} used outside an aggregate")
            return row.get(value.name)
        known = self._by_id.get(id(value))
        if known is None or known[0] is not value:
            known = self._by_id[id(value)] = (value, self._aggregates.setdefault(value, {}))
        cache = known[1]
        key = entity[self.schema.key]
        if key not in cache:
            cache[key] = self._aggregate(value, entity)
        return cache[key]

    def _aggregate(self, agg: ir.Aggregation, entity: Row) -> Any:
        rows = [r for r in self._rows(agg.relation).get(entity[self.schema.key], [])
                if (agg.window is None or self.holds(agg.window, entity, r))
                and (agg.filter is None or self.holds(agg.filter, entity, r))]
        if agg.func == "count":
            return len(rows)
        assert agg.arg is not None, f"{agg.func} needs a column"
        values = [v for v in (r.get(agg.arg.name) for r in rows) if v is not None]
        if agg.func == "count_distinct":
            return len({tuple(v) if isinstance(v, list) else v for v in values})
        if agg.func == "sum":
            return sum((Fraction(v) for v in values), Fraction(0))
        if not values:
            return None  # avg, min and max over no values are missing
        if agg.func == "avg":
            return sum((Fraction(v) for v in values), Fraction(0)) / len(values)
        return min(values) if agg.func == "min" else max(values)

    def _rows(self, relation: ir.RelationRef) -> dict[Any, list[Row]]:
        """The relation's rows grouped by entity key, built once per evaluation."""
        if relation.name not in self._groups:
            if relation.name not in self.data.relations:
                raise KeyError(f"the dataset has no rows for relation {relation.name!r}")
            groups: dict[Any, list[Row]] = {}
            for row in self.data.relations[relation.name]:
                key = row.get(relation.key)
                if key is not None:  # a missing key joins no entity, as in SQL
                    groups.setdefault(key, []).append(row)
            self._groups[relation.name] = groups
        return self._groups[relation.name]

    def _percentile(self, pred: ir.Percentile) -> set[Any]:
        """Keys in the top/bottom p%: fewer than p% of valued entities are strictly beyond."""
        if pred not in self._percentiles:
            key = self.schema.key
            valued = [(e[key], v) for e in self.data.entities
                      if (v := self.value(pred.value, e, None)) is not None]
            ordered = sorted(v for _, v in valued)
            n = len(ordered)
            members = set()
            for entity_key, v in valued:
                beyond = (n - bisect.bisect_right(ordered, v) if pred.side == "top"
                          else bisect.bisect_left(ordered, v))
                if 100 * beyond < pred.percent * n:
                    members.add(entity_key)
            self._percentiles[pred] = members
        return self._percentiles[pred]


def evaluate(pred: ir.Pred, schema: Schema, data: Dataset, as_of: dt.date) -> set[Any]:
    """Keys of the entities for which ``pred`` holds on reference date ``as_of``."""
    return _Evaluator(schema, data, as_of).members(pred)


def evaluate_segment(segment: ir.Segment, schema: Schema, data: Dataset, as_of: dt.date) -> set[Any]:
    return evaluate(segment.pred, schema, data, as_of)


def evaluate_segments(segments: Mapping[str, ir.Segment], schema: Schema, data: Dataset,
                      as_of: dt.date) -> dict[str, set[Any]]:
    """Members of every segment by name; aggregates and percentiles shared between them are
    computed once."""
    evaluator = _Evaluator(schema, data, as_of)
    return {name: evaluator.members(segment.pred) for name, segment in segments.items()}


def explain_member(pred: ir.Pred, schema: Schema, data: Dataset, as_of: dt.date,
                   key: Any) -> list[tuple[str, bool]]:
    """Each top-level condition of ``pred`` (split on ``and``) and whether it held for ``key``."""
    entity = next((e for e in data.entities if e[schema.key] == key), None)
    if entity is None:
        raise KeyError(f"no entity with key {key!r}")
    evaluator = _Evaluator(schema, data, as_of)
    parts = pred.preds if isinstance(pred, ir.And) else (pred,)
    return [(describe(p), evaluator.holds(p, entity, None)) for p in parts]


def describe(node: ir.Pred | ir.Value) -> str:
    """A short, unambiguous rendering of the IR for explanations and test failures."""
    if isinstance(node, (ir.Column, ir.RowColumn)):
        return node.name
    if isinstance(node, ir.Aggregation):
        inner = node.relation.name + (f".{node.arg.name}" if node.arg else "")
        inner += f" during {describe(node.window)}" if node.window else ""
        inner += f" where {describe(node.filter)}" if node.filter else ""
        return f"{node.func}({inner})"
    if isinstance(node, (ir.And, ir.Or)):
        if not node.preds:
            return "true" if isinstance(node, ir.And) else "false"
        joiner = " and " if isinstance(node, ir.And) else " or "
        return "(" + joiner.join(describe(p) for p in node.preds) + ")"
    if isinstance(node, ir.Not):
        return f"not {describe(node.pred)}"
    if isinstance(node, ir.Const):
        return str(node.value).lower()
    if isinstance(node, ir.Percentile):
        return f"{describe(node.value)} in {node.side} {node.percent}%"
    subject = describe(node.value)
    if isinstance(node, ir.Compare):
        return f"{subject} {node.op} {_lit(node.literal.value)}"
    if isinstance(node, ir.InSet):
        return f"{subject} in ({', '.join(_lit(lit.value) for lit in node.literals)})"
    if isinstance(node, ir.TextMatch):
        return f"{subject} {node.kind.replace('_', ' ')} {node.text!r}"
    if isinstance(node, ir.RegexMatch):
        return f"{subject} matches {node.pattern!r}"
    if isinstance(node, ir.IsNull):
        return f"{subject} is null"
    if isinstance(node, ir.ListHas):
        return f"{subject} has {node.mode} ({', '.join(_lit(lit.value) for lit in node.literals)})"
    bounds = [f"{'>=' if b.inclusive else '>'} {_point(b.point)}" for b in (node.low,) if b]
    bounds += [f"{'<=' if b.inclusive else '<'} {_point(b.point)}" for b in (node.high,) if b]
    return f"{subject} " + " and ".join(bounds)


def _lit(value: ir.LiteralValue) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, str) else str(value)


def _point(point: ir.Day | dt.datetime) -> str:
    if isinstance(point, ir.RelativeDay):
        shift = f" + {point.plus_days} days" if point.plus_days else ""
        back = f" - {point.back} {point.unit}" if point.back else ""
        return f"(as_of{shift}{back})" if shift or back else "as_of"
    return point.isoformat()
