"""What the query needs from each related table, decided before any SQL is written.

The SQL builder asks the plan, not the IR, how to read a relation:

* every aggregate over one relation shares one grouped pass (a CTE), joined once;
* a relation used only by one "has"/"no" test is read with ``key IN (SELECT …)`` instead
  (a semi or anti join: no aggregation at all);
* the CTE is joined with INNER JOIN when the segment cannot hold an entity with no rows
  there (``count(orders) >= 3``), which lets the engine filter the groups before the join;
* an unwindowed ``max(time)`` that the segment only compares with a lower bound
  (``max(orders.created_at) in last 30 days``) needs no row older than that bound.

All of it follows from the documented zero-row values: count and sum are 0, avg, min and
max are missing, and a condition on a missing value is false.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from segdsl import ir


class RelationPlan:
    """How one relation is read: its aggregates' column aliases, and how it joins."""

    def __init__(self, alias: str, cte: str, relation: ir.RelationRef) -> None:
        self.alias = alias
        self.cte = cte
        self.relation = relation
        self.columns: dict[ir.Aggregation, str] = {}
        self.inner = False  # INNER JOIN: the segment excludes entities with no rows here
        self.semi_join: ir.Aggregation | None = None  # read with key IN (…) (no CTE, no join)
        self.lower_bounds: dict[ir.Aggregation, ir.Bound] = {}  # unwindowed max(time) ≥ bound


class Plan:
    def __init__(self) -> None:
        self.relations: dict[str, RelationPlan] = {}
        self.percentiles: dict[tuple[ir.Value, str], str] = {}

    def joined(self) -> list[RelationPlan]:
        """Relations read through a CTE and a join (not with ``key IN (…)``)."""
        return [rel for rel in self.relations.values() if rel.semi_join is None]


def make_plan(preds: list[ir.Pred], members_only: bool, semi_joins: bool) -> Plan:
    """The plan for these predicates: one segment's members, or several as flag columns.

    ``semi_joins``: whether a has/no test may be read as ``key IN (SELECT …)`` (only in a
    WHERE: some engines refuse subquery predicates in a SELECT list, as flag columns are).
    """
    plan = Plan()
    uses: dict[ir.Aggregation, list[ir.Pred]] = {}
    for pred in preds:
        for node in ir.walk(pred):
            value = getattr(node, "value", None)
            if isinstance(value, ir.Aggregation):
                uses.setdefault(value, []).append(node)
        for aggregation in ir.aggregations(pred):
            name = aggregation.relation.name
            if name not in plan.relations:
                index = len(plan.relations) + 1
                plan.relations[name] = RelationPlan(f"rel{index}", f"seg_{name}", aggregation.relation)
            rel = plan.relations[name]
            rel.columns.setdefault(aggregation, f"a{len(rel.columns) + 1}")
        for percentile in ir.percentiles(pred):
            plan.percentiles.setdefault((percentile.value, percentile.side), f"pct{len(plan.percentiles) + 1}")
    for rel in plan.relations.values():
        aggregations = list(rel.columns)
        if (semi_joins and len(aggregations) == 1
                and all(_existence(node) is not None for node in uses[aggregations[0]])):
            rel.semi_join = aggregations[0]
            continue
        if members_only and len(preds) == 1:
            rel.inner = any(rejects_no_rows(preds[0], a) for a in aggregations)
        for aggregation in aggregations:
            bound = _lower_bound_of_max(aggregation, uses[aggregation])
            if bound is not None:
                rel.lower_bounds[aggregation] = bound
    return plan


# ---- has/no ---------------------------------------------------------------------------------

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge}


def _existence(node: ir.Pred) -> bool | None:
    """For ``count(…) <op> n``: True if it means "has a row", False for "has none", else None."""
    if not (isinstance(node, ir.Compare) and isinstance(node.value, ir.Aggregation)
            and node.value.func == "count" and isinstance(node.literal.value, int)
            and not isinstance(node.literal.value, bool)):
        return None
    compare = _OPS[node.op]
    at_zero, at_one = compare(0, node.literal.value), compare(1, node.literal.value)
    # a count test means existence when every count ≥ 1 answers like 1 does
    many = all(compare(n, node.literal.value) == at_one for n in range(1, max(node.literal.value, 1) + 2))
    if not many or at_zero == at_one:
        return None
    return at_one


def existence(node: ir.Compare) -> bool:
    """Whether a count test read as ``key IN (…)`` holds when rows exist (RelationPlan.exists)."""
    found = _existence(node)
    assert found is not None
    return found


# ---- entities with no rows -------------------------------------------------------------------


def rejects_no_rows(pred: ir.Pred, aggregation: ir.Aggregation, negate: bool = False) -> bool:
    """True when ``pred`` is false for every entity that has no row for ``aggregation``.

    Such an entity has the zero-row value (count and sum 0, the others missing), and a
    condition on a missing value is false, its ``not`` true (two-valued logic).
    """
    if isinstance(pred, ir.Not):
        return rejects_no_rows(pred.pred, aggregation, not negate)
    if isinstance(pred, (ir.And, ir.Or)):
        conjunction = isinstance(pred, ir.And) != negate
        parts = [rejects_no_rows(p, aggregation, negate) for p in pred.preds]
        return any(parts) if conjunction else bool(parts) and all(parts)
    if getattr(pred, "value", None) != aggregation:
        return False
    holds = _holds_with_no_rows(pred, aggregation)
    return holds is not None and holds == negate


def _holds_with_no_rows(pred: ir.Pred, aggregation: ir.Aggregation) -> bool | None:
    """Whether an atom on the aggregate holds at its zero-row value (None: cannot tell)."""
    if aggregation.func not in ("count", "count_distinct", "sum"):  # missing: false
        return False if isinstance(pred, (ir.Compare, ir.InSet, ir.TimeRange)) else None
    if isinstance(pred, ir.Compare) and _is_number(pred.literal.value):
        return _OPS[pred.op](0, pred.literal.value)
    if isinstance(pred, ir.InSet):
        return any(_is_number(lit.value) and lit.value == 0 for lit in pred.literals)
    return None


def _is_number(value: object) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


# ---- max(time) with a lower bound ----------------------------------------------------------


def _lower_bound_of_max(aggregation: ir.Aggregation, uses: list[ir.Pred]) -> ir.Bound | None:
    """The earliest bound every use of an unwindowed ``max(time)`` puts under it, if any.

    ``max(t) ≥ L`` holds exactly when some row has ``t ≥ L``, so rows older than L cannot
    change its answer (a max over no row is missing, and that is false too). Any upper bound
    still needs every later row, so this only ever lowers the start of the scan.
    """
    if aggregation.func != "max" or aggregation.window is not None or aggregation.arg is None:
        return None
    if aggregation.arg.type.kind not in ("date", "timestamp"):
        return None
    bounds: list[ir.Bound] = []
    for node in uses:
        if isinstance(node, ir.TimeRange) and node.low is not None:
            bounds.append(node.low)
        elif (isinstance(node, ir.Compare) and node.op in (">", ">=")
              and isinstance(node.literal.value, (dt.date, dt.datetime))):
            bounds.append(ir.Bound(node.literal.value, node.op == ">="))
        else:
            return None
    if not bounds:
        return None
    return _earliest(bounds)


def _earliest(bounds: list[ir.Bound]) -> ir.Bound | None:
    """The earliest of several bounds when they can be ordered without a reference date."""
    days = [b.point for b in bounds]
    if len(bounds) == 1:
        return ir.Bound(days[0], True)  # inclusive: a wider scan is always safe
    if all(isinstance(d, ir.RelativeDay) for d in days):
        relative = [d for d in days if isinstance(d, ir.RelativeDay)]
        if len({(d.unit, d.plus_days) for d in relative}) == 1:
            return ir.Bound(max(relative, key=lambda d: d.back), True)
        return None
    if all(isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in days):
        return ir.Bound(min(d for d in days if isinstance(d, dt.date)), True)
    if all(isinstance(d, dt.date) for d in days):  # datetime is a date too
        moments = [d if isinstance(d, dt.datetime) else dt.datetime.combine(d, dt.time())
                   for d in days if isinstance(d, dt.date)]
        return ir.Bound(min(moments), True)  # inclusive: a wider scan is always safe
    return None
