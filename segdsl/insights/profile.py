"""Who is in a segment: every field and trait, inside the segment versus outside it.

One compiled query puts the key, one boolean per segment and the value of every field and
trait into a temporary table (traits are computed by the compiler's own machinery: all
aggregates over a relation share one grouped pass). Each feature is then summarised with a
few DuckDB aggregates over that table, for all requested segments at once:

* numbers (int, decimal): quantiles p10/p25/p50/p75/p90 and the mean inside and outside,
  and a histogram (about 20 bins between the 1st and 99th percentile of all entities, or one
  bin per value for small integer ranges; values beyond the ends count in the end bins).
  pXX is the smallest value that at least XX% of the values are less than or equal to (an
  actual value, never an interpolation). A number with more than 4,096 distinct values is
  first rounded to 4 significant digits, so its quantiles and mean are exact to 4 digits;
* categories (enum, string, bool): the most common values inside (and outside) with their
  share inside, outside and their *lift* (share inside ÷ share among all entities); a text
  field whose values are mostly unique (e-mail, phone) is not listed value by value;
* dates and timestamps: shares by calendar month (by year past 20 years), and quantiles of
  the calendar day;
* lists: the share of entities whose list holds each element, and of those with none.

Features are sorted by a **score** in [0, 1] that says how strongly the feature sets the
segment apart: the *total variation distance* between the distribution inside and the
distribution outside, ½ Σ |p_inside(b) − p_outside(b)| over the buckets b (histogram bins,
months, values — missing values are a bucket of their own). 0 means the feature looks the
same inside and outside; 1 means no bucket is shared (e.g. ``region`` for ``region = 'UK'``).
Text fields are bucketed as their 20 most common values overall plus "other", so a field
that is different for everyone (e-mail, name) scores near 0 rather than 1. For a list,
whose element shares do not add up to 1, the score is the largest difference in share of
any single element (or of having no element), which is that element's own yes/no TVD.
With very small segments the score is noisy: a handful of members rarely look like the base.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from segdsl import ir
from segdsl.insights.database import (
    Database,
    Feature,
    base_query,
    features_of,
    quote,
    used_columns,
)

Kind = Literal["numeric", "categorical", "date", "list"]
QUANTILES = (("p10", 0.10), ("p25", 0.25), ("p50", 0.50), ("p75", 0.75), ("p90", 0.90))
TOP_VALUES = 10  # values / elements kept per feature and segment
SCORE_BUCKETS = 20  # most common text values scored individually (the rest is "other")
HISTOGRAM_BINS = 20
EXACT_DISTINCT = 4096  # numbers with more distinct values are rounded to SIGNIFICANT_DIGITS first
SIGNIFICANT_DIGITS = 4
UNIQUE_MIN = 100  # a text field with more distinct values, for at least half the entities, is "mostly unique"
SMALL_INT_RANGE = 40  # integer fields spanning at most this many values get one bin per value
MAX_MONTHS = 240  # beyond this span, dates are bucketed by year
BASE_TABLE = "segdsl_profile_base"
GROUPS_TABLE = "segdsl_profile_groups"
MISSING = "(missing)"
OTHER = "(other)"
NO_ELEMENTS = "(none)"


def kind_of(feature: Feature) -> Kind:
    data_type = feature.type
    if data_type.is_numeric:
        return "numeric"
    if data_type.is_temporal:
        return "date"
    if data_type.kind == "list":
        return "list"
    return "categorical"


# ---- results ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bucket:
    """One value, histogram bin, month or list element."""

    label: str
    inside: float | None  # share of the segment's members in this bucket
    outside: float | None  # share of everyone else
    lift: float | None = None  # inside ÷ share among all entities
    value: Any = None  # the value itself (categories, list elements, months)
    low: float | None = None  # histogram bins: [low, high)
    high: float | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"label": self.label, "inside": self.inside, "outside": self.outside,
                                "lift": self.lift}
        if self.low is not None or self.high is not None:
            data["low"], data["high"] = self.low, self.high
        elif self.value is not None:
            data["value"] = _json_value(self.value)
        return data


@dataclass(frozen=True, slots=True)
class Stats:
    """Quantiles and mean of the values one side has (missing values left out)."""

    count: int  # entities with a value
    missing: float | None  # share with no value
    mean: float | None
    quantiles: dict[str, Any]  # p10 … p90: numbers, or dates for date fields

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "missing": self.missing, "mean": self.mean,
                **{k: _json_value(v) for k, v in self.quantiles.items()}}


@dataclass
class FeatureProfile:
    name: str
    origin: Literal["field", "trait"]
    type: str
    kind: Kind
    description: str | None
    score: float | None  # None when there is nothing to compare (empty segment, or everyone)
    buckets: list[Bucket] = field(default_factory=list)  # what the charts show
    inside: Stats | None = None
    outside: Stats | None = None
    distinct: int | None = None  # distinct values (categories), elements (lists)
    by: str | None = None  # "bin", "value", "month", "year", "element"
    note: str | None = None  # e.g. "mostly unique values"

    def summary(self, side: Literal["inside", "outside"], limit: int = 3) -> str:
        """One line for one side: 'median 34 (p25–p75 30–37)' or 'UK 80% · IE 20%'."""
        stats = self.inside if side == "inside" else self.outside
        if self.kind in ("numeric", "date"):
            if stats is None or not stats.count:
                return "no values" if stats is not None else "—"
            q = stats.quantiles
            integer = self.type == "int"
            text = (f"median {_show(q['p50'], integer)} "
                    f"(p25–p75 {_show(q['p25'], integer)} – {_show(q['p75'], integer)})")
            if stats.missing:
                text += f", {_percent(stats.missing)} missing"
            return text
        if self.note:
            return self.note
        shown = [b for b in self.buckets if b.label != NO_ELEMENTS or self.kind != "list"]
        if side == "outside":
            shown = sorted(shown, key=lambda b: -(b.outside or 0.0))
        shares = [(b.label, b.inside if side == "inside" else b.outside) for b in shown]
        parts = [f"{label} {_percent(share)}" for label, share in shares if share][:limit]
        return " · ".join(parts) if parts else "—"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name, "origin": self.origin, "type": self.type, "kind": self.kind,
            "description": self.description, "score": self.score, "by": self.by,
            "buckets": [b.to_json() for b in self.buckets]}
        if self.inside is not None or self.outside is not None:
            data["inside"] = self.inside.to_json() if self.inside else None
            data["outside"] = self.outside.to_json() if self.outside else None
        if self.distinct is not None:
            data["distinct"] = self.distinct
        if self.note is not None:
            data["note"] = self.note
        return data


@dataclass
class Profile:
    segment: str
    entity: str
    members: int
    total: int
    as_of: dt.date | None
    features: list[FeatureProfile]
    seconds: float = 0.0

    @property
    def share(self) -> float | None:
        return self.members / self.total if self.total else None

    def to_json(self) -> dict[str, Any]:
        return {"segment": self.segment, "entity": self.entity, "members": self.members,
                "total": self.total, "share": self.share,
                "as_of": self.as_of.isoformat() if self.as_of else None,
                "seconds": round(self.seconds, 3),
                "score": "total variation distance between the distributions inside and outside",
                "features": [f.to_json() for f in self.features]}


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


# ---- the profiler --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Side:
    """One segment column of the base table and its member count."""

    name: str
    column: str
    members: int


class Profiler:
    """Summarises every feature of a base table for several segment columns at once."""

    def __init__(self, db: Database, table: str, total: int, sides: list[_Side]) -> None:
        self.db = db
        self.table = table
        self.total = total
        self.sides = sides

    # shares, guarding the empty sides
    def _in(self, count: float, side: _Side) -> float | None:
        return count / side.members if side.members else None

    def _out(self, count: float, side: _Side) -> float | None:
        rest = self.total - side.members
        return count / rest if rest else None

    def _lift(self, inside: float | None, all_count: float) -> float | None:
        if inside is None or not self.total or not all_count:
            return None
        return inside / (all_count / self.total)

    def _sums(self, weight: str = "1") -> str:
        return ", ".join(f"SUM(CASE WHEN {quote(s.column)} THEN {weight} ELSE 0 END)" for s in self.sides)

    def _comparable(self, side: _Side) -> bool:
        return 0 < side.members < self.total

    def profile(self, feature: Feature, column: str) -> list[FeatureProfile]:
        kind = kind_of(feature)
        if kind == "numeric":
            return self._numeric(feature, column)
        if kind == "date":
            return self._date(feature, column)
        if kind == "list":
            return self._list(feature, column)
        return self._categorical(feature, column)

    def _new(self, feature: Feature, kind: Kind, score: float | None) -> FeatureProfile:
        return FeatureProfile(feature.name, feature.origin, str(feature.type), kind, feature.description, score)

    def _tvd(self, rows: Sequence[tuple[int, Sequence[int]]], side_index: int) -> float | None:
        """½ Σ |inside − outside| over buckets given as (count of all, counts per side)."""
        side = self.sides[side_index]
        if not self._comparable(side):
            return None
        rest = self.total - side.members
        return 0.5 * sum(abs(c[side_index] / side.members - (n - c[side_index]) / rest) for n, c in rows)

    def _top_sql(self) -> str:
        """Per side: the values most common inside, and those most common outside (GROUPS_TABLE
        with a value rank vr, so ties are broken by the value)."""
        parts = []
        for i in range(len(self.sides)):
            c = quote(f"c{i}")
            item = f"{{'v': v, 'n': n, 'c': {c}}}"
            parts.append(f"max_by({item}, {{'c': {c}, 'n': n, 'r': -vr}}, {TOP_VALUES})")
            parts.append(f"max_by({item}, {{'o': n - {c}, 'n': n, 'r': -vr}}, {TOP_VALUES})")
        return ", ".join(parts)

    def _merge_tops(self, lists: Sequence[Any]) -> list[list[dict[str, Any]]]:
        """Each side's values: most common inside first, then the most common outside ones."""
        merged = []
        for i in range(len(self.sides)):
            seen: dict[Any, dict[str, Any]] = {}
            for item in [*(lists[2 * i] or ()), *(lists[2 * i + 1] or ())]:
                seen.setdefault(item["v"], item)
            merged.append(list(seen.values()))
        return merged

    # -- numbers ---------------------------------------------------------------------------
    def _group(self, value_sql: str) -> None:
        """GROUPS_TABLE: each distinct value (NULL too), how many have it (n), and per side (c0, …)."""
        counts = ", ".join(f"SUM(CASE WHEN {quote(s.column)} THEN 1 ELSE 0 END) AS {quote(f'c{i}')}"
                           for i, s in enumerate(self.sides))
        self.db.execute(f"CREATE OR REPLACE TEMP TABLE {GROUPS_TABLE} AS "
                        f"SELECT {value_sql} AS v, COUNT(*) AS n, {counts} FROM {self.table} GROUP BY 1")

    def _ordered_stats(self, mean: bool) -> tuple[tuple[Any, ...], list[tuple[Stats | None, Stats | None]]]:
        """From GROUPS_TABLE: (count, min, max, p01, p99) of all values, and each side's Stats.

        pXX is the smallest value that at least XX% of the side's values are less than or equal
        to. The counts are unpivoted to (side, value, count) so that ONE window (running count
        per side over the sorted values) serves every side, inside and outside."""
        sides = len(self.sides)
        counts = ["n"]
        for i in range(sides):
            c = quote(f"c{i}")
            counts += [c, f"n - {c}"]
        percents = [1, 99, *(round(q * 100) for _, q in QUANTILES)]
        filters = ", ".join(f"MIN(v) FILTER (WHERE k * 100 >= {p} * t)" for p in percents)
        average = "SUM(v * cnt) / SUM(cnt)" if mean else "NULL"
        rows = self.db.fetchall(
            f"SELECT side, SUM(cnt), MIN(v), MAX(v), {average}, {filters} FROM ("
            f"SELECT side, v, cnt, SUM(cnt) OVER (PARTITION BY side ORDER BY v "
            f"ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS k, SUM(cnt) OVER (PARTITION BY side) AS t "
            f"FROM (SELECT v, UNNEST(range({len(counts)})) AS side, UNNEST([{', '.join(counts)}]) AS cnt "
            f"FROM {GROUPS_TABLE} WHERE v IS NOT NULL) WHERE cnt > 0) GROUP BY side")
        found = {int(r[0]): r for r in rows}
        everyone = found.get(0)
        overall = ((int(everyone[1]), everyone[2], everyone[3], everyone[5], everyone[6])
                   if everyone else (0, None, None, None, None))
        result = []
        for index, side in enumerate(self.sides):
            pair: list[Stats | None] = []
            for number, size in ((1 + 2 * index, side.members), (2 + 2 * index, self.total - side.members)):
                if not size:
                    pair.append(None)
                    continue
                row = found.get(number)
                if row is None:  # no one on this side has a value
                    pair.append(Stats(0, 1.0, None, {k: None for k, _ in QUANTILES}))
                    continue
                count = int(row[1])
                quantiles = {k: _clean(q) if isinstance(q, float) else q
                             for (k, _), q in zip(QUANTILES, row[7:], strict=True)}
                pair.append(Stats(count, (size - count) / size,
                                  float(row[4]) if row[4] is not None else None, quantiles))
            result.append((pair[0], pair[1]))
        return overall, result

    def _numeric(self, feature: Feature, column: str) -> list[FeatureProfile]:
        integer = feature.type.kind == "int"
        value = f"CAST({quote(column)} AS DOUBLE)"
        distinct = int(self.db.fetchone(f"SELECT approx_count_distinct({value}) FROM {self.table}")[0] or 0)
        if distinct > EXACT_DISTINCT:
            value = (f"CASE WHEN {value} = 0 OR NOT isfinite({value}) THEN {value} ELSE round({value}, "
                     f"{SIGNIFICANT_DIGITS - 1} - CAST(floor(log10(abs({value}))) AS INTEGER)) END")
        self._group(value)
        (count, low, high, p01, p99), stats = self._ordered_stats(mean=True)
        bins = _bins(low, high, p01, p99, integer) if count else None
        if bins is not None:
            start, step, number = bins
            expr = (f"CASE WHEN v IS NULL THEN NULL ELSE "
                    f"LEAST(GREATEST(FLOOR((v - ({start!r})) / ({step!r})), 0), {number - 1})::INTEGER END")
        else:
            expr = "NULL"
        sums = ", ".join(f"SUM({quote(f'c{i}')})" for i in range(len(self.sides)))
        rows = [(r[0], int(r[1]), [int(x or 0) for x in r[2:]]) for r in self.db.fetchall(
            f"SELECT {expr} AS b, SUM(n), {sums} FROM {GROUPS_TABLE} GROUP BY 1 ORDER BY 1 NULLS LAST")]
        if bins is not None:  # every bin, empty ones too, so the chart's axis is even
            present = {r[0]: r for r in rows}
            empty = [0] * len(self.sides)
            rows = [present.get(b, (b, 0, empty)) for b in range(bins[2])] + [r for r in rows if r[0] is None]
        results = []
        for index, side in enumerate(self.sides):
            profile = self._new(feature, "numeric", self._tvd([(n, c) for _, n, c in rows], index))
            profile.by = "value" if integer and count and high - low <= SMALL_INT_RANGE else "bin"
            profile.inside, profile.outside = stats[index]
            for bucket, n, c in rows:
                inside, outside = self._in(c[index], side), self._out(n - c[index], side)
                if bucket is None or bins is None:
                    profile.buckets.append(Bucket(MISSING, inside, outside, self._lift(inside, n)))
                    continue
                start, step, number = bins
                lo, hi = start + bucket * step, start + (bucket + 1) * step
                label = _bin_label(lo, hi, step, integer, bucket == 0 and low < start,
                                   bucket == number - 1 and high >= hi)
                profile.buckets.append(Bucket(label, inside, outside, self._lift(inside, n),
                                              low=_clean(lo), high=_clean(hi)))
            results.append(profile)
        return results

    # -- categories ----------------------------------------------------------------------------
    def _categorical(self, feature: Feature, column: str) -> list[FeatureProfile]:
        v = quote(column)
        sides = self.sides
        distinct, with_value = (int(x or 0) for x in self.db.fetchone(
            f"SELECT approx_count_distinct({v}), COUNT({v}) FROM {self.table}"))
        distinct = min(distinct, with_value)  # the estimate can exceed the values there are
        unique = distinct > UNIQUE_MIN and distinct >= with_value / 2
        sums = ", ".join(f"SUM({quote(f'c{i}')})" for i in range(len(sides)))
        if unique:
            # e-mail, phone, name: score with the most common values; list none of them
            common = [row[0] for row in self.db.fetchall(
                f"SELECT {v} FROM {self.table} WHERE {v} IS NOT NULL GROUP BY 1 "
                f"ORDER BY COUNT(*) DESC, 1 LIMIT {SCORE_BUCKETS}")]
            literal = "[" + ", ".join(_sql_literal(x) for x in common) + "]" if common else "[]"
            bucket = (f"CASE WHEN {v} IS NULL THEN 0 ELSE COALESCE(NULLIF(list_position({literal}, {v}), 0), "
                      f"{SCORE_BUCKETS + 1}) END")
            self._group(bucket)
            score_rows = self.db.fetchall(f"SELECT v, SUM(n), {sums} FROM {GROUPS_TABLE} GROUP BY 1")
            tops: tuple[Any, ...] = (None,) * len(sides)
            missing_row = self.db.fetchone(f"SELECT SUM(n), {sums} FROM {GROUPS_TABLE} WHERE v = 0")
        else:
            self._group(v)
            # scoring buckets: the most common values, everything else, and missing
            bucket = (f"CASE WHEN v IS NULL THEN 0 WHEN rk <= {SCORE_BUCKETS} THEN rk "
                      f"ELSE {SCORE_BUCKETS + 1} END")
            score_rows = self.db.fetchall(
                f"SELECT {bucket} AS b, SUM(n), {sums} FROM "
                f"(SELECT *, ROW_NUMBER() OVER (ORDER BY v IS NULL, n DESC, v) AS rk FROM {GROUPS_TABLE}) "
                f"GROUP BY 1")
            row = self.db.fetchone(f"SELECT COUNT(v), {self._top_sql()} FROM (SELECT *, DENSE_RANK() OVER "
                                   f"(ORDER BY v) AS vr FROM {GROUPS_TABLE})")
            distinct, tops = int(row[0]), tuple(self._merge_tops(row[1:]))
            missing_row = None
        scored = [(int(r[1]), [int(x or 0) for x in r[2:]]) for r in score_rows]
        results = []
        for index, side in enumerate(sides):
            profile = self._new(feature, "categorical", self._tvd(scored, index))
            profile.by, profile.distinct = "value", distinct
            if unique:
                profile.note = f"mostly unique values (about {distinct:,} distinct)"
                if missing_row is not None and missing_row[0]:
                    n, count = int(missing_row[0]), int(missing_row[1 + index] or 0)
                    inside, outside = self._in(count, side), self._out(n - count, side)
                    profile.buckets.append(Bucket(MISSING, inside, outside, self._lift(inside, n)))
            for item in tops[index] or ():
                value, n, count = item["v"], int(item["n"]), int(item["c"] or 0)
                inside, outside = self._in(count, side), self._out(n - count, side)
                if not (inside or outside):
                    continue
                profile.buckets.append(Bucket(_label(value), inside, outside, self._lift(inside, n), value))
            profile.buckets.sort(key=lambda b: (-(b.inside or 0.0), -(b.outside or 0.0)))
            results.append(profile)
        return results

    # -- dates -----------------------------------------------------------------------------------
    def _date(self, feature: Feature, column: str) -> list[FeatureProfile]:
        # calendar days are fine enough for quantiles and months, and far fewer than timestamps
        self._group(f"CAST({quote(column)} AS DATE)")
        _, stats = self._ordered_stats(mean=False)
        sums = ", ".join(f"SUM({quote(f'c{i}')})" for i in range(len(self.sides)))
        rows = [(r[0], int(r[1]), [int(x or 0) for x in r[2:]]) for r in self.db.fetchall(
            f"SELECT CAST(date_trunc('month', v) AS DATE) AS m, SUM(n), {sums} FROM {GROUPS_TABLE} "
            f"GROUP BY 1 ORDER BY 1 NULLS LAST")]
        months = [r[0] for r in rows if r[0] is not None]
        by = "month"
        if months and _month_index(months[-1]) - _month_index(months[0]) >= MAX_MONTHS:
            by = "year"
            merged: dict[Any, tuple[int, list[int]]] = {}
            for month, n, counts in rows:
                key = None if month is None else dt.date(month.year, 1, 1)
                old_n, old = merged.get(key, (0, [0] * len(counts)))
                merged[key] = (old_n + n, [a + b for a, b in zip(old, counts, strict=True)])
            rows = [(k, n, cs) for k, (n, cs) in merged.items()]
        elif months:  # every month in the span, so the chart's time axis has no gaps
            present = {r[0]: r for r in rows}
            filled: list[tuple[Any, int, list[int]]] = []
            index = _month_index(months[0])
            while index <= _month_index(months[-1]):
                month = dt.date(index // 12, index % 12 + 1, 1)
                filled.append(present.get(month, (month, 0, [0] * len(self.sides))))
                index += 1
            rows = filled + [r for r in rows if r[0] is None]
        results = []
        for index, side in enumerate(self.sides):
            profile = self._new(feature, "date", self._tvd([(n, c) for _, n, c in rows], index))
            profile.by = by
            profile.inside, profile.outside = stats[index]
            for month, n, counts in rows:
                inside, outside = self._in(counts[index], side), self._out(n - counts[index], side)
                label = MISSING if month is None else (str(month.year) if by == "year"
                                                       else f"{month.year:04d}-{month.month:02d}")
                profile.buckets.append(Bucket(label, inside, outside, self._lift(inside, n),
                                              None if month is None else label))
            results.append(profile)
        return results

    # -- lists -------------------------------------------------------------------------------------
    def _list(self, feature: Feature, column: str) -> list[FeatureProfile]:
        v = quote(column)
        sides = self.sides
        flags = ", ".join(quote(s.column) for s in sides)
        counts = ", ".join(f"SUM(CASE WHEN {quote(s.column)} THEN 1 ELSE 0 END) AS {quote(f'c{i}')}"
                           for i, s in enumerate(sides))
        self.db.execute(f"CREATE OR REPLACE TEMP TABLE {GROUPS_TABLE} AS "
                        f"SELECT v, COUNT(*) AS n, {counts} FROM "
                        f"(SELECT UNNEST(list_distinct({v})) AS v, {flags} FROM {self.table}) GROUP BY 1")
        none_row = self.db.fetchone(f"SELECT COUNT(*), {self._sums()} FROM {self.table} "
                                    f"WHERE COALESCE(len(list_distinct({v})), 0) = 0")
        none_n, none_c = int(none_row[0]), [int(x or 0) for x in none_row[1:]]
        c = [quote(f"c{i}") for i in range(len(sides))]
        differences = []
        for i, side in enumerate(sides):
            if self._comparable(side):
                rest = self.total - side.members
                differences.append(f"MAX(ABS({c[i]} / {side.members}.0 - (n - {c[i]}) / {rest}.0))")
            else:
                differences.append("NULL")
        row = self.db.fetchone(f"SELECT COUNT(v), {', '.join(differences)}, {self._top_sql()} FROM "
                               f"(SELECT *, DENSE_RANK() OVER (ORDER BY v) AS vr FROM {GROUPS_TABLE})")
        distinct = int(row[0])
        tops = self._merge_tops(row[1 + len(sides):])
        results = []
        for index, side in enumerate(sides):
            none_in = self._in(none_c[index], side)
            none_out = self._out(none_n - none_c[index], side)
            score: float | None = None
            if self._comparable(side):
                assert none_in is not None and none_out is not None
                score = max(float(row[1 + index] or 0.0), abs(none_in - none_out))
            profile = self._new(feature, "list", score)
            profile.by, profile.distinct = "element", distinct
            for item in tops[index]:
                value, n, count = item["v"], int(item["n"]), int(item["c"] or 0)
                inside, outside = self._in(count, side), self._out(n - count, side)
                if not (inside or outside):
                    continue
                profile.buckets.append(Bucket(_label(value), inside, outside, self._lift(inside, n), value))
            profile.buckets.sort(key=lambda b: (-(b.inside or 0.0), -(b.outside or 0.0)))
            profile.buckets.append(Bucket(NO_ELEMENTS, none_in, none_out, self._lift(none_in, none_n)))
            results.append(profile)
        return results


# ---- running it ---------------------------------------------------------------------------


@dataclass
class BaseTable:
    """The temporary table every insight of the report is computed from."""

    table: str
    total: int
    segments: dict[str, str]  # segment name → its boolean column
    members: dict[str, int]
    features: list[tuple[Feature, str]]  # feature → its value column


def build_base(db: Database, program: Any, segments: list[ir.Segment], as_of: dt.date | None,
               features: list[Feature] | None = None, table: str = BASE_TABLE) -> BaseTable:
    """Check the columns, then materialise key + segment flags + feature values (one query)."""
    chosen = features_of(program) if features is None else features
    seg_columns = {s.name: f"s{i}" for i, s in enumerate(segments)}
    value_columns = [(f, f"f{i}") for i, f in enumerate(chosen)]
    db.check_columns(used_columns(db.schema, [*(s.pred for s in segments), *(f.value for f, _ in value_columns)]))
    sql = base_query(db.schema, {seg_columns[s.name]: s.pred for s in segments},
                     {column: f.value for f, column in value_columns}, as_of)
    db.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {sql}")
    sums = ", ".join(f"SUM(CASE WHEN {quote(c)} THEN 1 ELSE 0 END)" for c in seg_columns.values())
    row = db.fetchone(f"SELECT COUNT(*){', ' + sums if sums else ''} FROM {table}")
    members = {name: int(value or 0) for name, value in zip(seg_columns, row[1:], strict=True)}
    return BaseTable(table, int(row[0]), seg_columns, members, value_columns)


def profile_base(db: Database, base: BaseTable, names: list[str],
                 on_feature: Callable[[str], None] | None = None) -> dict[str, list[FeatureProfile]]:
    """Every feature for each of these segments, strongest first."""
    sides = [_Side(n, base.segments[n], base.members[n]) for n in names]
    profiler = Profiler(db, base.table, base.total, sides)
    result: dict[str, list[FeatureProfile]] = {n: [] for n in names}
    for feature, column in base.features:
        if on_feature is not None:
            on_feature(feature.name)
        for name, profile in zip(names, profiler.profile(feature, column), strict=True):
            result[name].append(profile)
    for profiles in result.values():
        profiles.sort(key=lambda p: (p.score is None, -(p.score or 0.0)))
    return result


def compute_profile(db_path: str, program: Any, segment: ir.Segment, as_of: dt.date | None,
                    on_step: Callable[[str], None] | None = None) -> Profile:
    started = time.perf_counter()
    with Database(db_path, program.schema) as db:
        if on_step is not None:
            on_step("computing members and values")
        base = build_base(db, program, [segment], as_of)
        profiles = profile_base(db, base, [segment.name],
                                (lambda name: on_step(f"profiling {name}")) if on_step else None)
    return Profile(segment.name, program.schema.entity, base.members[segment.name], base.total, as_of,
                   profiles[segment.name], time.perf_counter() - started)


# ---- helpers ------------------------------------------------------------------------------------


def _nice_step(span: float, bins: int, integer: bool) -> float:
    raw = span / bins
    if raw <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in ((1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)):
        if factor * power >= raw * (1 - 1e-9):
            step = factor * power
            return max(1.0, round(step)) if integer else step
    return 10 * power  # pragma: no cover


def _bins(low: float, high: float, p01: float, p99: float, integer: bool) -> tuple[float, float, int]:
    """(start, step, number of bins) for a histogram of values in [low, high]."""
    if integer and high - low <= SMALL_INT_RANGE:
        return float(low), 1.0, int(high - low) + 1
    lo, hi = (p01, p99) if p99 > p01 else (low, high)
    if hi <= lo:
        return float(lo), 1.0, 1
    step = _nice_step(hi - lo, HISTOGRAM_BINS, integer)
    start = math.floor(lo / step) * step
    number = max(1, math.ceil((hi - start) / step - 1e-9))
    if start + number * step <= hi:  # p99 itself must fall inside the last bin
        number += 1
    return start, step, number


def _clean(value: float) -> float:
    """Round away binary noise (0.30000000000000004 → 0.3)."""
    return float(f"{value:.12g}")


def format_number(value: float | None, integer: bool = False) -> str:
    if value is None:
        return "—"
    if integer or float(value).is_integer():
        return f"{round(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:.2f}"


def _bin_label(lo: float, hi: float, step: float, integer: bool, open_low: bool, open_high: bool) -> str:
    if integer and step == 1:
        text = format_number(lo, True)
        return f"≤{text}" if open_low else (f"≥{text}" if open_high else text)
    if open_low:
        return f"<{format_number(_clean(hi), integer)}"
    if open_high:
        return f"≥{format_number(_clean(lo), integer)}"
    if integer:
        return f"{format_number(lo, True)}–{format_number(hi - 1, True)}"
    return f"{format_number(_clean(lo))}–{format_number(_clean(hi))}"


def _percent(value: float | None) -> str:
    if value is None:
        return "—"
    if 0 < value < 0.001:
        return "<0.1%"
    return f"{value * 100:.0f}%" if value >= 0.1 else f"{value * 100:.1f}%"


def _show(value: Any, integer: bool) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return format_number(value, integer)
    return "—" if value is None else str(value)


def _sql_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _label(value: Any) -> str:
    if value is None:
        return MISSING
    if value == "":
        return "(empty text)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1
