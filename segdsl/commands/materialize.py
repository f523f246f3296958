"""``segdsl materialize``: build the membership table on a database and swap it in atomically.

    segdsl materialize PATH... --db demo.duckdb --table segments
    segdsl materialize PATH... --db postgresql://me@host/shop --table marketing.segments
    segdsl materialize PATH... --engine spark [--master spark://host:7077] --table mart.segments

The table holds the entity key and one boolean column per segment. It is built beside the
old one and replaces it in one step (segdsl/runners/materialize.py says how, per database);
if anything fails the previous table is untouched and the command exits 1. A --table naming a
table the schema reads (the entity's or a relation's, compared ignoring case) is a usage error
(exit 2), found before connecting.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from segdsl.cli import (
    Failed,
    _emit,
    as_of_option,
    load_program,
    resolve_target,
    schema_option,
    target_options,
)

if TYPE_CHECKING:
    from segdsl import ir


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@target_options
@click.option("--table", required=True, help="The membership table to replace (may be "
                                               "schema-qualified: marketing.segments); never a table "
                                               "the schema reads.")
@schema_option
@as_of_option
@click.option("--segment", "only", multiple=True, metavar="NAME",
              help="Only this segment (repeat for several; default: every segment in the files).")
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "json"]), help="text: one line; json: a summary for tools.")
def materialize(paths: tuple[str, ...], target: str | None, table: str, engine: str | None,
                master: str | None, schema_path: str | None, as_of: dt.date | None,
                only: tuple[str, ...], output_format: str) -> None:
    """Write the membership table (key + one boolean column per segment) and swap it in atomically."""
    if not paths:
        raise click.UsageError("give at least one segment file or folder")
    resolved = resolve_target(target, engine, master)
    from segdsl.runners.materialize import table_parts

    try:
        parts = table_parts(table, resolved.dialect)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--table") from None

    program = load_program(paths, None, schema_path, resolved.dialect, output_format)
    if program.errors:
        _emit(program.diagnostics, output_format)
        raise Failed
    from segdsl.runners.materialize import check_not_a_source

    try:  # before connecting: replacing a table the schema reads would lose its rows
        check_not_a_source(parts, program.schema)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--table") from None
    _emit(program.diagnostics)  # warnings: to stderr, whatever the format
    segments = _select(program, only)
    problems = program.dialect_diagnostics([s.name for s in segments])
    if problems:
        _emit(problems, output_format)
        raise Failed

    from segdsl.insights.console import spinner
    from segdsl.runners import open_database
    from segdsl.runners.materialize import materialize as build

    with spinner(f"building {table} on {resolved.display}…"), open_database(resolved, master=master) as db:
        try:
            result = build(db, segments, program.schema, table, as_of)
        except ValueError as error:
            click.echo(f"error: {error}", err=True)
            raise Failed from None
    if output_format == "json":
        import json

        click.echo(json.dumps({"table": table, "database": resolved.display, "rows": result.rows,
                               "segments": list(result.segments), "as_of": as_of.isoformat() if as_of else None,
                               "seconds": round(result.seconds, 3)}, indent=2, ensure_ascii=False))
        return
    count = len(result.segments)
    click.echo(f"{table}: {result.rows:,} {program.schema.entity}s × {count} "
               f"segment{'s' if count != 1 else ''} on {resolved.display} in {result.seconds:.2f} s")


def _select(program: Any, only: tuple[str, ...]) -> list[ir.Segment]:
    segments: dict[str, ir.Segment] = program.segments
    if not only:
        if not segments:
            raise click.UsageError("no segments found in the given paths")
        return [segments[name] for name in sorted(segments)]
    unknown = [name for name in only if name not in segments]
    if unknown:
        from segdsl.diagnostics import did_you_mean

        suggestion = did_you_mean(unknown[0], list(segments))
        hint = f" Did you mean '{suggestion}'?" if suggestion else ""
        raise click.UsageError(f"no segment named '{unknown[0]}'.{hint} "
                               f"Segments: {', '.join(sorted(segments))}")
    return [segments[name] for name in sorted(set(only))]
