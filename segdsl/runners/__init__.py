"""Databases that segments run on, each a small adapter behind one interface.

    from segdsl.runners import open_database

    with open_database("postgresql://me@db/shop") as db:     # or "demo.duckdb", "sqlite:///x.db",
        print(db.dialect)                                     # "mysql://…", any SQLAlchemy URL,
        rows = db.query("SELECT 1")                           # or (None, engine="spark")
        with db.transaction():
            db.execute("…")

Drivers are imported only when their adapter is opened; a missing one is a one-line error
naming the extra to install (``pip install 'segdsl[postgres]'``). See ``base.py`` for the
target forms and ``materialize.py`` for replacing a table atomically on each of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from segdsl import ir
from segdsl.runners.base import SQLALCHEMY_BACKENDS, Database, Swap, Target, resolve
from segdsl.schema import Schema

__all__ = ["SQLALCHEMY_BACKENDS", "Database", "Swap", "Target", "open_database", "resolve",
           "segment_sql"]


def segment_sql(db: Database, segment: ir.Segment, schema: Schema,
                as_of: dt.date | None = None) -> str:
    """A segment's SELECT (one row per member: the key) for this database, ready to run.

    Unlike :func:`segdsl.compiler.segment_sql` it reads the tables as this database sees them
    (on Spark, parquet paths in the schema become the temporary views registered for them).
    """
    from segdsl import ddl

    query = ddl.rename_tables(ddl.segment_query(segment, schema, db.dialect, as_of),
                              db.tables(schema))
    return ddl.render(query, db.dialect)


def open_database(target: str | Target | None, engine: str | None = None, *,
                  master: str | None = None, read_only: bool = False,
                  spark_session: Any = None) -> Database:
    """Connect to a target (see :func:`resolve`). ValueError for a malformed target;
    SegdslError (SEG302) when the database cannot be reached or its driver is missing."""
    chosen = target if isinstance(target, Target) else resolve(target, engine)
    if master is not None and chosen.adapter != "spark":
        raise ValueError("--master only applies with --engine spark")
    if chosen.adapter == "duckdb":
        from segdsl.runners.duckdb_runner import DuckDBDatabase

        return DuckDBDatabase(chosen, read_only)
    if chosen.adapter == "sqlite":
        from segdsl.runners.sqlite_runner import SQLiteDatabase

        return SQLiteDatabase(chosen, read_only)
    if chosen.adapter == "postgres":
        from segdsl.runners.postgres_runner import PostgresDatabase

        return PostgresDatabase(chosen, read_only)
    if chosen.adapter == "mysql":
        from segdsl.runners.mysql_runner import MySQLDatabase

        return MySQLDatabase(chosen, read_only)
    if chosen.adapter == "spark":
        from segdsl.runners.spark_runner import SparkDatabase

        return SparkDatabase(chosen, master, spark_session)
    from segdsl.runners.sqlalchemy_runner import SQLAlchemyDatabase

    return SQLAlchemyDatabase(chosen, read_only)
