"""The documented limits on what a segment may say, kept in one place.

Every stage after the parser walks the condition tree recursively (checker, SQL builder,
lint, the reference evaluator, describe, fmt), so the tree's depth is capped here, well
below Python's recursion limit, and input beyond the cap becomes a SEG005 diagnostic
instead of a RecursionError. Windows are capped so that every date they reach stays on the
calendar of Python and of every engine.
"""

from __future__ import annotations

import datetime as dt

from segdsl import syntax as s

# Levels of not / and / or / has-filter a condition may nest, counting the levels that
# `in segment NAME` and traits bring with them. Each level costs the deepest walker (fmt)
# about four stack frames, so 100 levels stay far inside Python's default limit of 1000.
MAX_NESTING = 100

# The longest window or "N units ago", per unit: 1,000 years, however it is written.
MAX_WINDOW = {"day": 365_000, "week": 52_000, "month": 12_000, "year": 1_000}
WINDOW_LIMIT_TEXT = "1,000 years (365,000 days, 52,000 weeks or 12,000 months)"
# The reference date (--as-of, as_of=): the longest window back from it, and the day after
# it (`in last …` ends with the reference day), must still be calendar days.
AS_OF_FIRST, AS_OF_LAST = dt.date(1001, 1, 1), dt.date(9998, 12, 31)


def fits_64_bits(number: int) -> bool:
    """A whole number every engine reads alike: a signed 64-bit integer (BIGINT)."""
    return -2**63 <= number < 2**63


def reference_date(value: object) -> dt.date:
    """``as_of`` as a date: a date or an ISO ``YYYY-MM-DD`` string, within the calendar limits.

    A datetime is refused (TypeError): windows count whole days, and which day a datetime
    falls on depends on a time zone segdsl cannot know.
    """
    if isinstance(value, dt.datetime):
        raise TypeError(f"as_of must be a date, not a datetime ({value.isoformat()}); "
                        "pass as_of.date() for the day you mean")
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"as_of must be a date like '2026-06-30', not {value!r}") from None
    if not isinstance(value, dt.date):
        raise TypeError(f"as_of must be a date or a 'YYYY-MM-DD' string, not {type(value).__name__}")
    if not AS_OF_FIRST <= value <= AS_OF_LAST:
        raise ValueError(f"as_of must be between {AS_OF_FIRST} and {AS_OF_LAST}, so that windows of up "
                         f"to 1,000 years stay on the calendar; got {value}")
    return value


def children(node: s.Expr) -> tuple[s.Expr, ...]:
    """The conditions directly inside a condition: one nesting level down."""
    if isinstance(node, (s.And, s.Or)):
        return node.items
    if isinstance(node, s.Not):
        return (node.operand,)
    if isinstance(node, s.HasRows):
        return (node.filter,) if node.filter is not None else ()
    operand = getattr(node, "operand", None)
    if isinstance(operand, s.Aggregate) and operand.filter is not None:
        return (operand.filter,)
    return ()


def too_deep(expr: s.Expr, levels: int = MAX_NESTING) -> s.Expr | None:
    """The first condition (in reading order) nested deeper than ``levels`` (the root is level 1).

    Walks with an explicit stack: this is what protects the recursive walkers.
    """
    stack = [(expr, 1)]
    while stack:
        node, level = stack.pop()
        if level > levels:
            return node
        stack.extend((child, level + 1) for child in reversed(children(node)))
    return None
