"""``segdsl diff``: what an edit does, before it ships.

OLD and NEW are files, folders or ``git:REV:path`` (segdsl/git_versions.py); each version is
checked against its own schema.yml: the one found from its file or folder, or at its revision
(the current schema when a revision has none; whatever --schema names, for both). The changed conditions come from the IR (see
structural_diff.py); the members who enter, leave and stay come from ONE DuckDB query that evaluates every old and new version side by side
(``membership_sql``) and aggregates the pairs, so a diff costs one scan of the data.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from typing import Any

import click

from segdsl import git_versions, ir
from segdsl.cli import Failed, _emit, as_of_option, find_schema, load_schema_for, schema_option
from segdsl.diagnostics import SegdslError, did_you_mean
from segdsl.structural_diff import SegmentDiff

_GROUPS = ("enter", "leave", "stay")


@dataclass(frozen=True, slots=True)
class Members:
    enter: int
    leave: int
    stay: int
    sample: dict[str, list[Any]]

    @property
    def old(self) -> int:
        return self.leave + self.stay

    @property
    def new(self) -> int:
        return self.enter + self.stay


@click.command()
@click.argument("old_spec", metavar="OLD")
@click.argument("new_spec", metavar="NEW")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False), help="DuckDB database file.")
@schema_option
@click.option("--segment", help="Compare only this segment (the same name in both versions).")
@as_of_option
@click.option("--with", "context", multiple=True, type=click.Path(),
              help="Other segment files or folders the segments refer to with 'in segment' (repeatable).")
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "json"]), help="Readable text, or JSON for tools.")
@click.option("--sample", default=5, show_default=True, type=click.IntRange(min=0),
              help="How many member keys to show for enter, leave and stay.")
def diff(old_spec: str, new_spec: str, db_path: str, schema_path: str | None, segment: str | None,
         as_of: dt.date | None, context: tuple[str, ...], output_format: str, sample: int) -> None:
    """Compare two versions of segments: OLD and NEW are .seg files or folders, or git:REV:path."""
    from segdsl.insights.console import spinner
    from segdsl.structural_diff import diff_segments

    try:
        old_sources, new_sources = read_version(old_spec), read_version(new_spec)
    except git_versions.UsageProblem as error:
        raise click.UsageError(str(error)) from None
    local = [spec for spec in (old_spec, new_spec) if not git_versions.is_git(spec)]
    hints = local + [spec.split(":", 2)[-1] for spec in (old_spec, new_spec) if git_versions.is_git(spec)]
    current = load_schema_for(schema_path, [*hints, *context])
    old_schema = current if schema_path else _schema_of(old_spec, current)
    new_schema = current if schema_path else _schema_of(new_spec, current)
    extra = _context(list(context), old_sources + new_sources)
    old = _segments(old_sources, extra, old_schema)
    new = _segments(new_sources, extra, new_schema)
    if segment is not None and segment not in old and segment not in new:
        names = sorted({*old, *new})
        suggestion = did_you_mean(segment, names)
        hint = f" Did you mean '{suggestion}'?" if suggestion else ""
        raise click.UsageError(f"no segment named '{segment}' in either version.{hint} "
                               f"Segments: {', '.join(names) or 'none'}")
    diffs = diff_segments(old, new, segment)
    if not diffs:
        raise click.UsageError("neither version defines a segment")
    with spinner(f"comparing {len(diffs)} segment{'s' if len(diffs) != 1 else ''} on {db_path}…"):
        members, total = member_changes(diffs, new_schema, db_path, as_of, sample)
    if output_format == "json":
        click.echo(json.dumps(_json(diffs, members, total, new_schema, as_of), indent=2, ensure_ascii=False,
                              default=str))
    else:
        click.echo("\n".join(_text(d, m, total, new_schema) for d, m in zip(diffs, members, strict=True)),
                   nl=False)


# ---- reading the two versions ---------------------------------------------------------

read_version = git_versions.read_version


def _schema_of(spec: str, current: Any) -> Any:
    """The schema a version was written for: at its revision when it has one there, else
    the current one (with a warning when the old one does not load). A file or folder uses
    the schema.yml found from its own place, so two folders each keep their own schema."""
    if not git_versions.is_git(spec):
        own = find_schema([spec])
        if own is None or os.path.realpath(own) == os.path.realpath(current.path):
            return current
        return load_schema_for(own, [spec])
    schema, problems = git_versions.schema_at(spec)
    if problems:
        click.echo(f"warning: the schema at {spec.split(':', 2)[1]} does not load "
                   f"({problems[0].message}); using {current.path} for that version", err=True)
    return schema or current


def _context(paths: list[str], versions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """--with files, minus the compared files and any file defining a segment they define."""
    if not paths:
        return []
    from segdsl.parser import parse_file
    from segdsl.project import read_sources

    def names(path: str, text: str) -> set[str]:
        return {s.name.text for s in parse_file(text, path)[0].segments}

    taken = set().union(*(names(path, text) for path, text in versions))
    own = {os.path.realpath(path) for path, _ in versions if os.path.exists(path)}
    sources, problems = read_sources(paths)
    if problems:
        raise SegdslError(problems)
    return [(path, text) for path, text in sources
            if os.path.realpath(path) not in own and not names(path, text) & taken]


def _segments(sources: list[tuple[str, str]], extra: list[tuple[str, str]], schema: Any) -> dict[str, ir.Segment]:
    """The segments the version's own files define, checked together with the context."""
    from segdsl import dialects
    from segdsl.project import build_program

    program = build_program(sources + extra, schema, dialects.get("duckdb"))
    _emit(program.diagnostics)
    if program.errors:
        raise Failed
    labels = {path for path, _ in sources}
    found = {name: s for name, s in program.segments.items() if s.path in labels}
    problems = program.dialect_diagnostics(list(found))
    if problems:
        _emit(problems)
        raise Failed
    return found


# ---- members ------------------------------------------------------------------------


def member_changes(diffs: list[SegmentDiff], schema: Any, db_path: str, as_of: dt.date | None,
                   sample: int) -> tuple[list[Members], int]:
    """Enter/leave/stay counts and samples for every pair, and the entity count, in one query."""
    from segdsl.compiler import membership_sql
    from segdsl.insights.database import Database, used_columns

    versions: list[ir.Segment] = []
    for i, pair in enumerate(diffs):
        for side, segment in (("old", pair.old), ("new", pair.new)):
            pred = segment.pred if segment is not None else ir.Const(False)  # absent: nobody
            versions.append(ir.Segment(f"{side}_{i}", None, pred, "", 0))
    inner = membership_sql(versions, schema, "duckdb", as_of, pretty=False)
    key = _quote(schema.key)
    columns: list[str] = []
    for i in range(len(diffs)):
        old, new = _quote(f"old_{i}"), _quote(f"new_{i}")
        for condition in (f"{new} AND NOT {old}", f"{old} AND NOT {new}", f"{old} AND {new}"):
            columns.append(f"COUNT(*) FILTER (WHERE {condition})")
            if sample:
                columns.append(f"min({key}, {int(sample)}) FILTER (WHERE {condition})")
    columns.append("COUNT(*)")
    with Database(db_path, schema) as db:
        db.check_columns(used_columns(schema, [v.pred for v in versions]))  # names a mistyped column
        row = db.fetchone(f"SELECT {', '.join(columns)} FROM ({inner}) AS versions")
    values = list(row)
    result = []
    step = 6 if sample else 3
    for i in range(len(diffs)):
        chunk = values[i * step:(i + 1) * step]
        counts = chunk[::2] if sample else chunk
        samples = chunk[1::2] if sample else [[]] * 3
        enter, leave, stay = (int(c) for c in counts)
        result.append(Members(enter, leave, stay,
                              {g: list(s or []) for g, s in zip(_GROUPS, samples, strict=True)}))
    return result, int(values[-1])


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---- output -------------------------------------------------------------------------


def _text(pair: SegmentDiff, members: Members, total: int, schema: Any) -> str:
    from segdsl.describe import Describer, plural

    describer = Describer(schema)
    say = describer.qualifier
    lines = [f"{pair.name}: {_headline(pair)}"]
    for change in pair.changes:
        if change.kind == "changed":
            assert change.old is not None and change.new is not None
            lines += [f"  ~ {say(change.old)}", f"    → {say(change.new)}"]
        else:
            pred = change.new if change.kind == "added" else change.old
            assert pred is not None
            lines.append(f"  {'+' if change.kind == 'added' else '-'} {say(pred)}")
    if pair.old and pair.new and pair.old.description != pair.new.description:
        lines.append(f"  description: {pair.old.description or '(none)'} → {pair.new.description or '(none)'}")
    entities = plural(schema.entity.replace("_", " "))
    lines.append(f"  members: {members.old:,} → {members.new:,} of {total:,} {entities}")
    for group in _GROUPS:
        count = getattr(members, group)
        keys = members.sample[group]
        shown = ", ".join(str(k) for k in keys) + (", …" if count > len(keys) else "")
        lines.append(f"    {group:<5} {count:>{len(f'{total:,}')},}" + (f"   {shown}" if keys else ""))
    return "\n".join(lines) + "\n"


def _headline(pair: SegmentDiff) -> str:
    if pair.status in ("added", "removed"):
        return f"{pair.status} (only in the {'new' if pair.status == 'added' else 'old'} version)"
    counts = {kind: sum(c.kind == kind for c in pair.changes) for kind in ("changed", "added", "removed")}
    parts = [f"{n} {kind}" for kind, n in counts.items() if n] + [f"{pair.unchanged} unchanged"]
    return f"{pair.status} (conditions: {', '.join(parts)})"


def _json(diffs: list[SegmentDiff], members: list[Members], total: int, schema: Any,
          as_of: dt.date | None) -> dict[str, Any]:
    from segdsl.describe import Describer
    from segdsl.evaluate import describe as canonical

    describer = Describer(schema)
    out = []
    for pair, m in zip(diffs, members, strict=True):
        conditions = [{"change": c.kind,
                       "old": describer.qualifier(c.old) if c.old else None,
                       "new": describer.qualifier(c.new) if c.new else None,
                       "old_canonical": canonical(c.old) if c.old else None,
                       "new_canonical": canonical(c.new) if c.new else None} for c in pair.changes]
        out.append({
            "segment": pair.name, "status": pair.status,
            "description": {"old": pair.old.description if pair.old else None,
                            "new": pair.new.description if pair.new else None},
            "conditions": conditions, "unchanged_conditions": pair.unchanged,
            "members": {"old": m.old, "new": m.new, "enter": m.enter, "leave": m.leave, "stay": m.stay,
                        "sample": m.sample},
        })
    return {"as_of": as_of.isoformat() if as_of else None, "total": total, "segments": out}
