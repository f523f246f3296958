"""``segdsl check``: diagnostics for files and folders, for people, tools and GitHub."""

from __future__ import annotations

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
def check(paths: tuple[str, ...], schema_path: str | None, output_format: str, dialect: str) -> None:
    """Check segment files and folders (recursively *.seg); exit 1 on errors."""
    if not paths:
        raise click.UsageError("give at least one segment file or folder")
    program = load_program(paths, None, schema_path, dialect, output_format)
    program.diagnostics = sorted(program.diagnostics + program.dialect_diagnostics(),
                                 key=lambda d: d.sort_key())
    _emit(program.diagnostics, output_format)
    if program.errors:
        raise Failed
    if output_format == "text":
        count = len(program.segments)
        click.echo(f"ok: {count} segment{'s' if count != 1 else ''} checked", err=True)
