"""Segment sizes: every segment counted in ONE pass over the data, on any database.

The compiler's membership query returns the key and one boolean column per segment; it is
wrapped as ``SELECT COUNT(*), SUM(CASE WHEN "seg" THEN 1 ELSE 0 END), … FROM (…)`` in the
database's dialect (segdsl/runners/segments.py), so all segments share the scans of the
entity table and of each related table, on DuckDB, PostgreSQL, SQLite, MySQL or Spark alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from segdsl import ir
from segdsl.insights.snapshots import (
    Snapshot,
    SnapshotError,
    now_utc,
    read_snapshots,
    write_snapshots,
)
from segdsl.runners.base import Database
from segdsl.runners.segments import count_members, sizes_query
from segdsl.schema import Schema


def definition_of(segment: ir.Segment) -> str:
    """A short hash of the segment's meaning (its resolved IR), to notice edits."""
    return hashlib.sha256(repr(segment.pred).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class SegmentSize:
    name: str
    members: int
    share: float | None  # of all entities; None when there are none
    definition: str
    previous: Snapshot | None = None

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.members - self.previous.members

    @property
    def definition_changed(self) -> bool:
        return (self.previous is not None and self.previous.definition is not None
                and self.previous.definition != self.definition)

    def to_json(self) -> dict[str, Any]:
        previous = None
        if self.previous is not None:
            previous = {"members": self.previous.members, "total": self.previous.total,
                        "as_of": self.previous.as_of, "taken_at": self.previous.taken_at}
        return {"segment": self.name, "members": self.members, "share": self.share,
                "change": self.change, "previous": previous,
                "definition_changed": self.definition_changed}


@dataclass
class Sizes:
    entity: str
    total: int
    as_of: dt.date | None
    seconds: float
    segments: list[SegmentSize]
    snapshot: str | None = None  # where the snapshot was written
    warnings: list[str] = field(default_factory=list)
    database: str = ""  # the --db target as shown to people (no password)

    def to_json(self) -> dict[str, Any]:
        return {"entity": self.entity, "database": self.database, "total": self.total,
                "as_of": self.as_of.isoformat() if self.as_of else None,
                "seconds": round(self.seconds, 3), "snapshot": self.snapshot,
                "segments": [s.to_json() for s in self.segments], "warnings": self.warnings}


def sizes_sql(segments: list[ir.Segment], schema: Schema, as_of: dt.date | None,
              dialect: str = "duckdb") -> str:
    """The one query: ``SELECT COUNT(*), SUM(CASE WHEN "seg" THEN 1 ELSE 0 END), … FROM (…)``."""
    return sizes_query(segments, schema, dialect, as_of)


def compute_sizes(db: Database, schema: Schema, segments: list[ir.Segment],
                  as_of: dt.date | None, snapshot: Path | None = None) -> Sizes:
    """Count every segment on ``db``; attach the previous counts from ``snapshot`` when given."""
    warnings: list[str] = []
    previous: dict[str, Snapshot] = {}
    if snapshot is not None:
        try:
            previous = read_snapshots(snapshot)
        except SnapshotError as error:
            warnings.append(str(error))
    started = time.perf_counter()
    total, members = count_members(db, segments, schema, as_of)
    seconds = time.perf_counter() - started
    sizes = [SegmentSize(s.name, count, count / total if total else None, definition_of(s),
                         previous.get(s.name))
             for s, count in zip(segments, members, strict=True)]
    return Sizes(schema.entity, total, as_of, seconds, sizes, None, warnings, db.target.display)


def save_snapshot(sizes: Sizes, path: Path) -> None:
    """Record these counts at ``path`` (see snapshots.py); a failure becomes a warning."""
    taken_at = now_utc()
    as_of = sizes.as_of.isoformat() if sizes.as_of else None
    entries = {s.name: Snapshot(s.members, sizes.total, as_of, taken_at, s.definition)
               for s in sizes.segments}
    try:
        write_snapshots(path, entries, sizes.database)
    except SnapshotError as error:
        sizes.warnings.append(f"{error}; sizes were not recorded")
        return
    sizes.snapshot = str(path)
