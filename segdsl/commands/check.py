"""``segdsl check``: diagnostics for files and folders, for people, tools and GitHub.

Errors exit 1. Warnings (segdsl/lint.py: conditions that can never be true, conditions
implied by another, unused traits when a folder is checked and, with ``--db``, enum values
in the data that the schema does not declare and columns missing or of a type that does not
fit the schema) are printed but exit 0 unless ``--strict``. Without ``--db`` this
never imports sqlglot or duckdb, so it starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from segdsl.cli import (
    Failed,
    _emit,
    dialect_option,
    format_option,
    load_program,
    schema_option,
)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@schema_option
@format_option
@dialect_option
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), metavar="FILE.duckdb",
              help="Also compare the columns (types) and enum values in this DuckDB database with the schema.")
def check(paths: tuple[str, ...], schema_path: str | None, output_format: str, dialect: str,
          strict: bool, db_path: str | None) -> None:
    """Check segment files and folders (recursively *.seg); exit 1 on errors."""
    from segdsl.lint import lint, undeclared_enum_values

    if not paths:
        raise click.UsageError("give at least one segment file or folder")
    program = load_program(paths, None, schema_path, dialect, output_format)
    # Unused traits only when a folder is checked: files given one by one are a part of the
    # project, and every trait they do not use would be a false alarm.
    whole_project = any(path != "-" and Path(path).is_dir() for path in paths)
    found = program.diagnostics + program.dialect_diagnostics() + lint(program, whole_project)
    if db_path is not None:
        found += _column_warnings(program.schema, db_path)
        found += undeclared_enum_values(program.schema, db_path)
    program.diagnostics = sorted(dict.fromkeys(found), key=lambda d: d.sort_key())
    _emit(program.diagnostics, output_format)
    warnings = len(program.diagnostics) - len(program.errors)
    if program.errors or (strict and warnings):
        raise Failed
    if output_format == "text":
        count = len(program.segments)
        extra = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
        click.echo(f"ok: {count} segment{'s' if count != 1 else ''} checked{extra}", err=True)


def _column_warnings(schema: Any, db_path: str) -> list[Any]:
    """Fields whose column is missing or mistyped in the database (one DESCRIBE per table)."""
    from segdsl.runners import open_database
    from segdsl.runners.base import Target
    from segdsl.runners.columns import type_warnings

    with open_database(Target("duckdb", "duckdb", db_path, db_path), read_only=True) as db:
        return type_warnings(db.column_types, schema, db_path)
