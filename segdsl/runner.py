"""Running segments: the result of a run, and the DuckDB connection the insights share.

Running on any database (DuckDB, PostgreSQL, SQLite, MySQL, SQLAlchemy URLs, Spark) goes
through the adapters in segdsl/runners/. Database problems (missing file, a table or column
the schema names that is not there) become one-line SEG302 diagnostics that say what to do,
never a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
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


def run_segment(segment: ir.Segment, schema: Schema, db: str | Any, as_of: dt.date | None = None,
                limit: int = 10) -> RunResult:
    """Members of one segment on a database: a DuckDB path, a ``--db`` target, or an open
    :class:`segdsl.runners.Database` (see segdsl/runners/segments.py)."""
    from segdsl.runners import Database, open_database
    from segdsl.runners.segments import run_segment as run_on

    if isinstance(db, Database):
        return run_on(db, segment, schema, as_of, limit)
    with open_database(db, read_only=True) as opened:
        return run_on(opened, segment, schema, as_of, limit)


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
