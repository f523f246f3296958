"""``segdsl compile``: one SQL statement for one segment."""

from __future__ import annotations

import datetime as dt

import click

from segdsl.cli import (
    Failed,
    _emit,
    as_of_option,
    dialect_option,
    load_program,
    pick_segment,
    schema_option,
)


@click.command(name="compile")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-e", "--expr", help="Compile this expression instead of a segment file.")
@schema_option
@dialect_option
@as_of_option
@click.option("--segment", help="Which segment to compile when the files define several.")
def compile_command(paths: tuple[str, ...], expr: str | None, schema_path: str | None, dialect: str,
                    as_of: dt.date | None, segment: str | None) -> None:
    """Print one SQL statement returning one row per member (the key column)."""
    program = load_program(paths, expr, schema_path, dialect)
    _emit(program.diagnostics)
    if program.errors:
        raise Failed
    chosen = pick_segment(program, segment, expr)
    problems = program.dialect_diagnostics([chosen.name])
    if problems:
        _emit(problems)
        raise Failed
    from segdsl.compiler import segment_sql

    click.echo(segment_sql(chosen, program.schema, dialect.lower(), as_of) + ";")
