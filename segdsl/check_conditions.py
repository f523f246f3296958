"""One condition (compare, range, in, text match, regex, list, null, window) on a typed value.

The checker resolves the operand (a field, trait or aggregate) and hands over its IR value
and type; what is left needs no names and no schema, so these are plain functions taking
``report`` and ``need`` (see check_literals.py) and, for regex spans, the source text.
"""

from __future__ import annotations

import re
import warnings
from typing import TYPE_CHECKING

from segdsl import ir
from segdsl import syntax as s
from segdsl.check_literals import (
    bare_hint,
    literal,
    literal_list,
    literal_text,
    null_value,
    operand_text,
    with_article,
)
from segdsl.check_time import empty_span, time_compare, time_point, window
from segdsl.datatypes import BOOL, DataType
from segdsl.portable_regex import portability_problem

if TYPE_CHECKING:
    from segdsl.check_literals import Need, Report


def condition(node: s.Expr, value: ir.Value, data_type: DataType, report: Report, need: Need,
              text: str) -> ir.Pred | None:
    """``node`` on ``value`` (its operand, of ``data_type``); ``text`` is the source checked."""
    if isinstance(node, s.BareBool):
        if data_type.kind != "bool":
            report("SEG117", f"'{operand_text(node.operand)}' is {with_article(data_type)}, not a "
                   "yes/no condition", node.span, bare_hint(data_type))
            return None
        return ir.Compare(value, "=", ir.Lit(True, BOOL))
    if isinstance(node, s.Compare):
        return compare(value, data_type, node, report, need)
    if isinstance(node, s.Range):
        return value_range(value, data_type, node, report, need)
    if isinstance(node, s.InList):
        return in_list(value, data_type, node, report)
    if isinstance(node, s.TextMatch):
        return text_match(value, data_type, node, report, need)
    if isinstance(node, s.Matches):
        return matches(value, data_type, node, report, need, text)
    if isinstance(node, s.IsNull):
        if data_type.kind == "list":
            need(node.span, "missing_lists")
        pred: ir.Pred = ir.IsNull(value)
        return ir.Not(pred) if node.negated else pred
    if isinstance(node, s.ListHas):
        return list_has(value, data_type, node.mode, node.values, node.span, node.list_span, report, need)
    if isinstance(node, s.TimeCondition):
        if not data_type.is_temporal:
            report("SEG110", f"time windows need a date or timestamp, but '{operand_text(node.operand)}' "
                   f"is {with_article(data_type)}", node.span)
            return None
        return window(value, node.window, report, need)
    raise AssertionError(f"unhandled condition {type(node).__name__}")  # pragma: no cover


def bool_trait(node: s.Expr, pred: ir.Pred, report: Report) -> ir.Pred | None:
    """A yes/no trait as a condition: on its own, or compared with true/false."""
    if isinstance(node, s.BareBool):
        return pred
    if isinstance(node, s.Compare) and node.op in ("=", "!=") and isinstance(node.value, s.Bool):
        positive = node.value.value == (node.op == "=")
        return pred if positive else ir.Not(pred)
    report("SEG110", "this trait is a yes/no condition; use it on its own, with 'not', "
           "or compare it with true/false", node.span)
    return None


def compare(value: ir.Value, data_type: DataType, node: s.Compare, report: Report,
            need: Need) -> ir.Pred | None:
    if isinstance(node.value, s.Null):
        null_value(node.value, node.op, report)
        return None
    if data_type.kind == "list":
        report("SEG110", "lists cannot be compared; use 'contains', 'has any (…)' or "
               "'has all (…)'", node.op_span)
        return None
    if data_type.is_temporal:
        point = time_point(node.value, report, need)
        if point is None:
            return None
        return time_compare(value, node.op, point)
    if node.op not in ("=", "!=") and not data_type.is_numeric:
        hint = ("enum values have no order; list the values you want with 'in (…)'"
                if data_type.kind == "enum" else
                "text is compared exactly; use '=', 'in (…)', 'starts with' or 'contains'")
        if data_type.kind == "bool":
            hint = "compare yes/no fields with = true or = false"
        report("SEG110", f"'{node.op}' does not apply to {with_article(data_type)} field", node.op_span,
               hint)
        return None
    lit = literal(node.value, data_type, report)
    if lit is None:
        return None
    if node.op == "!=":
        return ir.Not(ir.Compare(value, "=", lit))
    return ir.Compare(value, node.op, lit)


def value_range(value: ir.Value, data_type: DataType, node: s.Range, report: Report,
                need: Need) -> ir.Pred | None:
    if not data_type.is_orderable:
        report("SEG110", f"ranges need numbers, dates or timestamps, but this is "
               f"{with_article(data_type)}", node.span)
        return None
    if data_type.is_temporal:
        low_point = time_point(node.low, report, need)
        high_point = time_point(node.high, report, need)
        if low_point is None or high_point is None:
            return None
        if empty_span(low_point, high_point):
            empty_range(node, report)
            return None
        return ir.TimeRange(value, ir.Bound(low_point, True), ir.Bound(high_point, True))
    low = literal(node.low, data_type, report)
    high = literal(node.high, data_type, report)
    if low is None or high is None:
        return None
    if low.value > high.value:  # type: ignore[operator]
        empty_range(node, report)
        return None
    return ir.And((ir.Compare(value, ">=", low), ir.Compare(value, "<=", high)))


def empty_range(node: s.Range, report: Report) -> None:
    low, high = literal_text(node.low), literal_text(node.high)
    report("SEG114", f"this range is empty: {low} is above {high}", node.span,
           f"write the low bound first: {high}..{low}")


def in_list(value: ir.Value, data_type: DataType, node: s.InList, report: Report) -> ir.Pred | None:
    if data_type.kind in ("list", "bool"):
        hint = "use 'has any (…)'" if data_type.kind == "list" else "use = true or = false"
        report("SEG110", f"'in (…)' does not apply to {with_article(data_type)} field", node.span, hint)
        return None
    literals = literal_list(node.values, data_type, node.list_span, report)
    if literals is None:
        return None
    pred: ir.Pred
    if data_type.is_temporal:
        pred = ir.Or(tuple(time_compare(value, "=", lit.value) for lit in literals))  # type: ignore[arg-type]
    else:
        pred = ir.InSet(value, literals)
    return ir.Not(pred) if node.negated else pred


def text_match(value: ir.Value, data_type: DataType, node: s.TextMatch, report: Report,
               need: Need) -> ir.Pred | None:
    if data_type.kind == "list" and node.kind == "contains":
        return list_has(value, data_type, "any", (node.value,), node.span, node.value.span, report, need)
    if data_type.kind != "string":
        words = node.kind.replace("_", " ")
        hint = "enum fields are matched with = or in (…)" if data_type.kind == "enum" else None
        report("SEG110", f"'{words}' needs a text field, but this is {with_article(data_type)}",
               node.span, hint)
        return None
    if not isinstance(node.value, s.String):
        report("SEG111", f"'{node.kind.replace('_', ' ')}' needs a quoted text",
               node.value.span, f"write '{literal_text(node.value)}' in quotes")
        return None
    need(node.span, "text_match")
    return ir.TextMatch(value, node.kind, node.value.value)


def matches(value: ir.Value, data_type: DataType, node: s.Matches, report: Report, need: Need,
            text: str) -> ir.Pred | None:
    if data_type.kind != "string":
        report("SEG110", f"'matches' needs a text field, but this is {with_article(data_type)}",
               node.span)
        return None
    try:
        with warnings.catch_warnings():  # e.g. "possible nested set": reported below instead
            warnings.simplefilter("ignore")
            re.compile(node.pattern.value)
    except re.error as error:
        report("SEG115", f"invalid regular expression: {error.msg}", node.pattern.span)
        return None
    problem = portability_problem(node.pattern.value)
    if problem is not None:
        report("SEG115", problem.message, inside(node.pattern, problem.start, problem.end, text),
               problem.hint)
        return None
    need(node.span, "regex")
    return ir.RegexMatch(value, node.pattern.value)


def inside(string: s.String, start: int, end: int, text: str) -> s.Span:
    """The span of string.value[start:end] in the source (quotes inside are written twice)."""
    span = string.span
    raw = text[span.start + 1:span.end - 1]
    quote = text[span.start:span.start + 1]
    if len(raw) != span.end - span.start - 2 or span.end_line != span.line:
        return span  # pragma: no cover - a string literal sits on one line
    offsets, index = [], 0
    while index <= len(raw):
        offsets.append(index)
        index += 2 if quote and raw[index:index + 2] == quote * 2 else 1
    first, last = offsets[min(start, len(offsets) - 1)], offsets[min(end, len(offsets) - 1)]
    column = span.column + 1
    return s.Span(span.start + 1 + first, span.start + 1 + last, span.line, column + first,
                  span.line, column + last)


def list_has(value: ir.Value, data_type: DataType, mode: str, values: tuple[s.Value, ...],
             span: s.Span, list_span: s.Span, report: Report, need: Need) -> ir.Pred | None:
    if data_type.kind != "list" or data_type.element is None:
        report("SEG110", f"'has {mode}' needs a list field, but this is {with_article(data_type)}", span,
               "use 'in (…)' to test a single value against several")
        return None
    literals = literal_list(values, data_type.element, list_span, report)
    need(span, "lists")
    if literals is None:
        return None
    return ir.ListHas(value, "all" if mode == "all" else "any", literals)
