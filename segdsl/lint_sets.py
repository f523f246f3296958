"""The values a condition lets through, per subject: the algebra behind SEG401/SEG402.

A *subject* is what a condition constrains: a column, a related column inside a filter, or
an aggregate (``count(orders in last 30 days)``). What a condition accepts of one subject is
a :data:`Union` of :class:`ValueSet` pieces (``age < 20 or age > 50`` is two pieces). Each
piece holds intervals of numbers, of moments and of days relative to the reference date, a
set of allowed and of excluded values, and whether a missing value passes.

Every description is sound in one direction: a piece marked ``exact`` accepts exactly what
the condition accepts; any other piece accepts at least that (a superset). So "empty" is
only claimed when the condition really is never true, and "contained in" only when the
container is exact. What cannot be described is simply not analysed (:data:`TOP`).

Two counts are related when one counts a subset of the other's rows (same relation, a
window inside the other's, the same filter or none on the larger): then the smaller count
never exceeds the larger. :func:`view` uses that, so ``has orders in last 30 days`` tells
``count(orders in last 90 days) >= 1``.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from functools import lru_cache
from typing import Any

from segdsl import ir
from segdsl.node import Node

NUM, MOMENT, DAY = "number", "moment", "day"  # interval domains; DAY: days from the reference date
LIMIT = 32  # pieces kept in one union; beyond, the union becomes TOP (claims nothing)


class Interval(Node):
    low: Any = None  # None: unbounded
    low_incl: bool = True
    high: Any = None
    high_incl: bool = True

    def is_empty(self) -> bool:
        if self.low is None or self.high is None:
            return False
        return bool(self.low > self.high or (self.low == self.high and not (self.low_incl and self.high_incl)))

    def meet(self, other: Interval) -> Interval:
        low, low_incl = _tighter(self.low, self.low_incl, other.low, other.low_incl, lower=True)
        high, high_incl = _tighter(self.high, self.high_incl, other.high, other.high_incl, lower=False)
        return Interval(low, low_incl, high, high_incl)

    def within(self, other: Interval) -> bool:
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


def closed(interval: Interval, whole: bool) -> Interval:
    """On whole numbers (and days), x > 3.5 is x >= 4: keeps adjacent bounds comparable."""
    if not whole:
        return interval
    low, high = interval.low, interval.high
    if low is not None:
        low = math.floor(low) + 1 if not interval.low_incl and low == math.floor(low) else math.ceil(low)
    if high is not None:
        high = math.ceil(high) - 1 if not interval.high_incl and high == math.ceil(high) else math.floor(high)
    return Interval(low, True, high, True)


class ValueSet(Node):
    """One piece of the values of a subject that a condition accepts."""

    null: bool = False  # a missing value passes
    values: bool = True  # some present value may pass (False: only a missing one, 'is null')
    intervals: tuple[tuple[str, Interval], ...] = ()
    allowed: frozenset[Any] | None = None  # None: any value
    excluded: frozenset[Any] = frozenset()
    exact: bool = True  # describes the condition exactly (not just a superset)
    whole: bool = False  # the field holds whole numbers

    def interval(self, domain: str) -> Interval | None:
        return dict(self.intervals).get(domain)

    def meet(self, other: ValueSet) -> ValueSet:
        domains = dict(self.intervals)
        for domain, interval in other.intervals:
            domains[domain] = domains[domain].meet(interval) if domain in domains else interval
        allowed = self.allowed if other.allowed is None else (
            other.allowed if self.allowed is None else self.allowed & other.allowed)
        return ValueSet(self.null and other.null, self.values and other.values, tuple(sorted(domains.items())),
                        allowed, self.excluded | other.excluded, self.exact and other.exact,
                        self.whole or other.whole)

    def accepts(self, value: Any) -> bool:
        """Whether this present value passes (only numbers and text are ever listed)."""
        if not self.values or value in self.excluded or (self.allowed is not None and value not in self.allowed):
            return False
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            if self.whole and value != int(value):
                return False
            number = self.interval(NUM)
            return number is None or number.holds(value)
        return True

    def no_present_value(self) -> bool:
        if not self.values or any(interval.is_empty() for _, interval in self.intervals):
            return True
        if self.allowed is not None:
            return not any(self.accepts(v) for v in self.allowed)
        number = self.interval(NUM)
        return bool(number is not None and number.low is not None and number.low == number.high
                    and number.low in self.excluded)

    def is_empty(self) -> bool:
        return not self.null and self.no_present_value()

    def within(self, other: ValueSet) -> bool:
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

    def complement(self) -> Union:
        """What this exact piece rejects, as pieces (missing, out of an interval, excluded …)."""
        pieces: list[ValueSet] = []
        if not self.null:
            pieces.append(ValueSet(null=True, values=False, whole=self.whole))
        if not self.values:
            return (*pieces, ValueSet(whole=self.whole))
        if self.excluded:
            pieces.append(ValueSet(allowed=self.excluded, whole=self.whole))
        if self.allowed is not None:
            pieces.append(ValueSet(excluded=self.allowed, whole=self.whole))
        for domain, interval in self.intervals:
            whole = self.whole if domain == NUM else domain == DAY
            halves = []
            if interval.low is not None:
                halves.append(Interval(None, True, interval.low, not interval.low_incl))
            if interval.high is not None:
                halves.append(Interval(interval.high, not interval.high_incl, None, True))
            pieces.extend(ValueSet(intervals=((domain, closed(half, whole)),), whole=self.whole)
                          for half in halves)
        return tuple(pieces)


Union = tuple[ValueSet, ...]  # any of the pieces; () accepts nothing
EVERYTHING: Union = (ValueSet(null=True),)
TOP: Union = (ValueSet(null=True, exact=False),)  # nothing known


def _capped(pieces: list[ValueSet]) -> Union:
    if len(pieces) < 2:  # nothing to deduplicate: hashing a piece would hash all its values
        return tuple(pieces)
    unique = tuple(dict.fromkeys(pieces))
    return unique if len(unique) <= LIMIT else TOP


def meet(a: Union, b: Union) -> Union:
    return _capped([m for p in a for q in b if not (m := p.meet(q)).is_empty()])


def meet_all(unions: list[Union]) -> Union:
    """The meet of many unions, by halves: folding one at a time would copy a growing set of
    excluded values once per union (``x != 1 and x != 2 and …``), quadratic in their number."""
    if len(unions) < 2:
        return unions[0] if unions else EVERYTHING
    middle = len(unions) // 2
    return meet(meet_all(unions[:middle]), meet_all(unions[middle:]))


def join(a: Union, b: Union) -> Union:
    return _capped([*a, *b])


def complement(union: Union) -> Union:
    """Needs an exact union: what it rejects, exactly."""
    out = EVERYTHING
    for piece in union:
        out = meet(out, piece.complement())
    return out


def is_empty(union: Union) -> bool:
    return all(piece.is_empty() for piece in union)


def is_exact(union: Union) -> bool:
    return all(piece.exact for piece in union)


def within(a: Union, b: Union) -> bool:
    """Every value ``a`` accepts, ``b`` accepts (``b`` exact; a piece of ``a`` in one of ``b``)."""
    if not is_exact(b):
        return False
    for piece in a:
        parts = [piece]
        if piece.null and piece.values:  # the missing value may sit in another piece of b
            parts = [ValueSet(null=True, values=False, whole=piece.whole), ValueSet(
                False, True, piece.intervals, piece.allowed, piece.excluded, piece.exact, piece.whole)]
        for part in parts:
            if not part.is_empty() and not any(part.within(other) for other in b):
                return False
    return True


# ---- conditions as sets -------------------------------------------------------------------------


def _whole(value: ir.Value) -> bool:
    return value.type.kind == "int"


def number_set(op: str, literal: Any, whole: bool) -> ValueSet:
    low = high = None
    low_incl = high_incl = True
    if op in ("=", ">=", ">"):
        low, low_incl = literal, op != ">"
    if op in ("=", "<=", "<"):
        high, high_incl = literal, op != "<"
    return ValueSet(intervals=((NUM, closed(Interval(low, low_incl, high, high_incl), whole)),), whole=whole)


@lru_cache(maxsize=4096)
def time_set(pred: ir.TimeRange) -> ValueSet:
    domains: dict[str, Interval] = {}
    exact = True
    for bound, lower in ((pred.low, True), (pred.high, False)):
        if bound is None:
            continue
        point = bound.point
        value: Any
        if isinstance(point, dt.datetime):
            domain, value, incl = MOMENT, point, bound.inclusive
        elif isinstance(point, dt.date):  # a whole calendar day
            start = dt.datetime.combine(point, dt.time())
            after = start + dt.timedelta(days=1)
            domain = MOMENT
            if lower:
                value, incl = (start, True) if bound.inclusive else (after, True)
            else:
                value, incl = (after, False) if bound.inclusive else (start, False)
        elif point.unit in ("day", "week"):  # days from the reference date, always the same
            domain, incl = DAY, True
            offset = point.plus_days - point.back * (7 if point.unit == "week" else 1)
            value = offset if bound.inclusive else (offset + 1 if lower else offset - 1)
        else:  # months and years are not a fixed number of days
            exact = False
            continue
        old = domains.get(domain, Interval())
        half = Interval(value, incl, None, True) if lower else Interval(None, True, value, incl)
        domains[domain] = old.meet(half)
    return ValueSet(intervals=tuple(sorted(domains.items())), exact=exact)


def atom_set(atom: ir.Pred) -> tuple[ir.Value, ValueSet] | None:
    """The subject an atom constrains and the values it accepts, when that can be said."""
    negated = isinstance(atom, ir.Not)
    inner = atom.pred if isinstance(atom, ir.Not) else atom
    if isinstance(inner, ir.IsNull):
        return inner.value, ValueSet(null=not negated, values=negated)
    if negated:
        if isinstance(inner, ir.Compare) and inner.op == "=":
            return inner.value, ValueSet(null=True, excluded=frozenset([inner.literal.value]),
                                         whole=_whole(inner.value))
        if isinstance(inner, ir.InSet):
            return inner.value, ValueSet(null=True, excluded=frozenset(lit.value for lit in inner.literals),
                                         whole=_whole(inner.value))
        return None
    if isinstance(inner, ir.Compare):
        if inner.op == "!=":  # the checker writes not (x = v); never claim more than it says
            return None
        if inner.value.type.is_numeric:
            return inner.value, number_set(inner.op, inner.literal.value, _whole(inner.value))
        if inner.op == "=":
            return inner.value, ValueSet(allowed=frozenset([inner.literal.value]))
        return None
    if isinstance(inner, ir.InSet):
        return inner.value, ValueSet(allowed=frozenset(lit.value for lit in inner.literals),
                                     whole=_whole(inner.value))
    if isinstance(inner, ir.TimeRange):
        return inner.value, time_set(inner)
    if isinstance(inner, (ir.TextMatch, ir.RegexMatch, ir.ListHas, ir.Percentile)):
        return inner.value, ValueSet(exact=False)  # only: the value is present
    return None


Sets = dict[ir.Value, Union]  # a condition implies: each subject's value is in its union


def describe(pred: ir.Pred) -> tuple[Sets, bool]:
    """What ``pred`` implies per subject, and whether that is exactly ``pred`` (not just implied).

    ``and`` meets, an ``or`` on one subject joins (on several, only subjects all of its parts
    constrain are kept, joined), ``not`` of an exact one-subject condition is its complement.
    """
    if isinstance(pred, ir.And):
        out: Sets = {}
        exact = True
        for part in pred.preds:
            sets, part_exact = describe(part)
            exact = exact and part_exact
            for subject, union in sets.items():
                out[subject] = meet(out[subject], union) if subject in out else union
        return out, exact
    if isinstance(pred, ir.Or):
        described = [describe(part) for part in pred.preds]
        if not described:
            return {}, False
        common = set(described[0][0]).intersection(*(sets for sets, _ in described[1:]))
        joined: Sets = {}
        for subject in (s for s in described[0][0] if s in common):
            pieces: Union = ()
            for sets, _ in described:
                pieces = join(pieces, sets[subject])
            joined[subject] = pieces
        exact = len(joined) == 1 and all(part_exact and len(sets) == 1 for sets, part_exact in described)
        return joined, exact and all(is_exact(u) for u in joined.values())
    found = atom_set(pred)
    if found is not None:
        subject, values = found
        return {subject: (values,)}, values.exact
    if isinstance(pred, ir.Not):
        inner, exact = describe(pred.pred)
        if exact and len(inner) == 1:
            (subject, union), = inner.items()
            return {subject: complement(union)}, True
    return {}, False


# ---- what is always true, and counts of nested rows ------------------------------------------------


def base(subject: ir.Value) -> Union:
    """What is always true of a subject: counts are whole numbers from 0, never missing."""
    if isinstance(subject, ir.Aggregation) and subject.func in ("count", "count_distinct"):
        return (ValueSet(intervals=((NUM, Interval(0, True, None, True)),), whole=True),)
    return EVERYTHING


def family(subject: ir.Value) -> Any:
    """Subjects that may be related by :func:`fewer` share a family."""
    if isinstance(subject, ir.Aggregation) and subject.func in ("count", "count_distinct"):
        return (subject.func, subject.relation, subject.arg)
    return subject


@lru_cache(maxsize=65536)
def fewer(small: ir.Value, large: ir.Value) -> bool:
    """``small`` counts a subset of the rows ``large`` counts, for every entity and date."""
    if small == large or family(small) != family(large) or not isinstance(small, ir.Aggregation) \
            or not isinstance(large, ir.Aggregation):
        return False
    if large.filter is not None and large.filter != small.filter:
        return False
    if large.window is None:
        return True
    if small.window is None or small.window.value != large.window.value:
        return False
    return time_set(small.window).within(time_set(large.window))


def related(a: ir.Value, b: ir.Value) -> bool:
    """What is known of one may restrict the other: the same subject, or related counts."""
    return a == b or fewer(a, b) or fewer(b, a)


def _bound(union: Union, lower: bool) -> ValueSet | None:
    """The loosest lower (upper) bound over the pieces of a count, as a set; None if unbounded."""
    loosest: Interval | None = None
    for piece in union:
        if piece.is_empty():
            continue
        number = piece.interval(NUM) or Interval()
        if piece.allowed is not None:
            listed = [v for v in piece.allowed if piece.accepts(v)]
            number = number.meet(Interval(min(listed), True, max(listed), True))
        half = Interval(number.low, number.low_incl) if lower else Interval(None, True, number.high,
                                                                               number.high_incl)
        if (half.low if lower else half.high) is None:
            return None
        loosest = half if loosest is None or loosest.within(half) else loosest
    return None if loosest is None else ValueSet(intervals=((NUM, loosest),), whole=True)


def view(sets: Sets, subject: ir.Value, related: bool = True) -> Union:
    """What ``sets`` say of ``subject``, with what is always true and (``related``) what
    related counts imply: a count of fewer rows is at most, of more rows at least, the other."""
    always, own = base(subject), sets.get(subject, TOP)
    out = own if always is EVERYTHING else meet(always, own)  # meeting EVERYTHING would only copy
    if not related:
        return out
    for other, union in sets.items():
        if fewer(other, subject):
            bound = _bound(meet(base(other), union), lower=True)
        elif fewer(subject, other):
            bound = _bound(meet(base(other), union), lower=False)
        else:
            continue
        if bound is not None:
            out = meet(out, (bound,))
    return out


def knows(sets: Sets, subject: ir.Value) -> bool:
    """``sets`` say something of ``subject``, directly or through a related count."""
    return subject in sets or any(fewer(other, subject) or fewer(subject, other) for other in sets)
