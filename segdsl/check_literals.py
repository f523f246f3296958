"""Literal values typed against a field's type, and the words diagnostics use for values.

Plain functions: a literal needs nothing from the checker but a way to report a problem
(``report``, the checker's ``_error``). ``Report`` and ``Need`` exist only for mypy, so
importing this module costs ``segdsl check`` no class creation.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from segdsl import ir
from segdsl import syntax as s
from segdsl.datatypes import DECIMAL, DataType
from segdsl.diagnostics import did_you_mean
from segdsl.limits import fits_64_bits

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Protocol

    class Report(Protocol):
        """Records one diagnostic at a span of the text being checked (Checker._error)."""

        def __call__(self, code: str, message: str, span: s.Span, hint: str | None = None) -> None: ...

    # Notes a dialect feature the condition needs (Checker._need).
    Need = Callable[[s.Span, str], None]


def literal_list(values: tuple[s.Value, ...], data_type: DataType, span: s.Span,
                 report: Report) -> tuple[ir.Lit, ...] | None:
    """The values of a list ``(…)``, each of ``data_type``, without repeats."""
    if not values:
        report("SEG113", "this list is empty", span, "put at least one value between the brackets")
        return None
    kinds = {type(v) for v in values if not isinstance(v, s.Null)}
    if len(kinds) > 1:
        report("SEG113", "this list mixes values of different types", span,
               f"every value must be {with_article(data_type)}")
        return None
    literals = [literal(v, data_type, report) for v in values]
    if any(lit is None for lit in literals):
        return None
    return tuple(dict.fromkeys(lit for lit in literals if lit is not None))


def literal(node: s.Value, data_type: DataType, report: Report) -> ir.Lit | None:
    kind = data_type.kind
    if isinstance(node, s.Null):
        null_value(node, "=", report)
        return None
    if kind in ("int", "decimal") and isinstance(node, s.Number):
        if not number_in_range(node):
            report("SEG121", f"{node.text} is too large a number for the engines", node.span,
                   "whole numbers fit in 64 bits (up to 9223372036854775807); others hold "
                   "at most 38 digits")
            return None
        if kind == "int" and node.is_integer:
            return ir.Lit(int(node.value), data_type)
        return ir.Lit(node.value, DECIMAL if kind == "int" else data_type)
    if kind == "string" and isinstance(node, s.String):
        return ir.Lit(node.value, data_type)
    if kind == "enum" and isinstance(node, s.String):
        if node.value not in data_type.values:
            suggestion = did_you_mean(node.value, data_type.values)
            choices = "values: " + ", ".join(f"'{v}'" for v in data_type.values)
            report("SEG112", f"'{node.value}' is not one of the values of this field", node.span,
                   f"did you mean '{suggestion}'?" if suggestion else choices)
            return None
        return ir.Lit(node.value, data_type)
    if kind == "bool" and isinstance(node, s.Bool):
        return ir.Lit(node.value, data_type)
    if kind in ("date", "timestamp") and isinstance(node, (s.Date, s.Timestamp)):
        if node.value is None:
            bad_date(node, report)
            return None
        return ir.Lit(node.value, data_type)
    if isinstance(node, (s.Date, s.Timestamp)) and node.value is None:
        bad_date(node, report)
        return None
    hint: str | None = None
    if kind in ("int", "decimal") and isinstance(node, s.String):
        hint = f"write numbers without quotes: {node.value}" if is_number(node.value) else None
    elif kind in ("string", "enum") and isinstance(node, (s.Number, s.Date, s.Timestamp, s.Bool)):
        hint = f"put text in quotes: '{literal_text(node)}'"
    report("SEG111", f"expected {with_article(data_type)} value here, not {describe_literal(node)}",
           node.span, hint)
    return None


def number_in_range(node: s.Number) -> bool:
    """Whole numbers within a signed 64-bit integer, others within DECIMAL(38): the range every
    engine reads the same way."""
    if node.is_integer:
        return fits_64_bits(int(node.value))
    return len(node.value.as_tuple().digits) <= 38


def null_value(node: s.Null, op: str, report: Report) -> None:
    good = "is null" if op == "=" else "is not null"
    report("SEG116", "null is not a value that can be compared", node.span, f"write '{good}'")


def bad_date(node: s.Date | s.Timestamp, report: Report) -> None:
    report("SEG004", f"{node.text} is not a real date", node.span,
           "check the month and the day of the month")


def check_values_only(node: s.Expr, report: Report) -> None:
    """Still report bad literals (e.g. 2024-02-30) when the operand itself was wrong."""
    for value in literal_values(node):
        if isinstance(value, (s.Date, s.Timestamp)) and value.value is None:
            bad_date(value, report)


def literal_values(node: s.Expr) -> list[s.Value]:
    values: list[s.Value] = []
    for attr in ("value", "low", "high"):
        item = getattr(node, attr, None)
        if isinstance(item, (s.Number, s.String, s.Date, s.Timestamp, s.Bool, s.Null)):
            values.append(item)
    values.extend(getattr(node, "values", ()) or ())
    return values


def is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def with_article(data_type: DataType) -> str:
    """'an int', 'a string': the type as a message names it."""
    text = str(data_type)
    article = "an" if text[0] in "aeiou" else "a"
    return f"{article} {text}"


def bare_hint(data_type: DataType) -> str:
    """How to turn a field that is not yes/no into a condition."""
    if data_type.is_numeric:
        return "compare it with a number, e.g. >= 18"
    if data_type.is_temporal:
        return "give it a window, e.g. in last 30 days"
    if data_type.kind == "list":
        return "use contains 'x' or has any ('x', 'y')"
    return "compare it with a value, e.g. = 'x'"


def operand_text(operand: s.Operand) -> str:
    if isinstance(operand, s.FieldRef):
        return operand.name.text
    if isinstance(operand, s.RelationFieldRef):
        return f"{operand.relation.text}.{operand.field.text}"
    return f"{operand.func}({operand.relation.text})"


def literal_text(node: s.Value) -> str:
    """The literal as the user would write it (strings without quotes)."""
    if isinstance(node, s.Number):
        return node.text
    if isinstance(node, s.String):
        return node.value
    if isinstance(node, (s.Date, s.Timestamp)):
        return node.text
    if isinstance(node, s.Bool):
        return "true" if node.value else "false"
    return "null"


def describe_literal(node: s.Value) -> str:
    if isinstance(node, s.Number):
        return f"the number {node.text}"
    if isinstance(node, s.String):
        return f"the text '{node.value}'"
    if isinstance(node, s.Date):
        return f"the date {node.text}"
    if isinstance(node, s.Timestamp):
        return f"the timestamp {node.text}"
    if isinstance(node, s.Bool):
        return "true" if node.value else "false"
    return "null"
