"""``segdsl run``: members of one segment on any database, shown, printed for tools, or saved.

``--db`` takes a DuckDB file or a database URL, ``--engine spark`` runs on Spark (see
segdsl/runners). The segment's query runs once whatever the output: its first members come
with their count, and ``--out`` (segdsl/runners/members_file.py) writes every key to a
temporary file renamed into place, so a failed run never leaves a half-written file.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from typing import Any

import click

from segdsl.cli import (
    Failed,
    _emit,
    as_of_option,
    load_program,
    pick_segment,
    resolve_target,
    schema_option,
    target_options,
)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-e", "--expr", help="Run this expression instead of a segment file.")
@target_options
@schema_option
@as_of_option
@click.option("--segment", help="Which segment to run when the files define several.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=0),
              help="How many members to show.")
@click.option("--out", "-o", "out_path", type=click.Path(dir_okay=False),
              help="Also write every member key to this .csv or .parquet file (replaced atomically).")
@click.option("--format", "output_format", default="table", show_default=True,
              type=click.Choice(["table", "csv", "json"]),
              help="table: summary and first members; csv: every member key; json: summary and sample.")
def run(paths: tuple[str, ...], expr: str | None, target: str | None, engine: str | None,
        master: str | None, schema_path: str | None, as_of: dt.date | None, segment: str | None,
        limit: int, out_path: str | None, output_format: str) -> None:
    """Run a segment on a database: print the member count and the first members."""
    from segdsl.runners.members_file import copy_options

    resolved = resolve_target(target, engine, master)
    if out_path:
        try:
            copy_options(out_path)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="'--out'") from None
    program = load_program(paths, expr, schema_path, resolved.dialect)
    _emit(program.diagnostics)
    if program.errors:
        raise Failed
    chosen = pick_segment(program, segment, expr)
    problems = program.dialect_diagnostics([chosen.name])
    if problems:
        _emit(problems)
        raise Failed

    from segdsl.insights.console import spinner
    from segdsl.runners import open_database
    from segdsl.runners import segments as on_db

    with spinner(f"running {chosen.name} on {resolved.display}…"), \
            open_database(resolved, master=master, read_only=True) as db:
        if output_format == "csv" and not out_path:
            on_db.check(db, program.schema, [chosen.pred])
            rows = db.query(on_db.render(db, on_db.ordered_members(db, chosen, program.schema, as_of)))
        elif out_path:
            result = write_out(db, chosen, program.schema, as_of, out_path, limit)
            rows = []
        else:
            result = on_db.run_segment(db, chosen, program.schema, as_of, limit)
    if output_format == "csv":
        if out_path:
            click.echo(f"wrote {result.members:,} members to {out_path}", err=True)
            return
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([program.schema.key])
        writer.writerows(rows)
        return
    if output_format == "json":
        body: dict[str, Any] = {"segment": result.segment, "members": result.members, "total": result.total,
                                "as_of": as_of.isoformat() if as_of else None,  # None: the database's today
                                "sample": [row[0] for row in result.sample]}
        click.echo(json.dumps(body, indent=2, default=str, ensure_ascii=False))
        return
    print_table(result, program.schema.entity)
    if out_path:
        click.echo(f"wrote {result.members:,} members to {out_path}")


def write_out(db: Any, segment: Any, schema: Any, as_of: dt.date | None, out_path: str, limit: int) -> Any:
    """Every member key to ``out_path``; the summary comes from the same single run."""
    import time

    from segdsl.runner import RunResult
    from segdsl.runners import segments as on_db
    from segdsl.runners.members_file import write_members

    on_db.check(db, schema, [segment.pred])
    started = time.perf_counter()
    ordered = on_db.render(db, on_db.ordered_members(db, segment, schema, as_of))
    members, sample = write_members(db, ordered, schema.key, out_path, limit)
    total = on_db.count_entities(db, schema)
    return RunResult(segment.name, members, total, sample, [schema.key], time.perf_counter() - started, ordered)


def print_table(result: Any, entity: str) -> None:
    """The summary line, then the first members as a rich table (plain text without rich)."""
    from segdsl.describe import plural

    share = result.members / result.total * 100 if result.total else 0.0
    summary = (f"{result.segment}: {result.members:,} members ({share:.1f}% of {result.total:,} "
               f"{plural(entity)}) in {result.seconds:.2f} s")
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        click.echo(summary)
        if result.sample:
            click.echo("first members: " + ", ".join(str(row[0]) for row in result.sample))
        return
    console = Console(highlight=False, soft_wrap=True)
    console.print(summary, markup=False)
    if result.sample:
        table = Table(*result.columns, title=f"first {len(result.sample)} of {result.members:,}",
                      title_justify="left")
        for row in result.sample:
            table.add_row(*(str(value) for value in row))
        console.print(table)
