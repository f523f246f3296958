"""Segment sizes: every segment counted in ONE pass over the data.

The compiler's membership query returns the key and one boolean column per segment; this
module wraps it as ``SELECT COUNT(*), SUM(CASE WHEN "seg" THEN 1 ELSE 0 END), … FROM (…)``,
so all segments share the scans of the entity table and of each related table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from segdsl import ir
from segdsl.insights.database import Database, membership_sql, quote, used_columns
from segdsl.insights.snapshots import (
    Snapshot,
    SnapshotError,
    now_utc,
    read_snapshots,
    snapshot_path,
    write_snapshots,
)
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

    def to_json(self) -> dict[str, Any]:
        return {"entity": self.entity, "total": self.total,
                "as_of": self.as_of.isoformat() if self.as_of else None,
                "seconds": round(self.seconds, 3), "snapshot": self.snapshot,
                "segments": [s.to_json() for s in self.segments], "warnings": self.warnings}


def sizes_sql(segments: list[ir.Segment], schema: Schema, as_of: dt.date | None) -> str:
    sums = ", ".join(f"SUM(CASE WHEN {quote(s.name)} THEN 1 ELSE 0 END)" for s in segments)
    return f"SELECT COUNT(*), {sums} FROM ({membership_sql(segments, schema, as_of)}) AS membership"


def count_members(db: Database, segments: list[ir.Segment],
                  as_of: dt.date | None) -> tuple[int, list[int]]:
    """(entities, members of each segment), from one query."""
    db.check_columns(used_columns(db.schema, [s.pred for s in segments]))
    row = db.fetchone(sizes_sql(segments, db.schema, as_of))
    return int(row[0]), [int(value or 0) for value in row[1:]]


def compute_sizes(db_path: str, schema: Schema, segments: list[ir.Segment],
                  as_of: dt.date | None, compare: bool = True) -> Sizes:
    """Count every segment; attach the previous snapshot of each when ``compare``."""
    warnings: list[str] = []
    previous: dict[str, Snapshot] = {}
    if compare:
        try:
            previous = read_snapshots(snapshot_path(db_path))
        except SnapshotError as error:
            warnings.append(str(error))
    started = time.perf_counter()
    with Database(db_path, schema) as db:
        total, members = count_members(db, segments, as_of)
    seconds = time.perf_counter() - started
    sizes = [SegmentSize(s.name, count, count / total if total else None, definition_of(s),
                         previous.get(s.name))
             for s, count in zip(segments, members, strict=True)]
    return Sizes(schema.entity, total, as_of, seconds, sizes, None, warnings)


def save_snapshot(sizes: Sizes, db_path: str) -> None:
    """Record these counts next to the database; a failure becomes a warning."""
    path = snapshot_path(db_path)
    taken_at = now_utc()
    as_of = sizes.as_of.isoformat() if sizes.as_of else None
    entries = {s.name: Snapshot(s.members, sizes.total, as_of, taken_at, s.definition)
               for s in sizes.segments}
    try:
        write_snapshots(path, entries)
    except SnapshotError as error:
        sizes.warnings.append(f"{error}; sizes were not recorded")
        return
    sizes.snapshot = str(Path(path))
