"""Size snapshots: what ``segdsl sizes`` counted last time, so it can show the change.

Each database has its own file. A DuckDB or SQLite file keeps it next to itself
(``demo.duckdb`` → ``demo.duckdb.segdsl-sizes.json``); a server database or Spark, which
have no file, keep it in segdsl's state folder (``$SEGDSL_STATE_DIR``, else
``$XDG_STATE_HOME/segdsl``, else ``~/.local/state/segdsl``) under ``sizes/``, named after
the engine, host, port and database plus a hash of them (never the user or the password),
e.g. ``postgres-db.example-5432-shop-3f2a9c….json``; Spark adds the master and the entity
table, as a local Spark session has no identity of its own. So a PostgreSQL database and a
DuckDB file never share counts. The file maps each segment name to its last count::

    {"format": "segdsl-sizes/1", "database": "postgresql://me@db.example/shop",
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
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from segdsl.insights.files import atomic_write_text
from segdsl.runners.base import Target

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


def state_dir() -> Path:
    chosen = os.environ.get("SEGDSL_STATE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "segdsl"


def snapshot_path(target: Target, master: str | None = None, entity_table: str = "") -> Path:
    """Where the sizes of this database are kept (see the module docstring)."""
    if target.adapter in ("duckdb", "sqlite"):
        return Path(target.location + SUFFIX)
    if target.adapter == "spark":
        readable = ["spark", target.location or "default"]
        parts = [*readable, master or "local", entity_table]
    else:
        url = urlsplit(target.location)
        readable = [target.adapter, url.hostname or "", str(url.port or ""), url.path.strip("/")]
        parts = [*readable, url.scheme]
    digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:12]
    slug = re.sub(r"[^A-Za-z0-9_.]+", "-", "-".join(p for p in readable if p)).strip("-.")[:60]
    return state_dir() / "sizes" / f"{slug}-{digest}.json"


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
        segments = data.get("segments") if isinstance(data, dict) else None
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


def write_snapshots(path: Path, snapshots: dict[str, Snapshot], database: str = "") -> None:
    """Merge ``snapshots`` into the file at ``path`` (atomically); ``database`` is for people."""
    try:
        existing = read_snapshots(path)
    except SnapshotError:
        existing = {}
    existing.update(snapshots)
    payload: dict[str, Any] = {"format": FORMAT}
    if database:
        payload["database"] = database
    payload["segments"] = {name: existing[name].to_json() for name in sorted(existing)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    except OSError as error:
        raise SnapshotError(f"cannot write {path}: {error.strerror or error}") from None
