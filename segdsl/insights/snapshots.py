"""Size snapshots: what ``segdsl sizes`` counted last time, so it can show the change.

The file lives next to the database (``demo.duckdb`` → ``demo.duckdb.segdsl-sizes.json``)
and maps each segment name to its last count::

    {"format": "segdsl-sizes/1",
     "segments": {"uk_frequent": {"members": 3553, "total": 100000, "as_of": "2026-06-30",
                                  "taken_at": "2026-06-30T09:15:02Z", "definition": "3f2a…"}}}

``as_of`` is the reference date used (null: the database's current date), ``taken_at`` when
the count ran (UTC), ``definition`` a hash of the compiled SQL, so a change in size can be
told apart from a change in the segment's definition. Writing merges with what is there
(segments not counted this time keep their entry) and is atomic: a temporary file in the
same folder, then ``os.replace``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from segdsl.insights.files import atomic_write_text

FORMAT = "segdsl-sizes/1"
SUFFIX = ".segdsl-sizes.json"


@dataclass(frozen=True, slots=True)
class Snapshot:
    members: int
    total: int
    as_of: str | None
    taken_at: str
    definition: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"members": self.members, "total": self.total, "as_of": self.as_of,
                "taken_at": self.taken_at, "definition": self.definition}


def snapshot_path(db_path: str) -> Path:
    return Path(db_path + SUFFIX)


def definition_hash(sql: str) -> str:
    return hashlib.sha256(sql.encode("utf-8")).hexdigest()[:16]


def now_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class SnapshotError(Exception):
    """The snapshot file exists but cannot be read or written; the message says why."""


def read_snapshots(path: Path) -> dict[str, Snapshot]:
    """The stored snapshots by segment name; {} when there is no file yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise SnapshotError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        data = json.loads(text)
        segments = data["segments"] if isinstance(data, dict) else None
        if not isinstance(segments, dict):
            raise ValueError("no 'segments' mapping")
        result: dict[str, Snapshot] = {}
        for name, entry in segments.items():
            if not isinstance(entry, dict):
                continue
            members, total = entry.get("members"), entry.get("total")
            if not isinstance(members, int) or not isinstance(total, int):
                continue
            as_of = entry.get("as_of")
            definition = entry.get("definition")
            result[str(name)] = Snapshot(members, total, as_of if isinstance(as_of, str) else None,
                                         str(entry.get("taken_at", "")),
                                         definition if isinstance(definition, str) else None)
        return result
    except (ValueError, KeyError, TypeError) as error:
        raise SnapshotError(f"{path} is not a segdsl sizes snapshot ({error}); it will be replaced") from None


def write_snapshots(path: Path, snapshots: dict[str, Snapshot]) -> None:
    """Merge ``snapshots`` into the file at ``path`` (atomically)."""
    try:
        existing = read_snapshots(path)
    except SnapshotError:
        existing = {}
    existing.update(snapshots)
    payload = {"format": FORMAT,
               "segments": {name: existing[name].to_json() for name in sorted(existing)}}
    try:
        atomic_write_text(path, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    except OSError as error:
        raise SnapshotError(f"cannot write {path}: {error.strerror or error}") from None
