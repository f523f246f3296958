"""How segments overlap: pairwise counts and Jaccard, and the largest exact intersections.

One pass over the data: the membership query (one boolean per segment) is grouped by all
its boolean columns into a small temporary table of *combinations* — which set of segments
an entity is in, and how many entities are in exactly that set (UpSet-style). Everything
else is computed from that table: segment sizes, |A ∩ B| for every pair, the Jaccard index
|A ∩ B| / |A ∪ B|, and the entities in no segment at all.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from segdsl import ir
from segdsl.insights.database import Database, membership_sql, quote, used_columns
from segdsl.schema import Schema

COMBOS_TABLE = "segdsl_combinations"


@dataclass(frozen=True, slots=True)
class Intersection:
    """Entities in exactly these segments (and in no other of those compared)."""

    segments: tuple[str, ...]
    members: int
    share: float | None

    def to_json(self) -> dict[str, Any]:
        return {"segments": list(self.segments), "members": self.members, "share": self.share}


@dataclass(frozen=True, slots=True)
class Pair:
    first: str
    second: str
    both: int
    jaccard: float | None
    first_in_second: float | None  # |A ∩ B| / |A|
    second_in_first: float | None  # |A ∩ B| / |B|

    def to_json(self) -> dict[str, Any]:
        return {"a": self.first, "b": self.second, "both": self.both, "jaccard": self.jaccard,
                "share_of_a": self.first_in_second, "share_of_b": self.second_in_first}


@dataclass
class Overlap:
    entity: str
    total: int
    as_of: dt.date | None
    seconds: float
    names: list[str]
    sizes: list[int]
    counts: list[list[int]]  # counts[i][j] = |A_i ∩ A_j|; the diagonal holds the sizes
    in_none: int  # entities in none of the segments
    combinations: int  # distinct non-empty combinations
    intersections: list[Intersection]  # the largest exact intersections, largest first

    def jaccard(self, i: int, j: int) -> float | None:
        union = self.sizes[i] + self.sizes[j] - self.counts[i][j]
        return self.counts[i][j] / union if union else None

    def jaccard_matrix(self) -> list[list[float | None]]:
        n = len(self.names)
        return [[self.jaccard(i, j) for j in range(n)] for i in range(n)]

    def pairs(self) -> list[Pair]:
        """Every pair of different segments, most similar (Jaccard) first."""
        result = []
        for i in range(len(self.names)):
            for j in range(i + 1, len(self.names)):
                both = self.counts[i][j]
                result.append(Pair(self.names[i], self.names[j], both, self.jaccard(i, j),
                                   both / self.sizes[i] if self.sizes[i] else None,
                                   both / self.sizes[j] if self.sizes[j] else None))
        result.sort(key=lambda p: (-(p.jaccard or 0.0), -p.both, p.first, p.second))
        return result

    def to_json(self, top: int | None = None) -> dict[str, Any]:
        pairs = self.pairs()
        return {
            "entity": self.entity, "total": self.total,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "seconds": round(self.seconds, 3),
            "segments": [{"segment": name, "members": size, "share": size / self.total if self.total else None}
                         for name, size in zip(self.names, self.sizes, strict=True)],
            "counts": self.counts,
            "jaccard": self.jaccard_matrix(),
            "pairs": [p.to_json() for p in (pairs if top is None else pairs[:top])],
            "in_no_segment": self.in_none,
            "combinations": self.combinations,
            "intersections": [x.to_json() for x in (self.intersections if top is None
                                                    else self.intersections[:top])],
        }


def combinations_sql(segments: list[ir.Segment], schema: Schema, as_of: dt.date | None) -> str:
    """The membership query grouped by all its boolean columns (c0, c1, … and n)."""
    columns = ", ".join(f"{quote(s.name)} AS {quote(f'c{i}')}" for i, s in enumerate(segments))
    groups = ", ".join(str(i + 1) for i in range(len(segments)))
    return (f"SELECT {columns}, COUNT(*) AS n FROM ({membership_sql(segments, schema, as_of)}) "
            f"AS membership GROUP BY {groups}")


def overlap_from_table(db: Database, names: list[str], table: str, top: int,
                       columns: list[str] | None = None) -> tuple[int, list[list[int]], int, int,
                                                                  list[Intersection]]:
    """From a table with one boolean column per segment (and a count column ``n``):
    (total, pairwise counts, entities in none, combinations, the ``top`` largest intersections)."""
    cols = columns or [f"c{i}" for i in range(len(names))]
    quoted = [quote(c) for c in cols]
    n = len(names)
    parts = ["SUM(n)", "COUNT(*)"]
    any_of = " OR ".join(quoted) if quoted else "FALSE"
    parts.append(f"SUM(CASE WHEN NOT ({any_of}) THEN n ELSE 0 END)")
    parts.append(f"SUM(CASE WHEN NOT ({any_of}) THEN 1 ELSE 0 END)")
    index: list[tuple[int, int]] = []
    for i in range(n):
        for j in range(i, n):
            condition = quoted[i] if i == j else f"{quoted[i]} AND {quoted[j]}"
            parts.append(f"SUM(CASE WHEN {condition} THEN n ELSE 0 END)")
            index.append((i, j))
    row = db.fetchone(f"SELECT {', '.join(parts)} FROM {table}")
    total, groups, in_none, empty_groups = (int(v or 0) for v in row[:4])
    counts = [[0] * n for _ in range(n)]
    for (i, j), value in zip(index, row[4:], strict=True):
        counts[i][j] = counts[j][i] = int(value or 0)
    degree = " + ".join(f"{q}::INTEGER" for q in quoted) if quoted else "0"
    order = ", ".join(f"{q} DESC" for q in quoted)
    rows = db.fetchall(f"SELECT {', '.join(quoted)}, n FROM {table} WHERE {any_of} "
                       f"ORDER BY n DESC, {degree} ASC{', ' + order if order else ''} LIMIT {int(top)}")
    intersections = [Intersection(tuple(name for name, flag in zip(names, r[:-1], strict=True) if flag),
                                  int(r[-1]), int(r[-1]) / total if total else None) for r in rows]
    return total, counts, in_none, groups - empty_groups, intersections


def compute_overlap(db_path: str, schema: Schema, segments: list[ir.Segment],
                    as_of: dt.date | None, top: int = 10) -> Overlap:
    started = time.perf_counter()
    names = [s.name for s in segments]
    with Database(db_path, schema) as db:
        db.check_columns(used_columns(schema, [s.pred for s in segments]))
        db.execute(f"CREATE TEMP TABLE {COMBOS_TABLE} AS {combinations_sql(segments, schema, as_of)}")
        total, counts, in_none, combos, intersections = overlap_from_table(db, names, COMBOS_TABLE, top)
    sizes = [counts[i][i] for i in range(len(names))]
    return Overlap(schema.entity, total, as_of, time.perf_counter() - started, names, sizes, counts,
                   in_none, combos, intersections)
