"""``segdsl export``: segments for other tools. ``segdsl export dbt`` writes dbt models.

    segdsl export dbt PATH... --out models/segments [--dialect snowflake] [--as-of DATE]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from segdsl.cli import Failed, _emit, as_of_option, dialect_option, load_program, schema_option


@click.group()
def export() -> None:
    """Export segments for other tools (dbt)."""


@export.command(short_help="One dbt model per segment, and schema.yml with tests on the key.")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--out", "-o", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the models (created if missing), e.g. models/segments.")
@schema_option
@dialect_option
@as_of_option
@click.option("--format", "output_format", default="text", show_default=True,
              type=click.Choice(["text", "json"]), help="text: one line; json: the files written, for tools.")
def dbt(paths: tuple[str, ...], out_dir: str, schema_path: str | None, dialect: str,
        as_of: dt.date | None, output_format: str) -> None:
    """One dbt model per segment (<segment>.sql) and schema.yml with descriptions and key tests."""
    if not paths:
        raise click.UsageError("give at least one segment file or folder")
    program: Any = load_program(paths, None, schema_path, dialect, output_format)
    if program.errors:
        _emit(program.diagnostics, output_format)
        raise Failed
    _emit(program.diagnostics)  # warnings: to stderr, whatever the format
    segments = [program.segments[name] for name in sorted(program.segments)]
    if not segments:
        raise click.UsageError("no segments found in " + ", ".join(paths))
    problems = program.dialect_diagnostics([s.name for s in segments])
    if problems:
        _emit(problems, output_format)
        raise Failed
    from segdsl import dbt as dbt_models

    try:
        files = dbt_models.project_files(segments, program.schema, dialect.lower(), as_of)
    except ValueError as error:
        click.echo(f"error: {error}", err=True)
        raise Failed from None
    try:
        removed = dbt_models.write_files(out_dir, files)
    except OSError as error:
        reason = error.strerror or str(error)
        click.echo(f"error: cannot write dbt models to {out_dir}: {reason}", err=True)
        raise Failed from None
    if output_format == "json":
        import json
        import os

        body = {"out": out_dir, "dialect": dialect.lower(), "as_of": as_of.isoformat() if as_of else None,
                "models": [{"segment": s.name, "file": os.path.join(out_dir, f"{s.name}.sql")} for s in segments],
                "schema_yml": os.path.join(out_dir, "schema.yml"), "removed": removed}
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    count = len(segments)
    note = f"; removed {len(removed)} stale model{'s' if len(removed) != 1 else ''}" if removed else ""
    click.echo(f"wrote {count} dbt model{'s' if count != 1 else ''} and schema.yml to {out_dir}{note}",
               err=True)
