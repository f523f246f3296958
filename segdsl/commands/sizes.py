"""``segdsl sizes``: how many members each segment has, counted in one query, and the change."""

from __future__ import annotations

import datetime as dt

import click

from segdsl.cli import as_of_option, resolve_target, schema_option, target_options
from segdsl.insights.console import load_checked, output_format_option, select_segments


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@target_options
@schema_option
@as_of_option
@click.option("--segment", "names", multiple=True, metavar="NAME",
              help="Count only this segment (repeat for several; default: every segment).")
@click.option("--no-snapshot", is_flag=True,
              help="Do not record these counts (kept in FILE.segdsl-sizes.json beside a database file, "
                   "else in segdsl's state folder, for the change column).")
@output_format_option
def sizes(paths: tuple[str, ...], target: str | None, engine: str | None, master: str | None,
          schema_path: str | None, as_of: dt.date | None, names: tuple[str, ...], no_snapshot: bool,
          output_format: str) -> None:
    """Members of every segment and their share of all entities, in one pass over the data.

    The change since the previous run is shown when a snapshot of it exists (FILE.segdsl-sizes.json
    next to a DuckDB or SQLite file; for servers and Spark, in segdsl's state folder); each run
    records a new one unless --no-snapshot.
    """
    from segdsl.insights import console
    from segdsl.insights.sizes import compute_sizes, save_snapshot
    from segdsl.insights.snapshots import snapshot_path
    from segdsl.runners import open_database

    resolved = resolve_target(target, engine, master)
    program = load_checked(paths, None, schema_path, output_format, resolved.dialect)
    segments = select_segments(program, names, paths)
    snapshot = snapshot_path(resolved, master, program.schema.table)
    with console.spinner(f"counting {len(segments)} segments in one query on {resolved.display}…"), \
            open_database(resolved, master=master, read_only=True) as db:
        result = compute_sizes(db, program.schema, segments, as_of, snapshot)
    if not no_snapshot:
        save_snapshot(result, snapshot)
    if output_format == "json":
        console.echo_json(result.to_json())
        return
    for warning in result.warnings:
        console.warn(warning)
    previous = [s.previous for s in result.segments if s.previous is not None]
    columns = [console.Column("segment"), console.Column("members", "right"), console.Column("share", "right")]
    if previous:
        latest = max(p.taken_at for p in previous)
        columns.append(console.Column(f"change since {latest.replace('T', ' ').rstrip('Z')} UTC", "right"))
    rows = []
    edited = False
    as_of_now = as_of.isoformat() if as_of else None
    other_day = False
    for size in result.segments:
        row = [size.name, f"{size.members:,}", console.percent(size.share)]
        if previous:
            if size.previous is None:
                row.append("new")
            else:
                change = size.change or 0
                text = console.signed(change)
                if size.previous.members and change:
                    text += f" ({console.signed_percent(change / size.previous.members)})"
                if size.definition_changed:
                    text += " *"
                    edited = True
                if size.previous.as_of != as_of_now:
                    text += " †"
                    other_day = True
                row.append(text)
        rows.append(row)
    as_of_text = as_of.isoformat() if as_of else "today"
    notes = ["* the segment's definition changed since then"] if edited else []
    if other_day:
        notes.append("† the previous count used another reference date (--as-of)")
    caption = "\n".join(notes) or None
    count = len(result.segments)
    console.print_table(f"{count} segment{'s' if count != 1 else ''} · {result.total:,} {result.entity}s · "
                        f"as of {as_of_text}",
                        columns, rows, caption)
    saved = f"; recorded in {result.snapshot}" if result.snapshot else ""
    console.note(f"counted in one query in {result.seconds:.2f} s{saved}")
