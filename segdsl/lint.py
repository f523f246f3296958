"""Warnings for segments that check but are probably wrong (``segdsl check``).

* SEG401 — an ``and`` that can never be true: ``age < 18 and age > 65``,
  ``region = 'UK' and region = 'IE'``, ``phone is null and phone = '1'``, ``x and not x``;
* SEG402 — a condition implied by another one of the same ``and``: ``age > 30 and age > 20``;
* SEG403 — values in the data of an enum column that the schema does not declare (``--db``);
* SEG404 — a trait no checked segment uses.

How: the IR has no source positions, but the checker keeps the AST's ``and``/``or``/``not``
structure one to one (``a and b and c`` → ``ir.And`` of three), so the AST conjuncts, which
have spans, are walked side by side with their IR. Each conjunct's IR is cut into atoms (a
range is two, an inlined trait or ``in segment`` many) and each atom on a field, trait or
aggregate becomes the set of values it accepts: intervals of numbers, of moments and of
days relative to the reference date, a set of allowed and of excluded values, and whether a
missing value passes. Everything is an over-approximation, so "empty" and "contained in"
are never claimed wrongly; what cannot be described is simply not analysed.

No sqlglot or duckdb here, except inside :func:`undeclared_enum_values`.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from segdsl import ir
from segdsl import syntax as s
from segdsl.diagnostics import Diagnostic, Source, did_you_mean, make
from segdsl.node import Node
from segdsl.project import Program
from segdsl.schema import Schema

# ---- sets of values ----------------------------------------------------------------------

_NUM, _MOMENT, _DAY = "number", "moment", "day"  # interval domains; _DAY: days from the reference date


class _Interval(Node):
    low: Any = None  # None: unbounded
    low_incl: bool = True
    high: Any = None
    high_incl: bool = True

    def is_empty(self) -> bool:
        if self.low is None or self.high is None:
            return False
        return bool(self.low > self.high or (self.low == self.high and not (self.low_incl and self.high_incl)))

    def meet(self, other: _Interval) -> _Interval:
        low, low_incl = _tighter(self.low, self.low_incl, other.low, other.low_incl, lower=True)
        high, high_incl = _tighter(self.high, self.high_incl, other.high, other.high_incl, lower=False)
        return _Interval(low, low_incl, high, high_incl)

    def within(self, other: _Interval) -> bool:
        if other.low is not None and (self.low is None or self.low < other.low or (
                self.low == other.low and self.low_incl and not other.low_incl)):
            return False
        return not (other.high is not None and (self.high is None or self.high > other.high or (
            self.high == other.high and self.high_incl and not other.high_incl)))

    def holds(self, value: Any) -> bool:
        if self.low is not None and (value < self.low or (value == self.low and not self.low_incl)):
            return False
        return not (self.high is not None and (value > self.high or (value == self.high and not self.high_incl)))


def _tighter(a: Any, a_incl: bool, b: Any, b_incl: bool, lower: bool) -> tuple[Any, bool]:
    if a is None:
        return b, b_incl
    if b is None or a == b:
        return a, a_incl and (b_incl if b is not None else True)
    if (a > b) == lower:
        return a, a_incl
    return b, b_incl


class _Set(Node):
    """The values of one field/trait/aggregate that a condition accepts."""

    null: bool = False  # a missing value passes
    values: bool = True  # some present value may pass (False: only a missing one, 'is null')
    intervals: tuple[tuple[str, _Interval], ...] = ()
    allowed: frozenset[Any] | None = None  # None: any value
    excluded: frozenset[Any] = frozenset()
    exact: bool = True  # describes the condition exactly (not just a superset)
    whole: bool = False  # the field holds whole numbers

    def interval(self, domain: str) -> _Interval | None:
        return dict(self.intervals).get(domain)

    def meet(self, other: _Set) -> _Set:
        domains = dict(self.intervals)
        for domain, interval in other.intervals:
            domains[domain] = domains[domain].meet(interval) if domain in domains else interval
        allowed = self.allowed if other.allowed is None else (
            other.allowed if self.allowed is None else self.allowed & other.allowed)
        return _Set(self.null and other.null, self.values and other.values, tuple(sorted(domains.items())),
                    allowed, self.excluded | other.excluded, self.exact and other.exact,
                    self.whole or other.whole)

    def accepts(self, value: Any) -> bool:
        """Whether this present value passes (only numbers and text are ever listed)."""
        if not self.values or value in self.excluded or (self.allowed is not None and value not in self.allowed):
            return False
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            if self.whole and value != int(value):
                return False
            number = self.interval(_NUM)
            return number is None or number.holds(value)
        return True

    def no_present_value(self) -> bool:
        if not self.values or any(interval.is_empty() for _, interval in self.intervals):
            return True
        if self.allowed is not None:
            return not any(self.accepts(v) for v in self.allowed)
        number = self.interval(_NUM)
        return bool(number is not None and number.low is not None and number.low == number.high
                    and number.low in self.excluded)

    def is_empty(self) -> bool:
        return not self.null and self.no_present_value()

    def within(self, other: _Set) -> bool:
        """Every value this accepts, ``other`` accepts too (needs ``other.exact``)."""
        if not other.exact or (self.null and not other.null):
            return False
        if self.no_present_value():
            return True
        if not other.values:
            return False
        if self.allowed is not None:
            return all(other.accepts(v) for v in self.allowed if self.accepts(v))
        if other.allowed is not None:
            return False
        for domain, interval in other.intervals:
            mine = self.interval(domain)
            if mine is None or not mine.within(interval):
                return False
        return not any(self.accepts(v) for v in other.excluded)


def _whole(value: ir.Value) -> bool:
    return value.type.kind == "int"


def _number_set(op: str, literal: Any, whole: bool) -> _Set:
    low = high = None
    low_incl = high_incl = True
    if op in ("=", ">=", ">"):
        low, low_incl = literal, op != ">"
    if op in ("=", "<=", "<"):
        high, high_incl = literal, op != "<"
    if whole:  # x > 3.5 on whole numbers is x >= 4; keeps adjacent bounds comparable
        if low is not None:
            low = math.floor(low) + 1 if not low_incl and low == math.floor(low) else math.ceil(low)
            low_incl = True
        if high is not None:
            high = math.ceil(high) - 1 if not high_incl and high == math.ceil(high) else math.floor(high)
            high_incl = True
    return _Set(intervals=((_NUM, _Interval(low, low_incl, high, high_incl)),), whole=whole)


def _time_set(pred: ir.TimeRange) -> _Set:
    domains: dict[str, _Interval] = {}
    exact = True
    for bound, lower in ((pred.low, True), (pred.high, False)):
        if bound is None:
            continue
        point = bound.point
        value: Any
        if isinstance(point, dt.datetime):
            domain, value, incl = _MOMENT, point, bound.inclusive
        elif isinstance(point, dt.date):  # a whole calendar day
            start = dt.datetime.combine(point, dt.time())
            after = start + dt.timedelta(days=1)
            domain = _MOMENT
            if lower:
                value, incl = (start, True) if bound.inclusive else (after, True)
            else:
                value, incl = (after, False) if bound.inclusive else (start, False)
        elif point.unit in ("day", "week"):  # days from the reference date, always the same
            domain, incl = _DAY, True
            offset = point.plus_days - point.back * (7 if point.unit == "week" else 1)
            value = offset if bound.inclusive else (offset + 1 if lower else offset - 1)
        else:  # months and years are not a fixed number of days
            exact = False
            continue
        old = domains.get(domain, _Interval())
        half = _Interval(value, incl, None, True) if lower else _Interval(None, True, value, incl)
        domains[domain] = old.meet(half)
    return _Set(intervals=tuple(sorted(domains.items())), exact=exact)


def _atom_set(atom: ir.Pred) -> tuple[ir.Value, _Set] | None:
    """The subject an atom constrains and the values it accepts, when that can be said."""
    negated = isinstance(atom, ir.Not)
    inner = atom.pred if isinstance(atom, ir.Not) else atom
    if isinstance(inner, ir.IsNull):
        return inner.value, _Set(null=not negated, values=negated)
    if negated:
        if isinstance(inner, ir.Compare) and inner.op == "=":
            return inner.value, _Set(null=True, excluded=frozenset([inner.literal.value]),
                                     whole=_whole(inner.value))
        if isinstance(inner, ir.InSet):
            return inner.value, _Set(null=True, excluded=frozenset(lit.value for lit in inner.literals),
                                     whole=_whole(inner.value))
        return None
    if isinstance(inner, ir.Compare):
        if inner.value.type.is_numeric:
            return inner.value, _number_set(inner.op, inner.literal.value, _whole(inner.value))
        if inner.op == "=":
            return inner.value, _Set(allowed=frozenset([inner.literal.value]))
        return None
    if isinstance(inner, ir.InSet):
        return inner.value, _Set(allowed=frozenset(lit.value for lit in inner.literals),
                                 whole=_whole(inner.value))
    if isinstance(inner, ir.TimeRange):
        return inner.value, _time_set(inner)
    if isinstance(inner, (ir.TextMatch, ir.RegexMatch, ir.ListHas, ir.Percentile)):
        return inner.value, _Set(exact=False)  # only: the value is present
    return None


def _base(subject: ir.Value) -> _Set:
    """What is always true of a subject: counts are whole numbers from 0, never missing."""
    if isinstance(subject, ir.Aggregation) and subject.func in ("count", "count_distinct"):
        return _Set(intervals=((_NUM, _Interval(0, True, None, True)),), whole=True)
    return _Set(null=True)


def _atoms(pred: ir.Pred) -> list[ir.Pred]:
    if isinstance(pred, ir.And):
        return [atom for p in pred.preds for atom in _atoms(p)]
    return [pred]


# ---- one 'and' chain ----------------------------------------------------------------------


class _Conjunct:
    """One part of an 'and' chain: its syntax, its IR, its atoms and what they allow per subject."""

    __slots__ = ("atoms", "node", "pred", "sets")

    def __init__(self, node: s.Expr, pred: ir.Pred, atoms: list[ir.Pred]) -> None:
        self.node = node
        self.pred = pred
        self.atoms = atoms
        self.sets: dict[ir.Value, _Set] = {}  # its atoms on each subject, met


def _conjuncts(pairs: list[tuple[s.Expr, ir.Pred]]) -> list[_Conjunct]:
    out = []
    for node, pred in pairs:
        conjunct = _Conjunct(node, pred, _atoms(pred))
        for atom in conjunct.atoms:
            found = _atom_set(atom)
            if found is not None:
                subject, values = found
                old = conjunct.sets.get(subject)
                conjunct.sets[subject] = values if old is None else old.meet(values)
        out.append(conjunct)
    return out


def _contradiction(conjuncts: list[_Conjunct]) -> list[int] | None:
    """Indexes of conjuncts that cannot all hold (the fewest found), or None."""
    for j, later in enumerate(conjuncts):  # x and not x
        for atom in later.atoms:
            if isinstance(atom, ir.Not):
                for i, earlier in enumerate(conjuncts):
                    if i != j and (earlier.pred == atom.pred or atom.pred in earlier.atoms):
                        return sorted({i, j})
    subjects = list(dict.fromkeys(subject for c in conjuncts for subject in c.sets))
    for subject in subjects:
        base = _base(subject)
        holders = [i for i, c in enumerate(conjuncts) if subject in c.sets]
        for i in holders:
            if base.meet(conjuncts[i].sets[subject]).is_empty() and not isinstance(
                    conjuncts[i].node, s.InSegment):
                return [i]
        for a, i in enumerate(holders):
            for j in holders[a + 1:]:
                if base.meet(conjuncts[i].sets[subject]).meet(conjuncts[j].sets[subject]).is_empty():
                    return [i, j]
        total = base
        for i in holders:
            total = total.meet(conjuncts[i].sets[subject])
        if len(holders) > 1 and total.is_empty():
            return holders
    return None


def _implied_by(later: _Conjunct, earlier: _Conjunct) -> bool:
    if later.pred == earlier.pred:
        return True
    for atom in later.atoms:
        if atom in earlier.atoms:
            continue
        found = _atom_set(atom)
        if found is None:
            return False
        subject, values = found
        if subject not in earlier.sets:
            return False
        if not _base(subject).meet(earlier.sets[subject]).within(values):
            return False
    return True


def _redundant(conjuncts: list[_Conjunct]) -> list[tuple[int, int]]:
    """(redundant, implied by) pairs; of two equivalent conditions only the later one is named."""
    found: dict[int, int] = {}
    for j in reversed(range(len(conjuncts))):
        for i in range(len(conjuncts)):
            if i != j and i not in found and _implied_by(conjuncts[j], conjuncts[i]):
                found[j] = i
                break
    return sorted(found.items())


# ---- walking segments ---------------------------------------------------------------------------


class _Linter:
    def __init__(self, source: Source, segment: str) -> None:
        self.source = source
        self.segment = segment
        self.diagnostics: list[Diagnostic] = []

    def walk(self, node: s.Expr, pred: ir.Pred, top: bool = False, alone: bool = True) -> None:
        """Lint every 'and' chain in ``node``; ``alone``: not a conjunct of a chain already linted."""
        if isinstance(node, s.And) and isinstance(pred, ir.And):
            pairs = _flatten(node, pred)
            if pairs is None:
                return
            self.chain(_conjuncts(pairs), top)
            for item, part in pairs:
                self.walk(item, part, alone=False)
            return
        if alone and not isinstance(node, (s.Or, s.Not)):
            self.chain(_conjuncts([(node, pred)]), top)
        if isinstance(node, s.Or) and isinstance(pred, ir.Or) and len(node.items) == len(pred.preds):
            for item, part in zip(node.items, pred.preds, strict=True):
                self.walk(item, part)
        elif isinstance(node, s.Not) and isinstance(pred, ir.Not):
            self.walk(node.operand, pred.pred)
        else:
            inner = _filter_of(node)
            aggregation = _aggregation_of(pred)
            if inner is not None and aggregation is not None and aggregation.filter is not None:
                self.walk(inner, aggregation.filter)

    def chain(self, conjuncts: list[_Conjunct], top: bool) -> None:
        never = _contradiction(conjuncts)
        if never is not None:
            self.never_true([conjuncts[i].node for i in never], top)
            return
        for j, i in _redundant(conjuncts):
            self.implied(conjuncts[j], conjuncts[i])

    def never_true(self, nodes: list[s.Expr], top: bool) -> None:
        result = f"segment '{self.segment}' matches nobody" if top else "this part is always false"
        quoted = [f'"{self.text(n)}"' for n in nodes]
        if len(nodes) == 1:
            message = f"{quoted[0]} can never be true, so {result}"
            hint = "a count is never below 0, and a whole-number field never equals a fraction"
        else:
            both = "both" if len(nodes) == 2 else "all"
            message = f"{', '.join(quoted[:-1])} and {quoted[-1]} can never {both} be true, so {result}"
            hint = "one of them is probably wrong; if either should do, join them with 'or'"
        notes = tuple(f'{self.source.path}:{n.span.line}:{n.span.column}: "{self.text(n)}" is here'
                      for n in nodes[:-1])
        self.diagnostics.append(make("SEG401", message, self.source, nodes[-1].span, hint,
                                     severity="warning", notes=notes))

    def implied(self, redundant: _Conjunct, by: _Conjunct) -> None:
        mine, theirs = self.text(redundant.node), self.text(by.node)
        word = "is implied by"
        if redundant.pred == by.pred:
            word = "repeats" if mine == theirs else "means the same as"
        message = f'"{mine}" {word} "{theirs}" (line {by.node.span.line}), so it changes nothing'
        self.diagnostics.append(make("SEG402", message, self.source, redundant.node.span,
                                     "remove it, or check whether one of the two is wrong",
                                     severity="warning"))

    def text(self, node: s.Expr) -> str:
        words = " ".join(self.source.text[node.span.start:node.span.end].split())
        return words if len(words) <= 60 else words[:57] + "…"


def _flatten(node: s.And, pred: ir.And) -> list[tuple[s.Expr, ir.Pred]] | None:
    """The conjuncts of ``(a and b) and c`` with their IR; None if the two do not line up."""
    if len(node.items) != len(pred.preds):
        return None
    out: list[tuple[s.Expr, ir.Pred]] = []
    for item, part in zip(node.items, pred.preds, strict=True):
        if isinstance(item, s.And) and isinstance(part, ir.And):
            inner = _flatten(item, part)
            if inner is None:
                return None
            out.extend(inner)
        else:
            out.append((item, part))
    return out


def top_level_parts(expr: s.Expr, pred: ir.Pred) -> tuple[str, list[tuple[s.Expr, ir.Pred]]]:
    """A segment's top-level conditions with their IR, and how they are joined ("and", "or", "")."""
    if isinstance(expr, s.And) and isinstance(pred, ir.And):
        pairs = _flatten(expr, pred)
        if pairs is not None:
            return "and", pairs
    if isinstance(expr, s.Or) and isinstance(pred, ir.Or) and len(expr.items) == len(pred.preds):
        return "or", list(zip(expr.items, pred.preds, strict=True))
    return "", [(expr, pred)]


def _filter_of(node: s.Expr) -> s.Expr | None:
    if isinstance(node, s.HasRows):
        return node.filter
    operand = getattr(node, "operand", None)
    return operand.filter if isinstance(operand, s.Aggregate) else None


def _aggregation_of(pred: ir.Pred) -> ir.Aggregation | None:
    while isinstance(pred, (ir.Not, ir.And)):
        if isinstance(pred, ir.Not):
            pred = pred.pred
        elif pred.preds:
            pred = pred.preds[0]
        else:
            return None
    value = getattr(pred, "value", None)
    return value if isinstance(value, ir.Aggregation) else None


# ---- entry points -------------------------------------------------------------------------------


def lint_segments(program: Program) -> list[Diagnostic]:
    """SEG401/SEG402 for every segment that checked."""
    out: list[Diagnostic] = []
    for file in program.files:
        source = Source(file.path, file.source)
        for segment in file.segments:
            checked = program.segments.get(segment.name.text)
            if checked is None or checked.path != file.path or checked.line != segment.span.line:
                continue  # it had errors (or is a duplicate name)
            linter = _Linter(source, segment.name.text)
            linter.walk(segment.expr, checked.pred, top=True)
            out.extend(linter.diagnostics)
    return out


def unused_traits(program: Program) -> list[Diagnostic]:
    """SEG404: traits that no checked segment uses, directly or through other traits."""
    if program.checker is None or program.errors or not program.segments:
        return []
    graph = program.checker.depends_on
    seen: set[str] = set()
    stack = [f"seg:{name}" for name in program.segments]
    while stack:
        owner = stack.pop()
        if owner not in seen:
            seen.add(owner)
            stack.extend(graph.get(owner, ()))
    schema = program.schema
    source = _schema_source(schema)
    return [make("SEG404", f"trait '{name}' is not used by any of the checked segments", source,
                 _trait_span(trait.span, trait.source),
                 "remove it from the schema, or check the files that use it together with these",
                 severity="warning")
            for name, trait in schema.traits.items() if f"trait:{name}" not in seen]


def _schema_source(schema: Schema) -> Source:
    """The schema as diagnostics name it: relative to the current folder when inside it (GitHub)."""
    path = schema.path
    if os.path.isabs(path):
        relative = os.path.relpath(path)
        if not relative.startswith(".."):
            path = relative
    return Source(path, schema.text)


def _trait_span(start: s.Span, text: str) -> s.Span:
    first = text.split("\n", 1)[0].rstrip()
    width = max(1, len(first))
    return s.Span(start.start, start.start + width, start.line, start.column, start.line,
                  start.column + width)


def lint(program: Program) -> list[Diagnostic]:
    """Every warning that needs no database, sorted."""
    found = lint_segments(program) + unused_traits(program)
    return sorted(dict.fromkeys(found), key=lambda d: d.sort_key())


def undeclared_enum_values(schema: Schema, db_path: str) -> list[Diagnostic]:
    """SEG403: for each enum column, values in the DuckDB database the schema does not declare."""
    from segdsl.runner import connect
    from segdsl.sql.builder import table_expr

    columns = [(schema.table, f) for f in schema.fields.values()]
    columns += [(r.table, f) for r in schema.relations.values() for f in r.fields.values()]
    out: list[Diagnostic] = []
    connection = connect(db_path)
    try:
        for table, enum_field in columns:
            if enum_field.type.kind != "enum":
                continue
            column = '"' + enum_field.column.replace('"', '""') + '"'
            declared = enum_field.type.values
            marks = ", ".join("?" for _ in declared)
            sql = (f"SELECT DISTINCT CAST({column} AS VARCHAR) AS v FROM "
                   f"{table_expr(table).sql(dialect='duckdb', identify=True)} "
                   f"WHERE {column} IS NOT NULL AND CAST({column} AS VARCHAR) NOT IN ({marks}) ORDER BY v LIMIT 11")
            rows = _fetch(connection, sql, list(declared), schema, db_path)
            if rows:
                out.append(_undeclared(schema, table, enum_field.name, enum_field.column, declared,
                                       [str(r[0]) for r in rows], enum_field.span))
    finally:
        connection.close()
    return out


def _fetch(connection: Any, sql: str, params: list[str], schema: Schema, db_path: str) -> list[Any]:
    import duckdb

    from segdsl.runner import database_error

    try:
        return list(connection.execute(sql, params).fetchall())
    except duckdb.CatalogException as error:
        raise database_error(f"{str(error).strip().splitlines()[0]} (the schema {schema.path} names it, "
                             f"but {db_path} does not have it)",
                             "check 'table:' and 'column:' in the schema against the database",
                             db_path) from None
    except duckdb.Error as error:
        raise database_error(f"cannot read enum values: {str(error).strip().splitlines()[0]}", None,
                             db_path) from None


def _undeclared(schema: Schema, table: str, name: str, column: str, declared: Iterable[str],
                values: list[str], span: s.Span) -> Diagnostic:
    shown = values[:10]
    listed = ", ".join(f"'{v}'" for v in shown) + (" and more" if len(values) > 10 else "")
    close = [f"'{v}' → '{m}'" for v in shown if (m := did_you_mean(v, tuple(declared))) is not None]
    hint = "add them to the field's values in the schema, or clean the data"
    if close:
        hint += "; close to declared values: " + ", ".join(close)
    return make("SEG403", f"{table}.{column} holds values the schema does not declare for '{name}': {listed}",
                _schema_source(schema), span, hint, severity="warning")

