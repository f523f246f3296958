"""``segdsl check``: diagnostics for files and folders, for people, tools and GitHub.

Errors exit 1. Warnings (segdsl/lint.py: conditions that can never be true, conditions
implied by another, unused traits when a folder is checked and, with ``--db``, enum values
in the data that the schema does not declare and columns missing or of a type that does not
fit the schema) are printed but exit 0 unless ``--strict``. Without ``--db`` this
never imports sqlglot or duckdb, so it starts fast.
"""

from __future__ import annotations

import os
from typing import Any

import click

from segdsl.cli import (
    Failed,
    _emit,
    dialect_option,
    format_option,
    load_program,
    resolve_target,
    schema_option,
)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@schema_option
@format_option
@dialect_option
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--db", "target", metavar="TARGET",
              help="Also compare the database with the schema: its columns (types, on DuckDB) and "
                   "the values of enum columns. A DuckDB file or a database URL, as for run.")
def check(paths: tuple[str, ...], schema_path: str | None, output_format: str, dialect: str,
          strict: bool, target: str | None) -> None:
    """Check segment files and folders (recursively *.seg); exit 1 on errors."""
    from segdsl.lint import lint

    if not paths:
        raise click.UsageError("give at least one segment file or folder")
    database = resolve_target(target, None, None) if target is not None else None
    program = load_program(paths, None, schema_path, dialect, output_format)
    # Unused traits only when a folder is checked: files given one by one are a part of the
    # project, and every trait they do not use would be a false alarm.
    whole_project = any(path != "-" and os.path.isdir(path) for path in paths)
    found = program.diagnostics + program.dialect_diagnostics() + lint(program, whole_project)
    if database is not None:
        found += _database_warnings(program.schema, database)
    program.diagnostics = sorted(dict.fromkeys(found), key=lambda d: d.sort_key())
    _emit(program.diagnostics, output_format)
    warnings = len(program.diagnostics) - len(program.errors)
    if program.errors or (strict and warnings):
        raise Failed
    if output_format == "text":
        count = len(program.segments)
        extra = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
        click.echo(f"ok: {count} segment{'s' if count != 1 else ''} checked{extra}", err=True)


def _database_warnings(schema: Any, target: Any) -> list[Any]:
    """Fields whose column is missing or mistyped in the database, and enum values it holds
    that the schema does not declare."""
    from segdsl.runners import open_database
    from segdsl.runners.columns import type_warnings
    from segdsl.runners.enums import undeclared_enum_values

    with open_database(target, read_only=True) as db:
        return type_warnings(db.column_types, schema, db.target.display) + undeclared_enum_values(db, schema)
