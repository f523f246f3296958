"""Run compiled segments on an embedded DuckDB database and report members.

Database problems (missing file, a table or column the schema names that is not there)
become one-line SEG302 diagnostics that say what to do, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from typing import Any

from segdsl import ir
from segdsl.diagnostics import SegdslError, Source, make
from segdsl.schema import Schema
from segdsl.syntax import Span


@dataclass(frozen=True, slots=True)
class RunResult:
    segment: str
    members: int
    total: int
    sample: list[tuple[Any, ...]]
    columns: list[str]
    seconds: float
    sql: str


def database_error(message: str, hint: str | None = None, path: str = "<database>") -> SegdslError:
    return SegdslError([make("SEG302", message, Source(path, ""), Span.point(), hint)])


def connect(db_path: str, read_only: bool = True) -> Any:
    import duckdb

    if not os.path.exists(db_path):
        raise database_error(f"database {db_path} does not exist",
                             "create the demo database with: segdsl demo --db " + db_path, db_path)
    try:
        return duckdb.connect(db_path, read_only=read_only)
    except duckdb.Error as error:
        raise database_error(f"cannot open {db_path}: {_first_line(error)}", None, db_path) from None


def execute(connection: Any, sql: str, schema: Schema, db_path: str) -> Any:
    import duckdb

    try:
        return connection.execute(sql)
    except duckdb.CatalogException as error:
        raise database_error(f"{_first_line(error)} (the schema {schema.path} names it, "
                             f"but {db_path} does not have it)",
                             "check 'table:' and 'column:' in the schema against the database",
                             db_path) from None
    except duckdb.Error as error:
        raise database_error(f"the database rejected the query: {_first_line(error)}",
                             "check that the column types in the database match the schema",
                             db_path) from None


def run_segment(segment: ir.Segment, schema: Schema, db_path: str, as_of: dt.date | None = None,
                limit: int = 10) -> RunResult:
    from segdsl.compiler import segment_sql
    from segdsl.sql.builder import table_expr

    sql = segment_sql(segment, schema, "duckdb", as_of)
    connection = connect(db_path)
    try:
        started = time.perf_counter()
        relation = execute(connection, f"SELECT COUNT(*) FROM ({sql}) AS members", schema, db_path)
        members = int(relation.fetchone()[0])
        total_sql = f"SELECT COUNT(*) FROM {table_expr(schema.table).sql(dialect='duckdb', identify=True)}"
        total = int(execute(connection, total_sql, schema, db_path).fetchone()[0])
        key = '"' + schema.key.replace('"', '""') + '"'
        sample_sql = f"SELECT * FROM ({sql}) AS members ORDER BY {key} LIMIT {int(limit)}"
        cursor = execute(connection, sample_sql, schema, db_path)
        sample = [tuple(row) for row in cursor.fetchall()]
        columns = [d[0] for d in cursor.description]
        seconds = time.perf_counter() - started
    finally:
        connection.close()
    return RunResult(segment.name, members, total, sample, columns, seconds, sql)


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
