"""AST + schema → IR, or diagnostics.

Resolves names (fields, traits, relations, segments), checks every condition against the
field's type, inlines traits and segment references, and reports *all* mistakes. It never
imports sqlglot or duckdb: ``segdsl check`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TypeVar

from segdsl import ir
from segdsl import syntax as s
from segdsl.datatypes import BOOL, DECIMAL, INT, DataType
from segdsl.diagnostics import Diagnostic, Source, did_you_mean, make
from segdsl.dialects import Dialect
from segdsl.limits import MAX_NESTING, MAX_WINDOW, WINDOW_LIMIT_TEXT
from segdsl.node import Node
from segdsl.parser import implicit_name, parse_expression, segment_headers
from segdsl.portable_regex import portability_problem
from segdsl.references import dependency_order, field_references, segment_references
from segdsl.schema import Relation, Schema


class _Scope(Node):
    """Where names are looked up: the entity, or one relation's rows (inside a filter)."""

    relation: Relation | None = None


_ENTITY = _Scope()
_TraitValue = ir.Value | ir.Pred
# what checking a schema's traits leaves in a Checker (see Checker.check_traits)
_TraitState = tuple[dict[str, "_TraitValue | None"], tuple[Diagnostic, ...], dict[str, int], set[str],
                    dict[str, tuple[Diagnostic, ...]], dict[str, frozenset[str]]]
# (id(schema), dialect) -> (the schema, kept alive so the id stays its own; its trait state)
_TRAIT_CACHE: dict[tuple[int, str | None], tuple[Schema, _TraitState]] = {}
_T = TypeVar("_T")


class Checker:
    """Checks segment files against one schema (and optionally one dialect)."""

    def __init__(self, schema: Schema, dialect: Dialect | None = None) -> None:
        self.schema = schema
        self.dialect = dialect
        self.diagnostics: list[Diagnostic] = []
        self._source = schema.source
        self._traits: dict[str, _TraitValue | None] = {}
        self._traits_ready = False
        self._segments: dict[str, tuple[s.Segment, Source]] = {}
        self._resolved: dict[str, ir.Pred | None] = {}
        self._used_traits: set[str] = set()
        # Nesting: the level of the condition being checked, the deepest level reached, and
        # how deep each segment and trait goes on its own ("seg:NAME" / "trait:NAME").
        self._depth = 0
        self._peak = 0
        self._heights: dict[str, int] = {}
        # SEG140 problems are kept per owner ("seg:NAME" / "trait:NAME") with the owners each
        # one depends on, so compiling one segment reports only what that segment needs.
        self._owners: list[str] = []
        self.dialect_problems: dict[str, list[Diagnostic]] = {}
        self.depends_on: dict[str, set[str]] = {}

    # ---- segments ------------------------------------------------------------------

    def check_files(self, files: Iterable[s.SegmentFile]) -> dict[str, ir.Segment]:
        """Every segment of every file, by name; problems go to ``self.diagnostics``.

        Segments are resolved dependencies first (see references.py), so resolving one
        never recurses into another; loops are reported before anything is resolved.
        """
        order: list[str] = []
        first_at: dict[str, str] = {}
        for file in files:
            source = Source(file.path, file.source)
            for name_node, segment in _definitions(file):
                name = name_node.text
                if name in first_at:
                    self._error("SEG131", f"segment '{name}' is defined twice", name_node.span,
                                f"the first definition is at {first_at[name]}", source=source)
                    continue
                first_at[name] = f"{file.path}:{name_node.span.line}"
                if segment is None:  # a syntax error, reported by the parser
                    self._resolved[name] = None
                    continue
                self._segments[name] = (segment, source)
                order.append(name)
        ordered, loops = dependency_order(order, self._segment_uses)
        for loop in loops:
            self._segment_loop(loop)
        for name in ordered:
            self._resolve_segment(name)
        result: dict[str, ir.Segment] = {}
        for name in order:
            pred = self._resolved.get(name)
            segment, source = self._segments[name]
            if pred is not None:
                description = segment.description.value if segment.description else None
                result[name] = ir.Segment(name, description, pred, source.path, segment.span.line)
        return result

    def _segment_uses(self, name: str) -> list[tuple[str, s.Span]]:
        return [ref for ref in segment_references(self._segments[name][0].expr)
                if ref[0] in self._segments]

    def _segment_loop(self, loop: list[tuple[str, s.Span]]) -> None:
        names = [name for name, _ in loop]
        notes = []
        for index, (name, span) in enumerate(loop):
            path = self._segments[name][1].path
            used = names[(index + 1) % len(names)]
            notes.append(f"{path}:{span.line}:{span.column}: segment '{name}' uses '{used}' here")
        last, span = loop[-1]
        self.diagnostics.append(make(
            "SEG132", "segments refer to each other in a loop: " + " → ".join([*names, names[0]]),
            self._segments[last][1], span, "break the loop by removing one of the references",
            notes=tuple(notes)))
        for name in names:
            self._resolved[name] = None

    def _resolve_segment(self, name: str) -> ir.Pred | None:
        if name in self._resolved:
            return self._resolved[name]
        segment, source = self._segments[name]
        self._owners.append(f"seg:{name}")
        saved = self._source
        self._source = source
        try:
            pred = self._measured(f"seg:{name}", lambda: self._pred(segment.expr, _ENTITY))
        finally:
            self._source = saved
            self._owners.pop()
        self._resolved[name] = pred
        return pred

    def _in_segment(self, node: s.InSegment) -> ir.Pred | None:
        name = node.name.text
        self._depend(f"seg:{name}")
        if name not in self._segments and name not in self._resolved:
            suggestion = did_you_mean(name, list(self._segments))
            hint = f"did you mean '{suggestion}'?" if suggestion else (
                "segments are looked up in the files and folders given on the command line")
            self._error("SEG130", f"unknown segment '{name}'", node.name.span, hint)
            return None
        pred = self._resolve_segment(name)  # already resolved, unless called out of order
        if pred is None or not self._fits(f"seg:{name}", f"'in segment {name}'", node.span):
            return None
        return pred

    # ---- nesting depth -------------------------------------------------------------------

    def _measured(self, key: str, resolve: Callable[[], _T]) -> _T:
        """Resolve a segment or trait on its own, recording how many levels deep it goes."""
        saved = self._depth, self._peak
        self._depth = self._peak = 0
        try:
            return resolve()
        finally:
            self._heights[key] = self._peak
            self._depth, self._peak = saved

    def _fits(self, key: str, what: str, span: s.Span) -> bool:
        """Whether using a segment or trait here stays within the nesting limit."""
        height = self._heights.get(key, 0)
        if self._depth + height > MAX_NESTING:
            self._error("SEG005", f"{what} nests this condition more than {MAX_NESTING} levels deep "
                        f"(it is {height} levels deep itself)", span,
                        "each segment or trait used adds its own nesting; shorten the chain of "
                        "segments that use segments, or flatten the conditions")
            return False
        self._peak = max(self._peak, self._depth + height)
        return True

    # ---- traits ----------------------------------------------------------------------

    def trait(self, name: str) -> _TraitValue | None:
        self.check_traits()
        if name not in self._traits:  # pragma: no cover - check_traits resolves every trait
            self._resolve_trait(name)
        return self._traits[name]

    def check_traits(self) -> None:
        """Resolve every trait once, each after the traits it uses; report loops among them.

        A fresh checker of a schema (and dialect) seen before starts from a copy of that
        result: editors and the Python API check many texts against one schema.
        """
        if self._traits_ready:
            return
        self._traits_ready = True
        clean = not (self.diagnostics or self._segments or self._used_traits or self.dialect_problems)
        key = (id(self.schema), self.dialect.name if self.dialect else None)
        cached = _TRAIT_CACHE.get(key)
        if clean and cached is not None and cached[0] is self.schema:
            self._restore_traits(cached[1])
            return
        ordered, loops = dependency_order(list(self.schema.traits), self._trait_uses)
        for loop in loops:
            self._trait_loop(loop)
        for name in ordered:
            if name not in self._traits:
                self._resolve_trait(name)
        if clean:
            _TRAIT_CACHE[key] = (self.schema, self._trait_state())
            while len(_TRAIT_CACHE) > 8:
                del _TRAIT_CACHE[next(iter(_TRAIT_CACHE))]

    def _trait_state(self) -> _TraitState:
        return (dict(self._traits), tuple(self.diagnostics), dict(self._heights), set(self._used_traits),
                {k: tuple(v) for k, v in self.dialect_problems.items()},
                {k: frozenset(v) for k, v in self.depends_on.items()})

    def _restore_traits(self, state: _TraitState) -> None:
        traits, diagnostics, heights, used, problems, depends = state
        self._traits = dict(traits)
        self.diagnostics = list(diagnostics)
        self._heights = dict(heights)
        self._used_traits = set(used)
        self.dialect_problems = {k: list(v) for k, v in problems.items()}
        self.depends_on = {k: set(v) for k, v in depends.items()}

    def _trait_expr(self, name: str) -> tuple[s.Expr | None, list[Diagnostic], str]:
        """A trait's expression, parsed from its text padded to its place in the schema."""
        trait = self.schema.traits[name]
        padded = "\n" * (trait.span.line - 1) + " " * (trait.span.column - 1) + trait.source
        expr, problems = parse_expression(padded, self.schema.path)
        return expr, problems, padded

    def _trait_uses(self, name: str) -> list[tuple[str, s.Span]]:
        expr = self._trait_expr(name)[0]
        if expr is None:
            return []
        return [ref for ref in field_references(expr)
                if ref[0] in self.schema.traits and ref[0] not in self.schema.fields]

    def _trait_loop(self, loop: list[tuple[str, s.Span]]) -> None:
        names = [name for name, _ in loop]
        notes = tuple(f"{self.schema.path}:{span.line}:{span.column}: trait '{name}' uses "
                      f"'{names[(index + 1) % len(names)]}' here"
                      for index, (name, span) in enumerate(loop))
        self.diagnostics.append(make(
            "SEG133", "traits refer to each other in a loop: " + " → ".join([*names, names[0]]),
            self.schema.source, loop[-1][1], "break the loop by removing one of the references",
            notes=notes))
        for name in names:
            self._traits[name] = None

    def _resolve_trait(self, name: str) -> None:
        self._owners.append(f"trait:{name}")
        expr, problems, padded = self._trait_expr(name)
        result: _TraitValue | None = None
        if problems:
            self.diagnostics.extend(_relocate(problems, self.schema.source))
        elif expr is not None:
            saved = self._source
            self._source = Source(self.schema.path, padded)
            before = len(self.diagnostics)
            checked = expr
            try:
                result = self._measured(f"trait:{name}", lambda: self._trait_value(checked))
            finally:
                self._source = saved
            self.diagnostics[before:] = _relocate(self.diagnostics[before:], self.schema.source)
        self._owners.pop()
        self._traits[name] = result

    def _trait_value(self, expr: s.Expr) -> _TraitValue | None:
        if isinstance(expr, s.BareBool):
            return self._trait_operand(expr.operand)
        return self._pred(expr, _ENTITY)

    def _trait_operand(self, operand: s.Operand) -> _TraitValue | None:
        typed = self._operand(operand, _ENTITY)
        if typed is None:
            return None
        value, _ = typed
        return value.pred if isinstance(value, _PredValue) else value

    @property
    def used_traits(self) -> set[str]:
        return set(self._used_traits)

    # ---- predicates -------------------------------------------------------------------

    def _pred(self, node: s.Expr, scope: _Scope) -> ir.Pred | None:
        """One nesting level down (see limits.py); the parser keeps single trees within it."""
        if self._depth >= MAX_NESTING:  # pragma: no cover - the parser and _fits stop this first
            self._error("SEG005", f"this condition is nested more than {MAX_NESTING} levels deep",
                        node.span)
            return None
        self._depth += 1
        self._peak = max(self._peak, self._depth)
        try:
            return self._pred_here(node, scope)
        finally:
            self._depth -= 1

    def _pred_here(self, node: s.Expr, scope: _Scope) -> ir.Pred | None:
        if isinstance(node, s.And):
            parts = [self._pred(item, scope) for item in node.items]
            return None if any(p is None for p in parts) else ir.And(tuple(p for p in parts if p))
        if isinstance(node, s.Or):
            parts = [self._pred(item, scope) for item in node.items]
            return None if any(p is None for p in parts) else ir.Or(tuple(p for p in parts if p))
        if isinstance(node, s.Not):
            inner = self._pred(node.operand, scope)
            return None if inner is None else ir.Not(inner)
        if isinstance(node, s.InSegment):
            if scope.relation is not None:
                return self._nested(node.span, "'in segment'", scope)
            return self._in_segment(node)
        if isinstance(node, s.HasRows):
            return self._has_rows(node, scope)
        if isinstance(node, s.Percentile):
            if scope.relation is not None:
                return self._nested(node.span, "'in top/bottom'", scope)
            return self._percentile(node)
        return self._condition(node, scope)

    def _nested(self, span: s.Span, what: str, scope: _Scope) -> ir.Pred | None:
        relation = scope.relation.name if scope.relation else "the relation"
        self._error("SEG110", f"{what} cannot be used inside a filter on {relation}", span,
                    "move it out of the filter and join the two with 'and'")
        return None

    def _has_rows(self, node: s.HasRows, scope: _Scope) -> ir.Pred | None:
        if scope.relation is not None:
            return self._nested(node.span, "'has'/'no'", scope)
        aggregate = s.Aggregate("count", node.relation, None, node.window, node.filter, node.span)
        typed = self._aggregate(aggregate, scope)
        if typed is None:
            return None
        value, _ = typed
        zero = ir.Lit(0, INT)
        return ir.Compare(value, "=" if node.negated else ">", zero)

    def _percentile(self, node: s.Percentile) -> ir.Pred | None:
        typed = self._operand(node.operand, _ENTITY)
        percent = node.percent.value
        ok = True
        if not Decimal(0) < percent <= Decimal(100):
            self._error("SEG119", f"{node.percent.text}% is not a percentage between 0 and 100",
                        node.percent.span)
            ok = False
        self._need(node.span, "percentile")
        if typed is None or not ok:
            return None
        value, data_type = typed
        if isinstance(value, _PredValue) or not data_type.is_numeric:
            self._error("SEG110", f"'in {node.side}' needs a number, but this is {_a(data_type)}",
                        node.operand.span)
            return None
        return ir.Percentile(value, node.side, percent)

    def _condition(self, node: s.Expr, scope: _Scope) -> ir.Pred | None:
        operand: s.Operand = getattr(node, "operand")  # noqa: B009 - every condition has one
        typed = self._operand(operand, scope, as_bool=isinstance(node, (s.BareBool, s.Compare)))
        if typed is None:
            self._check_values_only(node)
            return None
        value, data_type = typed
        if isinstance(value, _PredValue):
            return self._bool_trait(node, value.pred)
        if isinstance(node, s.BareBool):
            if data_type.kind != "bool":
                self._error("SEG117", f"'{_text(operand)}' is {_a(data_type)}, not a yes/no condition",
                            node.span, _bare_hint(data_type))
                return None
            return ir.Compare(value, "=", ir.Lit(True, BOOL))
        if isinstance(node, s.Compare):
            return self._compare(value, data_type, node)
        if isinstance(node, s.Range):
            return self._range(value, data_type, node)
        if isinstance(node, s.InList):
            return self._in_list(value, data_type, node)
        if isinstance(node, s.TextMatch):
            return self._text_match(value, data_type, node)
        if isinstance(node, s.Matches):
            return self._matches(value, data_type, node)
        if isinstance(node, s.IsNull):
            if data_type.kind == "list":
                self._need(node.span, "missing_lists")
            pred: ir.Pred = ir.IsNull(value)
            return ir.Not(pred) if node.negated else pred
        if isinstance(node, s.ListHas):
            return self._list_has(value, data_type, node.mode, node.values, node.span, node.list_span)
        if isinstance(node, s.TimeCondition):
            if not data_type.is_temporal:
                self._error("SEG110", f"time windows need a date or timestamp, but '{_text(operand)}' is "
                            f"{_a(data_type)}", node.span)
                return None
            return self._window(value, node.window)
        raise AssertionError(f"unhandled condition {type(node).__name__}")  # pragma: no cover

    def _check_values_only(self, node: s.Expr) -> None:
        """Still report bad literals (e.g. 2024-02-30) when the operand itself was wrong."""
        for value in _literal_values(node):
            if isinstance(value, (s.Date, s.Timestamp)) and value.value is None:
                self._bad_date(value)

    def _bool_trait(self, node: s.Expr, pred: ir.Pred) -> ir.Pred | None:
        if isinstance(node, s.BareBool):
            return pred
        if isinstance(node, s.Compare) and node.op in ("=", "!=") and isinstance(node.value, s.Bool):
            positive = node.value.value == (node.op == "=")
            return pred if positive else ir.Not(pred)
        self._error("SEG110", "this trait is a yes/no condition; use it on its own, with 'not', "
                    "or compare it with true/false", node.span)
        return None

    def _compare(self, value: ir.Value, data_type: DataType, node: s.Compare) -> ir.Pred | None:
        if isinstance(node.value, s.Null):
            self._null_value(node.value, node.op)
            return None
        if data_type.kind == "list":
            self._error("SEG110", "lists cannot be compared; use 'contains', 'has any (…)' or "
                        "'has all (…)'", node.op_span)
            return None
        if data_type.is_temporal:
            point = self._time_point(node.value, data_type)
            if point is None:
                return None
            return _time_compare(value, node.op, point)
        if node.op not in ("=", "!=") and not data_type.is_numeric:
            hint = ("enum values have no order; list the values you want with 'in (…)'"
                    if data_type.kind == "enum" else
                    "text is compared exactly; use '=', 'in (…)', 'starts with' or 'contains'")
            if data_type.kind == "bool":
                hint = "compare yes/no fields with = true or = false"
            self._error("SEG110", f"'{node.op}' does not apply to {_a(data_type)} field", node.op_span, hint)
            return None
        literal = self._literal(node.value, data_type)
        if literal is None:
            return None
        if node.op == "!=":
            return ir.Not(ir.Compare(value, "=", literal))
        return ir.Compare(value, node.op, literal)

    def _range(self, value: ir.Value, data_type: DataType, node: s.Range) -> ir.Pred | None:
        if not data_type.is_orderable:
            self._error("SEG110", f"ranges need numbers, dates or timestamps, but this is {_a(data_type)}",
                        node.span)
            return None
        if data_type.is_temporal:
            low_point = self._time_point(node.low, data_type)
            high_point = self._time_point(node.high, data_type)
            if low_point is None or high_point is None:
                return None
            if _empty_span(low_point, high_point):
                self._empty_range(node, node.low, node.high)
                return None
            return ir.TimeRange(value, ir.Bound(low_point, True), ir.Bound(high_point, True))
        low = self._literal(node.low, data_type)
        high = self._literal(node.high, data_type)
        if low is None or high is None:
            return None
        if low.value > high.value:  # type: ignore[operator]
            self._empty_range(node, node.low, node.high)
            return None
        return ir.And((ir.Compare(value, ">=", low), ir.Compare(value, "<=", high)))

    def _empty_range(self, node: s.Range, low: s.Value, high: s.Value) -> None:
        self._error("SEG114", f"this range is empty: {_literal_text(low)} is above {_literal_text(high)}",
                    node.span, f"write the low bound first: {_literal_text(high)}..{_literal_text(low)}")

    def _in_list(self, value: ir.Value, data_type: DataType, node: s.InList) -> ir.Pred | None:
        if data_type.kind in ("list", "bool"):
            hint = "use 'has any (…)'" if data_type.kind == "list" else "use = true or = false"
            self._error("SEG110", f"'in (…)' does not apply to {_a(data_type)} field", node.span, hint)
            return None
        literals = self._literals(node.values, data_type, node.list_span)
        if literals is None:
            return None
        pred: ir.Pred
        if data_type.is_temporal:
            pred = ir.Or(tuple(_time_compare(value, "=", lit.value) for lit in literals))  # type: ignore[arg-type]
        else:
            pred = ir.InSet(value, literals)
        return ir.Not(pred) if node.negated else pred

    def _text_match(self, value: ir.Value, data_type: DataType, node: s.TextMatch) -> ir.Pred | None:
        if data_type.kind == "list" and node.kind == "contains":
            return self._list_has(value, data_type, "any", (node.value,), node.span, node.value.span)
        if data_type.kind != "string":
            words = node.kind.replace("_", " ")
            hint = "enum fields are matched with = or in (…)" if data_type.kind == "enum" else None
            self._error("SEG110", f"'{words}' needs a text field, but this is {_a(data_type)}",
                        node.span, hint)
            return None
        if not isinstance(node.value, s.String):
            self._error("SEG111", f"'{node.kind.replace('_', ' ')}' needs a quoted text",
                        node.value.span, f"write '{_literal_text(node.value)}' in quotes")
            return None
        self._need(node.span, "text_match")
        return ir.TextMatch(value, node.kind, node.value.value)

    def _matches(self, value: ir.Value, data_type: DataType, node: s.Matches) -> ir.Pred | None:
        if data_type.kind != "string":
            self._error("SEG110", f"'matches' needs a text field, but this is {_a(data_type)}", node.span)
            return None
        try:
            with warnings.catch_warnings():  # e.g. "possible nested set": reported below instead
                warnings.simplefilter("ignore")
                re.compile(node.pattern.value)
        except re.error as error:
            self._error("SEG115", f"invalid regular expression: {error.msg}", node.pattern.span)
            return None
        problem = portability_problem(node.pattern.value)
        if problem is not None:
            self._error("SEG115", problem.message, self._inside(node.pattern, problem.start, problem.end),
                        problem.hint)
            return None
        self._need(node.span, "regex")
        return ir.RegexMatch(value, node.pattern.value)

    def _inside(self, string: s.String, start: int, end: int) -> s.Span:
        """The span of string.value[start:end] in the source (quotes inside are written twice)."""
        span = string.span
        raw = self._source.text[span.start + 1:span.end - 1]
        quote = self._source.text[span.start:span.start + 1]
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

    def _list_has(self, value: ir.Value, data_type: DataType, mode: str, values: tuple[s.Value, ...],
                  span: s.Span, list_span: s.Span) -> ir.Pred | None:
        if data_type.kind != "list" or data_type.element is None:
            self._error("SEG110", f"'has {mode}' needs a list field, but this is {_a(data_type)}", span,
                        "use 'in (…)' to test a single value against several")
            return None
        literals = self._literals(values, data_type.element, list_span)
        self._need(span, "lists")
        if literals is None:
            return None
        return ir.ListHas(value, "all" if mode == "all" else "any", literals)

    def _null_value(self, node: s.Null, op: str) -> None:
        good = "is null" if op == "=" else "is not null"
        self._error("SEG116", "null is not a value that can be compared", node.span, f"write '{good}'")
        return None

    # ---- time ---------------------------------------------------------------------------

    def _window(self, value: ir.Value, window: s.Window) -> ir.TimeRange | None:
        if isinstance(window, s.LastWindow):
            duration = window.duration
            if duration.amount <= 0:
                self._error("SEG120", "a window needs a length of at least 1", duration.span)
                return None
            if not self._within_calendar(duration, "this window"):
                return None
            low = ir.Bound(ir.RelativeDay(duration.amount, duration.unit, plus_days=1), True)
            return ir.TimeRange(value, low, ir.Bound(ir.RelativeDay(0, "day"), True))
        if isinstance(window, s.BeforeWindow):
            point = self._ref(window.ref)
            return None if point is None else ir.TimeRange(value, None, ir.Bound(point, False))
        if isinstance(window, s.AfterWindow):
            point = self._ref(window.ref)
            return None if point is None else ir.TimeRange(value, ir.Bound(point, False), None)
        low_point = self._time_point(window.low, None)
        high_point = self._time_point(window.high, None)
        if low_point is None or high_point is None:
            return None
        if _empty_span(low_point, high_point):
            self._error("SEG114", "this window is empty: its start is after its end", window.span)
            return None
        return ir.TimeRange(value, ir.Bound(low_point, True), ir.Bound(high_point, True))

    def _ref(self, ref: s.TimeRef) -> ir.Day | dt.datetime | None:
        if isinstance(ref, s.Ago):
            if ref.duration.amount < 0:
                self._error("SEG120", "use a positive number of units before 'ago'", ref.span)
                return None
            if not self._within_calendar(ref.duration, f"'{ref.duration.amount} {ref.duration.unit}s ago'"):
                return None
            self._need(ref.span, "relative_time")
            return ir.RelativeDay(ref.duration.amount, ref.duration.unit)
        if isinstance(ref, s.Today):
            self._need(ref.span, "relative_time")
            return ir.RelativeDay(0, "day")
        return self._time_point(ref, None)

    def _within_calendar(self, duration: s.Duration, what: str) -> bool:
        if duration.amount <= MAX_WINDOW[duration.unit]:
            return True
        self._error("SEG120", f"{what} reaches back more than 1,000 years", duration.span,
                    f"windows and 'N units ago' reach back at most {WINDOW_LIMIT_TEXT}")
        return False

    def _time_point(self, node: s.Value | s.TimeRef, data_type: DataType | None) -> ir.Day | dt.datetime | None:
        if isinstance(node, (s.Date, s.Timestamp)):
            if node.value is None:
                self._bad_date(node)
                return None
            return node.value
        if isinstance(node, (s.Ago, s.Today)):
            return self._ref(node)
        if isinstance(node, s.Null):
            self._null_value(node, "=")
            return None
        expected = "a date such as 2024-01-01"
        self._error("SEG111", f"expected {expected} here, not {_describe_literal(node)}",
                    node.span, "dates are written without quotes: 2024-01-01")
        return None

    def _bad_date(self, node: s.Date | s.Timestamp) -> None:
        self._error("SEG004", f"{node.text} is not a real date", node.span,
                    "check the month and the day of the month")

    # ---- operands ----------------------------------------------------------------------

    def _operand(self, operand: s.Operand, scope: _Scope,
                 as_bool: bool = False) -> tuple[ir.Value | _PredValue, DataType] | None:
        if isinstance(operand, s.Aggregate):
            return self._aggregate(operand, scope)
        if isinstance(operand, s.RelationFieldRef):
            return self._relation_field(operand, scope)
        name = operand.name.text
        if scope.relation is not None:
            field = scope.relation.fields.get(name)
            if field is None:
                suggestion = did_you_mean(name, list(scope.relation.fields))
                hint = f"did you mean '{suggestion}'?" if suggestion else (
                    f"fields of {scope.relation.name}: {', '.join(scope.relation.fields)}")
                self._error("SEG103", f"'{scope.relation.name}' has no field '{name}'", operand.span, hint)
                return None
            return ir.RowColumn(field.column, field.type), field.type
        field = self.schema.fields.get(name)
        if field is not None:
            return ir.Column(field.column, field.type), field.type
        if name in self.schema.traits:
            self._used_traits.add(name)
            self._depend(f"trait:{name}")
            trait = self.trait(name)
            if trait is None or not self._fits(f"trait:{name}", f"the trait '{name}'", operand.span):
                return None
            if isinstance(trait, (ir.Column, ir.RowColumn, ir.Aggregation)):
                return trait, trait.type
            return _PredValue(trait), BOOL
        self._unknown_field(operand)
        return None

    def _unknown_field(self, operand: s.FieldRef) -> None:
        name = operand.name.text
        if name in self.schema.relations:
            self._error("SEG101", f"'{name}' is a relation, not a field", operand.span,
                        f"use 'has {name}', 'count({name}) >= 2' or 'sum({name}.FIELD) > 100'")
            return
        for relation in self.schema.relations.values():
            if name in relation.fields:
                self._error(
                    "SEG104", f"'{name}' is a field of {relation.name}, used outside its filter",
                    operand.name.span,
                    f"outside parentheses a has/no filter takes one condition; put a filter with "
                    f"and/or in parentheses: has {relation.name} where (… and {name} …), or use "
                    f"count({relation.name} where …)")
                return
        suggestion = did_you_mean(name, [*self.schema.fields, *self.schema.traits])
        hint = f"did you mean '{suggestion}'?" if suggestion else None
        self._error("SEG101", f"unknown field '{name}'", operand.name.span, hint)

    def _relation_field(self, operand: s.RelationFieldRef, scope: _Scope) -> tuple[ir.Value, DataType] | None:
        relation = operand.relation.text
        if scope.relation is not None and scope.relation.name == relation:
            return self._operand(s.FieldRef(operand.field, operand.span), scope)  # type: ignore[return-value]
        if relation not in self.schema.relations:
            self._unknown_relation(operand.relation)
            return None
        self._error("SEG104", f"'{relation}.{operand.field.text}' can only be used inside an aggregate "
                    "or a has/no filter", operand.span,
                    f"for example: sum({relation}.{operand.field.text}) > 100, or put a has/no filter "
                    "that uses and/or in parentheses: has orders where (amount > 100 and status = 'paid')")
        return None

    def _unknown_relation(self, name: s.Name) -> None:
        suggestion = did_you_mean(name.text, list(self.schema.relations))
        hint = f"did you mean '{suggestion}'?" if suggestion else (
            f"relations: {', '.join(self.schema.relations)}" if self.schema.relations
            else "the schema declares no relations")
        self._error("SEG102", f"unknown relation '{name.text}'", name.span, hint)

    def _aggregate(self, node: s.Aggregate, scope: _Scope) -> tuple[ir.Value, DataType] | None:
        if scope.relation is not None:
            self._nested(node.span, "an aggregate", scope)
            return None
        relation = self.schema.relations.get(node.relation.text)
        if relation is None:
            self._unknown_relation(node.relation)
            return None
        self._need(node.span, "aggregates")
        inner = _Scope(relation)
        arg: ir.RowColumn | None = None
        result_type = INT
        ok = True
        if node.field is not None:
            field = relation.fields.get(node.field.text)
            if field is None:
                suggestion = did_you_mean(node.field.text, list(relation.fields))
                self._error("SEG103", f"'{relation.name}' has no field '{node.field.text}'", node.field.span,
                            f"did you mean '{suggestion}'?" if suggestion else
                            f"fields of {relation.name}: {', '.join(relation.fields)}")
                ok = False
            else:
                arg = ir.RowColumn(field.column, field.type)
                result_type = self._aggregate_type(node, field.type) or INT
                ok = self._aggregate_type(node, field.type) is not None
        window = None
        if node.window is not None:
            if relation.time is None:
                self._error("SEG120", f"'{relation.name}' has no time column for windows", node.window.span,
                            f"add  time: COLUMN  to relation '{relation.name}' in the schema")
                ok = False
            else:
                time_field = relation.fields[relation.time]
                window = self._window(ir.RowColumn(time_field.column, time_field.type), node.window)
                ok = ok and window is not None
        filter_pred = None
        if node.filter is not None:
            filter_pred = self._pred(node.filter, inner)
            ok = ok and filter_pred is not None
        if not ok:
            return None
        ref = ir.RelationRef(relation.name, relation.table, relation.key)
        return ir.Aggregation(node.func, ref, arg, window, filter_pred, result_type), result_type

    def _aggregate_type(self, node: s.Aggregate, field_type: DataType) -> DataType | None:
        if node.func == "count_distinct":
            return INT
        if node.func in ("sum", "avg") and not field_type.is_numeric:
            self._error("SEG118", f"{node.func} needs a number, but {node.relation.text}."
                        f"{node.field.text if node.field else ''} is {_a(field_type)}", node.span)
            return None
        if node.func in ("min", "max") and not field_type.is_orderable:
            self._error("SEG118", f"{node.func} needs a number, date or timestamp, but this is "
                        f"{_a(field_type)}", node.span)
            return None
        return DECIMAL if node.func == "avg" else field_type

    # ---- literals ------------------------------------------------------------------------

    def _literals(self, values: tuple[s.Value, ...], data_type: DataType,
                  span: s.Span) -> tuple[ir.Lit, ...] | None:
        if not values:
            self._error("SEG113", "this list is empty", span, "put at least one value between the brackets")
            return None
        kinds = {type(v) for v in values if not isinstance(v, s.Null)}
        if len(kinds) > 1:
            self._error("SEG113", "this list mixes values of different types", span,
                        f"every value must be {_a(data_type)}")
            return None
        literals = [self._literal(v, data_type) for v in values]
        if any(lit is None for lit in literals):
            return None
        unique = tuple(dict.fromkeys(lit for lit in literals if lit is not None))
        return unique

    def _literal(self, node: s.Value, data_type: DataType) -> ir.Lit | None:
        kind = data_type.kind
        if isinstance(node, s.Null):
            self._null_value(node, "=")
            return None
        if kind in ("int", "decimal") and isinstance(node, s.Number):
            if kind == "int" and node.is_integer:
                return ir.Lit(int(node.value), data_type)
            return ir.Lit(node.value, DECIMAL if kind == "int" else data_type)
        if kind == "string" and isinstance(node, s.String):
            return ir.Lit(node.value, data_type)
        if kind == "enum" and isinstance(node, s.String):
            if node.value not in data_type.values:
                suggestion = did_you_mean(node.value, data_type.values)
                choices = "values: " + ", ".join(f"'{v}'" for v in data_type.values)
                self._error("SEG112", f"'{node.value}' is not one of the values of this field", node.span,
                            f"did you mean '{suggestion}'?" if suggestion else choices)
                return None
            return ir.Lit(node.value, data_type)
        if kind == "bool" and isinstance(node, s.Bool):
            return ir.Lit(node.value, data_type)
        if kind in ("date", "timestamp") and isinstance(node, (s.Date, s.Timestamp)):
            if node.value is None:
                self._bad_date(node)
                return None
            return ir.Lit(node.value, data_type)
        if isinstance(node, (s.Date, s.Timestamp)) and node.value is None:
            self._bad_date(node)
            return None
        hint: str | None = None
        if kind in ("int", "decimal") and isinstance(node, s.String):
            hint = f"write numbers without quotes: {node.value}" if _is_number(node.value) else None
        elif kind in ("string", "enum") and isinstance(node, (s.Number, s.Date, s.Timestamp, s.Bool)):
            hint = f"put text in quotes: '{_literal_text(node)}'"
        self._error("SEG111", f"expected {_a(data_type)} value here, not {_describe_literal(node)}",
                    node.span, hint)
        return None

    # ---- plumbing -----------------------------------------------------------------------

    def _need(self, span: s.Span, feature: str) -> None:
        """Note a feature the chosen dialect lacks; the IR is still built (other dialects can use it)."""
        if self.dialect is None or self.dialect.supports(feature):
            return
        reason = self.dialect.unsupported[feature]
        problem = make("SEG140", f"the {self.dialect.name} dialect cannot express this: {reason}",
                       self._source, span, "choose another dialect with --dialect, or rewrite the condition")
        owner = self._owners[-1] if self._owners else ""
        self.dialect_problems.setdefault(owner, []).append(problem)

    def _depend(self, target: str) -> None:
        if self._owners:
            self.depends_on.setdefault(self._owners[-1], set()).add(target)

    def dialect_diagnostics(self, segments: list[str] | None = None) -> list[Diagnostic]:
        """SEG140 problems of the given segments and everything they use (None: all)."""
        if segments is None:
            return [d for problems in self.dialect_problems.values() for d in problems]
        seen: set[str] = set()
        stack = [f"seg:{name}" for name in segments]
        while stack:
            owner = stack.pop()
            if owner not in seen:
                seen.add(owner)
                stack.extend(self.depends_on.get(owner, ()))
        found = [d for owner in sorted(seen) for d in self.dialect_problems.get(owner, [])]
        return _relocate_all(found)

    def _error(self, code: str, message: str, span: s.Span, hint: str | None = None, *,
               source: Source | None = None) -> None:
        self.diagnostics.append(make(code, message, source or self._source, span, hint))


class _PredValue(Node):
    """A yes/no trait used where a value is expected."""

    pred: ir.Pred


def _relocate_all(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(dict.fromkeys(diagnostics), key=lambda d: d.sort_key())


def _relocate(diagnostics: list[Diagnostic], source: Source) -> list[Diagnostic]:
    """Diagnostics from a trait's padded text, shown with the schema file's real line."""
    return [make(d.code, d.message, source, d.span, d.hint, severity=d.severity, notes=d.notes)
            for d in diagnostics]


def _time_compare(value: ir.Value, op: str, point: ir.Day | dt.datetime) -> ir.Pred:
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


def _empty_span(low: ir.Day | dt.datetime, high: ir.Day | dt.datetime) -> bool:
    """Whether low..high holds no instant, a date meaning its whole day (12:00..that day is not)."""
    if not isinstance(low, dt.date) or not isinstance(high, dt.date):
        return False  # relative days are not compared at check time
    start = low if isinstance(low, dt.datetime) else dt.datetime.combine(low, dt.time.min)
    end = high if isinstance(high, dt.datetime) else dt.datetime.combine(high, dt.time.max)
    return start > end


def _definitions(file: s.SegmentFile) -> list[tuple[s.Name, s.Segment | None]]:
    """Each name the file defines, with its segment, or None where it has a syntax error."""
    by_place: dict[int, tuple[s.Name, s.Segment | None]] = {
        header.span.start: (header, None) for header in segment_headers(file.source)}
    by_place.update((seg.name.span.start, (seg.name, seg)) for seg in file.segments if not seg.implicit)
    found = [by_place[place] for place in sorted(by_place)]
    found += [(seg.name, seg) for seg in file.segments if seg.implicit]
    if not found and file.source.strip():  # a bare expression with a syntax error
        found.append((s.Name(implicit_name(file.path), s.Span.point()), None))
    return found


def _literal_values(node: s.Expr) -> list[s.Value]:
    values: list[s.Value] = []
    for attr in ("value", "low", "high"):
        item = getattr(node, attr, None)
        if isinstance(item, (s.Number, s.String, s.Date, s.Timestamp, s.Bool, s.Null)):
            values.append(item)
    values.extend(getattr(node, "values", ()) or ())
    return values


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def _a(data_type: DataType) -> str:
    text = str(data_type)
    article = "an" if text[0] in "aeiou" else "a"
    return f"{article} {text}"


def _bare_hint(data_type: DataType) -> str:
    if data_type.is_numeric:
        return "compare it with a number, e.g. >= 18"
    if data_type.is_temporal:
        return "give it a window, e.g. in last 30 days"
    if data_type.kind == "list":
        return "use contains 'x' or has any ('x', 'y')"
    return "compare it with a value, e.g. = 'x'"


def _text(operand: s.Operand) -> str:
    if isinstance(operand, s.FieldRef):
        return operand.name.text
    if isinstance(operand, s.RelationFieldRef):
        return f"{operand.relation.text}.{operand.field.text}"
    return f"{operand.func}({operand.relation.text})"


def _literal_text(node: s.Value) -> str:
    if isinstance(node, s.Number):
        return node.text
    if isinstance(node, s.String):
        return node.value
    if isinstance(node, (s.Date, s.Timestamp)):
        return node.text
    if isinstance(node, s.Bool):
        return "true" if node.value else "false"
    return "null"


def _describe_literal(node: s.Value) -> str:
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
