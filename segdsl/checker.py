"""AST + schema → IR, or diagnostics.

Resolves names (fields, traits, relations, segments), checks every condition against the
field's type, inlines traits and segment references, and reports *all* mistakes. It never
imports sqlglot or duckdb: ``segdsl check`` stays fast.

This module holds the state: segments and traits across files, nesting depth, dialect
problems per owner. The stateless parts are plain functions elsewhere: one condition on a
typed value (check_conditions.py), windows and dates (check_time.py), literals and the
words messages use (check_literals.py); operand lookup is a mixin (check_operands.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TypeVar

from segdsl import ir
from segdsl import syntax as s
from segdsl.check_conditions import bool_trait, condition
from segdsl.check_literals import check_values_only, with_article
from segdsl.check_operands import ENTITY, OperandResolver, PredValue, Scope
from segdsl.datatypes import BOOL, INT, DataType
from segdsl.diagnostics import Diagnostic, Source, did_you_mean, make
from segdsl.dialects import Dialect
from segdsl.limits import MAX_NESTING
from segdsl.parser import implicit_name, parse_expression, segment_headers
from segdsl.references import dependency_order, field_references, segment_references
from segdsl.schema import Schema

_TraitValue = ir.Value | ir.Pred
# what checking a schema's traits leaves in a Checker (see Checker.check_traits)
_TraitState = tuple[dict[str, "_TraitValue | None"], tuple[Diagnostic, ...], dict[str, int], set[str],
                    dict[str, tuple[Diagnostic, ...]], dict[str, frozenset[str]]]
# (id(schema), dialect) -> (the schema, kept alive so the id stays its own; its trait state)
_TRAIT_CACHE: dict[tuple[int, str | None], tuple[Schema, _TraitState]] = {}
_T = TypeVar("_T")


class Checker(OperandResolver):
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
            pred = self._measured(f"seg:{name}", lambda: self._pred(segment.expr, ENTITY))
        finally:
            self._source = saved
            self._owners.pop()
        self._resolved[name] = pred
        return pred

    def _in_segment(self, node: s.InSegment) -> ir.Pred | None:
        name = node.name.text
        self._depend(f"seg:{name}")
        if self._owners and self._owners[-1].startswith("trait:"):
            # Traits belong to the schema and are checked once, without any segment file.
            self._error("SEG130", f"a trait cannot use 'in segment {name}'", node.span,
                        "traits are part of the schema, and segments are built on them; write the "
                        "condition itself in the trait, or use the segment in other segments")
            return None
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
        return self._pred(expr, ENTITY)

    def _trait_operand(self, operand: s.Operand) -> _TraitValue | None:
        typed = self._operand(operand, ENTITY)
        if typed is None:
            return None
        value, _ = typed
        return value.pred if isinstance(value, PredValue) else value

    def _use_trait(self, operand: s.FieldRef) -> tuple[ir.Value | PredValue, DataType] | None:
        """A trait named as an operand: its value, or its condition wrapped as a value."""
        name = operand.name.text
        self._used_traits.add(name)
        self._depend(f"trait:{name}")
        trait = self.trait(name)
        if trait is None or not self._fits(f"trait:{name}", f"the trait '{name}'", operand.span):
            return None
        if isinstance(trait, (ir.Column, ir.RowColumn, ir.Aggregation)):
            return trait, trait.type
        return PredValue(trait), BOOL

    @property
    def used_traits(self) -> set[str]:
        return set(self._used_traits)

    # ---- predicates -------------------------------------------------------------------

    def _pred(self, node: s.Expr, scope: Scope) -> ir.Pred | None:
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

    def _pred_here(self, node: s.Expr, scope: Scope) -> ir.Pred | None:
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

    def _nested(self, span: s.Span, what: str, scope: Scope) -> ir.Pred | None:
        relation = scope.relation.name if scope.relation else "the relation"
        self._error("SEG110", f"{what} cannot be used inside a filter on {relation}", span,
                    "move it out of the filter and join the two with 'and'")
        return None

    def _has_rows(self, node: s.HasRows, scope: Scope) -> ir.Pred | None:
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
        typed = self._operand(node.operand, ENTITY)
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
        if isinstance(value, PredValue) or not data_type.is_numeric:
            self._error("SEG110", f"'in {node.side}' needs a number, but this is {with_article(data_type)}",
                        node.operand.span)
            return None
        return ir.Percentile(value, node.side, percent)

    def _condition(self, node: s.Expr, scope: Scope) -> ir.Pred | None:
        operand: s.Operand = getattr(node, "operand")  # noqa: B009 - every condition has one
        typed = self._operand(operand, scope)
        if typed is None:
            check_values_only(node, self._error)
            return None
        value, data_type = typed
        if isinstance(value, PredValue):
            return bool_trait(node, value.pred, self._error)
        return condition(node, value, data_type, self._error, self._need, self._source.text)

    # ---- plumbing -----------------------------------------------------------------------

    def _need(self, span: s.Span, feature: str) -> None:
        """Note a feature the chosen dialect lacks; the IR is still built (other dialects can use it)."""
        if self.dialect is None or self.dialect.supports(feature):
            return
        reason = self.dialect.unsupported[feature]
        problem = make("SEG140", f"the {self.dialect.name} dialect cannot express this: {reason}",
                       self._source, span,
                       "rewrite the condition, or compile for / run on a dialect that can express it")
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


def _relocate_all(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(dict.fromkeys(diagnostics), key=lambda d: d.sort_key())


def _relocate(diagnostics: list[Diagnostic], source: Source) -> list[Diagnostic]:
    """Diagnostics from a trait's padded text, shown with the schema file's real line."""
    return [make(d.code, d.message, source, d.span, d.hint, severity=d.severity, notes=d.notes)
            for d in diagnostics]


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
