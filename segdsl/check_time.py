"""Windows, time points and date comparisons, checked and turned into ``ir.TimeRange``.

Plain functions: time needs nothing from the checker but ``report`` (a problem) and
``need`` (a dialect feature, e.g. relative time). A date compares as its whole day, so
``=``, ``<`` and ranges on dates and timestamps all become time ranges here.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from segdsl import ir
from segdsl import syntax as s
from segdsl.check_literals import bad_date, describe_literal, null_value
from segdsl.limits import MAX_WINDOW, WINDOW_LIMIT_TEXT

if TYPE_CHECKING:
    from segdsl.check_literals import Need, Report

    Point = ir.Day | dt.datetime  # a day (maybe relative to today) or an instant


def window(value: ir.Value, node: s.Window, report: Report, need: Need) -> ir.TimeRange | None:
    if isinstance(node, s.LastWindow):
        duration = node.duration
        if duration.amount <= 0:
            report("SEG120", "a window needs a length of at least 1", duration.span)
            return None
        if not within_calendar(duration, "this window", report):
            return None
        low = ir.Bound(ir.RelativeDay(duration.amount, duration.unit, plus_days=1), True)
        return ir.TimeRange(value, low, ir.Bound(ir.RelativeDay(0, "day"), True))
    if isinstance(node, s.BeforeWindow):
        point = time_ref(node.ref, report, need)
        return None if point is None else ir.TimeRange(value, None, ir.Bound(point, False))
    if isinstance(node, s.AfterWindow):
        point = time_ref(node.ref, report, need)
        return None if point is None else ir.TimeRange(value, ir.Bound(point, False), None)
    low_point = time_point(node.low, report, need)
    high_point = time_point(node.high, report, need)
    if low_point is None or high_point is None:
        return None
    if empty_span(low_point, high_point):
        report("SEG114", "this window is empty: its start is after its end", node.span)
        return None
    return ir.TimeRange(value, ir.Bound(low_point, True), ir.Bound(high_point, True))


def time_ref(ref: s.TimeRef, report: Report, need: Need) -> Point | None:
    if isinstance(ref, s.Ago):
        if ref.duration.amount < 0:
            report("SEG120", "use a positive number of units before 'ago'", ref.span)
            return None
        if not within_calendar(ref.duration, f"'{ref.duration.amount} {ref.duration.unit}s ago'",
                               report):
            return None
        need(ref.span, "relative_time")
        return ir.RelativeDay(ref.duration.amount, ref.duration.unit)
    if isinstance(ref, s.Today):
        need(ref.span, "relative_time")
        return ir.RelativeDay(0, "day")
    return time_point(ref, report, need)


def within_calendar(duration: s.Duration, what: str, report: Report) -> bool:
    if duration.amount <= MAX_WINDOW[duration.unit]:
        return True
    report("SEG120", f"{what} reaches back more than 1,000 years", duration.span,
           f"windows and 'N units ago' reach back at most {WINDOW_LIMIT_TEXT}")
    return False


def time_point(node: s.Value | s.TimeRef, report: Report, need: Need) -> Point | None:
    if isinstance(node, (s.Date, s.Timestamp)):
        if node.value is None:
            bad_date(node, report)
            return None
        return node.value
    if isinstance(node, (s.Ago, s.Today)):
        return time_ref(node, report, need)
    if isinstance(node, s.Null):
        null_value(node, "=", report)
        return None
    report("SEG111", f"expected a date such as 2024-01-01 here, not {describe_literal(node)}",
           node.span, "dates are written without quotes: 2024-01-01")
    return None


def time_compare(value: ir.Value, op: str, point: Point) -> ir.Pred:
    incl, excl = ir.Bound(point, True), ir.Bound(point, False)
    if op == "=":
        return ir.TimeRange(value, incl, incl)
    if op == "!=":
        return ir.Not(ir.TimeRange(value, incl, incl))
    if op == "<":
        return ir.TimeRange(value, None, excl)
    if op == "<=":
        return ir.TimeRange(value, None, incl)
    if op == ">":
        return ir.TimeRange(value, excl, None)
    return ir.TimeRange(value, incl, None)


def empty_span(low: Point, high: Point) -> bool:
    """Whether low..high holds no instant, a date meaning its whole day (12:00..that day is not)."""
    if not isinstance(low, dt.date) or not isinstance(high, dt.date):
        return False  # relative days are not compared at check time
    start = low if isinstance(low, dt.datetime) else dt.datetime.combine(low, dt.time.min)
    end = high if isinstance(high, dt.datetime) else dt.datetime.combine(high, dt.time.max)
    return start > end
