"""``segdsl run --out``: every member key in a .csv or .parquet file, written atomically.

The file is written under a fresh temporary name in the target's folder and renamed into
place, so a failed run never leaves a half-written file. The segment's query runs ONCE: on
DuckDB, ``COPY (…) TO`` writes the file and returns the row count, and the first members are
read back from the file just written; on other databases the keys are fetched once and an
in-memory DuckDB writes them (the same CSV quoting and parquet types everywhere).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from typing import Any

from sqlglot import exp

from segdsl.runner import database_error
from segdsl.runners.base import Database

OUT_FORMATS = {".csv": "FORMAT CSV, HEADER", ".parquet": "FORMAT PARQUET"}


def copy_options(out_path: str) -> str:
    """COPY options for the file's extension; ValueError for anything else."""
    extension = os.path.splitext(out_path)[1].lower()
    if extension not in OUT_FORMATS:
        raise ValueError(f"'{out_path}' must end in .csv or .parquet")
    return OUT_FORMATS[extension]


def _string(text: str) -> str:
    return exp.Literal.string(text).sql("duckdb")


@contextlib.contextmanager
def _temporary_beside(out_path: str) -> Iterator[str]:
    """A fresh name next to ``out_path`` (the writer creates the file, with the usual
    permissions, not mkstemp's 0600); renamed over ``out_path`` when the block succeeds."""
    folder = os.path.dirname(os.path.abspath(out_path))
    if not os.path.isdir(folder):
        raise database_error(f"cannot write {out_path}: the folder {folder} does not exist",
                             "create the folder first, or choose another --out path", out_path)
    temporary = os.path.join(folder, f".{os.path.basename(out_path)}.{secrets.token_hex(6)}.tmp")
    try:
        yield temporary
        os.replace(temporary, out_path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _read_back(db: Database, ordered_sql: str, path: str, options: str, limit: int) -> list[tuple[Any, ...]]:
    """The first rows of the file just written (DuckDB), typed as the query's columns."""
    if "PARQUET" in options:
        return db.query(f"SELECT * FROM read_parquet({_string(path)}) LIMIT {int(limit)}")
    described = db.query(f"DESCRIBE {ordered_sql}")  # types only: the query does not run
    columns = ", ".join(f"{_string(str(row[0]))}: {_string(str(row[1]))}" for row in described)
    return db.query(f"SELECT * FROM read_csv({_string(path)}, header = true, columns = {{{columns}}}) "
                    f"LIMIT {int(limit)}")


def write_members(db: Database, ordered_sql: str, key: str, out_path: str,
                  limit: int) -> tuple[int, list[tuple[Any, ...]]]:
    """Write the keys ``ordered_sql`` returns to ``out_path``; (members, the first ``limit``)."""
    options = copy_options(out_path)
    with _temporary_beside(out_path) as temporary:
        if db.adapter == "duckdb":
            count = int(db.query(f"COPY ({ordered_sql}) TO {_string(temporary)} ({options})")[0][0])
            sample = _read_back(db, ordered_sql, temporary, options, limit) if limit else []
            return count, sample
        rows = db.query(ordered_sql)
        _write_rows(rows, key, temporary, options)
        return len(rows), rows[:limit]


def _write_rows(rows: list[tuple[Any, ...]], key: str, path: str, options: str) -> None:
    import duckdb

    column = exp.to_identifier(key, quoted=True).sql("duckdb")
    connection = duckdb.connect()
    try:
        if rows:
            connection.execute(f"CREATE TABLE members AS SELECT unnest(?) AS {column}",
                               [[row[0] for row in rows]])
        else:
            connection.execute(f"CREATE TABLE members ({column} VARCHAR)")
        connection.execute(f"COPY members TO {_string(path)} ({options})")
    finally:
        connection.close()
