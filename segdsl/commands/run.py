"""``segdsl run``: members of one segment on DuckDB."""

from __future__ import annotations

import datetime as dt

import click

from segdsl.cli import (
    Failed,
    _emit,
    as_of_option,
    load_program,
    pick_segment,
    schema_option,
)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-e", "--expr", help="Run this expression instead of a segment file.")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False),
              help="DuckDB database file.")
@schema_option
@as_of_option
@click.option("--segment", help="Which segment to run when the files define several.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=0),
              help="How many members to show.")
def run(paths: tuple[str, ...], expr: str | None, db_path: str, schema_path: str | None,
        as_of: dt.date | None, segment: str | None, limit: int) -> None:
    """Run a segment on DuckDB: print the member count and the first members."""
    program = load_program(paths, expr, schema_path, "duckdb")
    _emit(program.diagnostics)
    if program.errors:
        raise Failed
    chosen = pick_segment(program, segment, expr)
    from segdsl.runner import run_segment

    result = run_segment(chosen, program.schema, db_path, as_of, limit)
    share = result.members / result.total * 100 if result.total else 0.0
    click.echo(f"{result.segment}: {result.members:,} members "
               f"({share:.1f}% of {result.total:,} {program.schema.entity}s) in {result.seconds:.2f} s")
    if result.sample:
        click.echo("first members: " + ", ".join(str(row[0]) for row in result.sample))
