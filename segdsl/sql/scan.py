"""Which rows of a relation one grouped pass must read, decided on the IR (no SQL here).

The pass reads the union of what its aggregates need: the widest of their time windows
and any of their filters (``name = 'add_to_cart'`` and ``name = 'purchase'`` become one
``name in (…)``). What the scan already guarantees is then left out of each aggregate's
own condition, so a lone ``sum(orders.amount in last 365 days where status = 'paid')`` is a
plain SUM over the rows the WHERE keeps.
"""

from __future__ import annotations

import datetime as dt

from segdsl import ir
from segdsl.node import Node
from segdsl.sql.lowering import resolve_day
from segdsl.sql.plan import RelationPlan


class Scan(Node):
    """The rows one pass reads: within ``window`` (None: any time) and passing ``filter``."""

    window: ir.TimeRange | None
    filter: ir.Pred | None


def relation_scan(rel: RelationPlan, as_of: dt.date | None) -> Scan:
    return Scan(_widest_window(rel, as_of), _any_filter(list(rel.columns)))


def own_conditions(aggregation: ir.Aggregation, scan: Scan) -> list[ir.Pred]:
    """The parts of an aggregate's window and filter that the scan does not already apply."""
    conditions: list[ir.Pred] = []
    window = aggregation.window
    if window is not None:
        same_column = scan.window is not None and scan.window.value == window.value
        low = None if same_column and scan.window is not None and scan.window.low == window.low else window.low
        high = None if same_column and scan.window is not None and scan.window.high == window.high else window.high
        if low is not None or high is not None:
            conditions.append(ir.TimeRange(window.value, low, high))
    if aggregation.filter is not None and aggregation.filter != scan.filter:
        conditions.append(aggregation.filter)
    return conditions


def _widest_window(rel: RelationPlan, as_of: dt.date | None) -> ir.TimeRange | None:
    """The union of the aggregates' windows (None: some aggregate needs every row).

    An unwindowed ``max(time)`` that is only compared with a lower bound counts as a window
    from that bound onwards, with no end (see segdsl.sql.plan).
    """
    windows = [a.window if a not in rel.lower_bounds
               else ir.TimeRange(a.arg, rel.lower_bounds[a], None) if a.arg is not None else None
               for a in rel.columns]
    if not windows or any(w is None for w in windows):
        return None
    ranges = [w for w in windows if w is not None]
    if len({w.value for w in ranges}) > 1:  # a max over another column than the windows'
        return None
    low = _widest([w.low for w in ranges], as_of, earliest=True)
    high = _widest([w.high for w in ranges], as_of, earliest=False)
    if low is None and high is None:
        return None
    return ir.TimeRange(ranges[0].value, low, high)


def _any_filter(aggregations: list[ir.Aggregation]) -> ir.Pred | None:
    """Rows that pass at least one aggregate's filter (None: some aggregate reads every row)."""
    filters = [a.filter for a in aggregations]
    if not filters or any(f is None for f in filters):
        return None
    return _merge_in_sets([f for f in dict.fromkeys(filters) if f is not None])


def _merge_in_sets(filters: list[ir.Pred]) -> ir.Pred:
    """OR of filters; equality tests of one column (`=`, `in`) become one `in` list."""
    if len(filters) == 1:
        return filters[0]
    values = [_equality_values(f) for f in filters]
    if all(v is not None for v in values):
        columns = {v[0] for v in values if v is not None}
        if len(columns) == 1:
            literals = [lit for v in values if v is not None for lit in v[1]]
            return ir.InSet(columns.pop(), tuple(dict.fromkeys(literals)))
    return ir.Or(tuple(filters))


def _equality_values(pred: ir.Pred) -> tuple[ir.Value, tuple[ir.Lit, ...]] | None:
    if isinstance(pred, ir.Compare) and pred.op == "=":
        return pred.value, (pred.literal,)
    if isinstance(pred, ir.InSet):
        return pred.value, pred.literals
    return None


def _widest(bounds: list[ir.Bound | None], as_of: dt.date | None, earliest: bool) -> ir.Bound | None:
    """The bound that admits the most rows, or None when it cannot be known at compile time."""
    if any(b is None for b in bounds):
        return None
    keyed = []
    for bound in bounds:
        assert bound is not None
        key = _bound_key(bound, as_of, is_low=earliest)
        if key is None:
            return _same_unit_widest(bounds, earliest)
        keyed.append((key, bound))
    keyed.sort(key=lambda item: item[0])
    return keyed[0][1] if earliest else keyed[-1][1]


def _bound_key(bound: ir.Bound, as_of: dt.date | None, is_low: bool) -> tuple[dt.datetime, int] | None:
    """The first instant a low bound admits, or the first instant past a high bound."""
    point = bound.point
    if isinstance(point, ir.RelativeDay):
        if as_of is None:
            return None
        point = resolve_day(point, as_of)
    if isinstance(point, dt.datetime):
        return (point, int(bound.inclusive != is_low))
    start = dt.datetime.combine(point, dt.time())
    next_day = start + dt.timedelta(days=1) if point < dt.date.max else dt.datetime.max
    if is_low:
        return (start if bound.inclusive else next_day, 0)
    return (next_day if bound.inclusive else start, 0)


_DAYS_IN = {"day": (1, 1), "week": (7, 7), "month": (28, 31), "year": (365, 366)}  # (fewest, most)


def _same_unit_widest(bounds: list[ir.Bound | None], earliest: bool) -> ir.Bound | None:
    """The widest of relative-day bounds when the reference date is only known at run time.

    Same unit and all inclusive: exactly the widest one. Otherwise a bound in days at least as
    wide as each (a month is at most 31 days, a year 366): the WHERE only has to keep every
    row an aggregate might need, and each aggregate still applies its own exact window.
    """
    points = [b.point for b in bounds if b is not None]
    relative = [p for p in points if isinstance(p, ir.RelativeDay)]
    if len(relative) != len(points):
        return None
    if all(b and b.inclusive for b in bounds) and len({(p.unit, p.plus_days) for p in relative}) == 1:
        chosen = max(relative, key=lambda p: p.back) if earliest else min(relative, key=lambda p: p.back)
        return ir.Bound(chosen, True)
    # offset of each bound's day from the reference date, at its widest
    if earliest:
        offset = min(p.plus_days - p.back * _DAYS_IN[p.unit][1] for p in relative)
    else:
        offset = max(p.plus_days - p.back * _DAYS_IN[p.unit][0] for p in relative)
    return ir.Bound(ir.RelativeDay(max(-offset, 0), "day", plus_days=max(offset, 0)), True)
