"""``segdsl compile``: one SQL statement for one segment, or deployable DDL (``--as``).

    segdsl compile PATH... --segment NAME                     # one SELECT
    segdsl compile PATH... --all --as view|table [--name SCHEMA]
    segdsl compile PATH... --all --as membership [--name TABLE]

With ``--as view`` or ``--as table`` every segment becomes an object named after the segment;
``--name`` is the schema (``mart`` or ``catalog.mart``) it is created in. With ``--as
membership`` there is one table (``--name``, default ``segment_membership``, may be
schema-qualified): the entity key plus one boolean column per segment. Objects are sorted by
segment name and the output is byte-for-byte the same for the same input.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

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
@click.option("--all", "all_segments", is_flag=True,
              help="Every segment in the files (with --as).")
@click.option("--as", "as_kind", type=click.Choice(["view", "table", "membership"]),
              help="Print deployable DDL: a view or table per segment, or one membership table.")
@click.option("--name", help="With --as view/table: the schema to create them in (SCHEMA or "
                             "CATALOG.SCHEMA). With --as membership: the table name "
                             "(default segment_membership).")
def compile_command(paths: tuple[str, ...], expr: str | None, schema_path: str | None, dialect: str,
                    as_of: dt.date | None, segment: str | None, all_segments: bool,
                    as_kind: str | None, name: str | None) -> None:
    """Print one SQL statement returning one row per member (the key column), or DDL with --as."""
    if as_kind is None:
        if all_segments:
            raise click.UsageError("--all writes DDL for every segment: add --as view, --as table "
                                   "or --as membership")
        if name is not None:
            raise click.UsageError("--name only applies with --as view|table|membership")
    elif expr is not None:
        raise click.UsageError("--as needs named segments from files; an -e expression has no name")
    if all_segments and segment is not None:
        raise click.UsageError("give either --all or --segment NAME, not both")
    if as_kind is not None and name is not None:
        _check_name(as_kind, name)

    program = load_program(paths, expr, schema_path, dialect)
    _emit(program.diagnostics)
    if program.errors:
        raise Failed
    if as_kind is None:
        chosen = pick_segment(program, segment, expr)
        _refuse_unsupported(program, [chosen.name])
        from segdsl.compiler import segment_sql

        click.echo(segment_sql(chosen, program.schema, dialect.lower(), as_of) + ";")
        return

    if all_segments:
        selected = [program.segments[n] for n in sorted(program.segments)]
    elif segment is not None or len(program.segments) == 1:
        selected = [pick_segment(program, segment, None)]
    elif not program.segments:
        selected = []
    else:
        raise click.UsageError("these files define several segments: add --all, or choose one with "
                               f"--segment NAME (segments: {', '.join(sorted(program.segments))})")
    if not selected:
        raise click.UsageError("no segments found in " + ", ".join(paths))
    _refuse_unsupported(program, [s.name for s in selected])
    from segdsl import ddl

    try:
        text = ddl.script(selected, program.schema, dialect.lower(), cast("ddl.Kind", as_kind),
                          name, as_of)
    except ValueError as error:
        click.echo(f"error: {error}", err=True)
        raise Failed from None
    click.echo(text, nl=False)


def _check_name(as_kind: str, name: str) -> None:
    from segdsl import ddl

    try:
        ddl.object_parts(cast("ddl.Kind", as_kind), "segment", name)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--name") from None


def _refuse_unsupported(program: Any, names: list[str]) -> None:
    problems = program.dialect_diagnostics(names)
    if problems:
        _emit(problems)
        raise Failed
