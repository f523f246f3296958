"""``segdsl run``: members of one segment on DuckDB, shown, printed for tools, or saved.

``--out`` writes every member key with DuckDB's COPY into a temporary file next to the target
and renames it into place, so a failed run never leaves a half-written file behind.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import secrets
import sys
from typing import Any

import click

from segdsl.cli import (
    Failed,
    _emit,
    as_of_option,
    load_program,
    pick_segment,
    schema_option,
)

OUT_FORMATS = {".csv": "FORMAT CSV, HEADER", ".parquet": "FORMAT PARQUET"}


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
@click.option("--out", "out_path", type=click.Path(dir_okay=False),
              help="Also write every member key to this .csv or .parquet file (replaced atomically).")
@click.option("--format", "output_format", default="table", show_default=True,
              type=click.Choice(["table", "csv", "json"]),
              help="table: summary and first members; csv: every member key; json: summary and sample.")
def run(paths: tuple[str, ...], expr: str | None, db_path: str, schema_path: str | None,
        as_of: dt.date | None, segment: str | None, limit: int, out_path: str | None,
        output_format: str) -> None:
    """Run a segment on DuckDB: print the member count and the first members."""
    copy_options = out_options(out_path) if out_path else None
    program = load_program(paths, expr, schema_path, "duckdb")
    _emit(program.diagnostics)
    if program.errors:
        raise Failed
    chosen = pick_segment(program, segment, expr)
    from segdsl.compiler import segment_sql
    from segdsl.runner import run_segment

    sql = segment_sql(chosen, program.schema, "duckdb", as_of)
    if out_path and copy_options:
        write_members(sql, program.schema, db_path, out_path, copy_options)
    if output_format == "csv":
        print_csv(sql, program.schema, db_path)
        return
    result = run_segment(chosen, program.schema, db_path, as_of, limit)
    if output_format == "json":
        body: dict[str, Any] = {"segment": result.segment, "members": result.members, "total": result.total,
                                "sample": [row[0] for row in result.sample]}
        click.echo(json.dumps(body, indent=2, default=str, ensure_ascii=False))
        return
    print_table(result, program.schema.entity)
    if out_path:
        click.echo(f"wrote {result.members:,} members to {out_path}")


def out_options(out_path: str) -> str:
    """COPY options for the file's extension; anything else is a usage error (exit 2)."""
    extension = os.path.splitext(out_path)[1].lower()
    if extension not in OUT_FORMATS:
        raise click.BadParameter(f"'{out_path}' must end in .csv or .parquet", param_hint="'--out'")
    return OUT_FORMATS[extension]


def write_members(sql: str, schema: Any, db_path: str, out_path: str, options: str) -> None:
    """COPY the member keys (sorted) to a temporary file in the target's folder, then rename it."""
    from segdsl.runner import connect, database_error, execute

    folder = os.path.dirname(os.path.abspath(out_path))
    if not os.path.isdir(folder):
        raise database_error(f"cannot write {out_path}: the folder {folder} does not exist",
                             "create the folder first, or choose another --out path", out_path)
    connection = connect(db_path)
    # a fresh name, not mkstemp: DuckDB creates the file itself, with the usual permissions
    temporary = os.path.join(folder, f".{os.path.basename(out_path)}.{secrets.token_hex(6)}.tmp")
    try:
        key = _quote(schema.key)
        target = temporary.replace("'", "''")
        execute(connection, f"COPY (SELECT * FROM ({sql}) AS members ORDER BY {key}) TO '{target}' ({options})",
                schema, db_path)
        os.replace(temporary, out_path)
    finally:
        connection.close()
        if os.path.exists(temporary):
            os.unlink(temporary)


def print_csv(sql: str, schema: Any, db_path: str) -> None:
    """Header and every member key, streamed in key order."""
    from segdsl.runner import connect, execute

    connection = connect(db_path)
    try:
        cursor = execute(connection, f"SELECT * FROM ({sql}) AS members ORDER BY {_quote(schema.key)}",
                         schema, db_path)
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([d[0] for d in cursor.description])
        while rows := cursor.fetchmany(10_000):
            writer.writerows(rows)
    finally:
        connection.close()


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


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
