"""Build the membership table on a database and swap it in atomically.

The table is built under a new name (``NAME__segdsl_new``) from the membership query (the
entity key plus one boolean column per segment, one pass over the data) and only then takes
the place of ``NAME``. How the swap is made atomic depends on what the database offers
(:attr:`Database.swap`):

``transaction`` (DuckDB, SQLite, PostgreSQL, Redshift, SQL Server)
    DDL is transactional: everything happens in ONE transaction. If any step fails the
    transaction rolls back and the old table is exactly as it was; readers see the old
    table or the new one, never neither. When the table exists with the same columns (the
    same segments), its rows are replaced (``DELETE``, then ``INSERT … SELECT`` from the new
    table), so views and grants on it keep working (PostgreSQL binds views to the table
    itself, not its name). When the columns change, the old table is dropped and the new one
    renamed into place; if a PostgreSQL view depends on the table, that is a one-line error
    naming the view (drop it, materialize, recreate it).
``rename`` (MySQL, MariaDB)
    DDL commits implicitly, but ``RENAME TABLE NAME TO NAME__segdsl_old, NAME__segdsl_new TO
    NAME`` is one atomic statement. The new table is built first; if that fails it is
    dropped and ``NAME`` was never touched.
``swap`` (Snowflake)
    ``ALTER TABLE NAME SWAP WITH NAME__segdsl_new`` is atomic.
``replace`` (BigQuery, Databricks, ClickHouse)
    ``CREATE OR REPLACE TABLE NAME AS …`` is itself atomic: the old table stays until the
    new one is complete.
``steps`` (Spark, Trino)
    No transactions and no atomic swap: the new table is built completely first (the slow
    part; a failure there leaves ``NAME`` untouched), then ``NAME`` is renamed to
    ``NAME__segdsl_old`` and the new table to ``NAME`` (two catalog operations, a moment
    apart, during which ``NAME`` does not exist); if the second rename fails the first is
    undone. Only then is the old table dropped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

from segdsl import ddl, ir
from segdsl.diagnostics import SegdslError
from segdsl.runner import database_error
from segdsl.runners.base import Database
from segdsl.runners.columns import check_segments
from segdsl.schema import Schema

NEW_SUFFIX = "__segdsl_new"
OLD_SUFFIX = "__segdsl_old"
_MAX_IDENTIFIER = {"postgres": 63, "redshift": 127, "mysql": 64}


@dataclass(frozen=True, slots=True)
class Materialized:
    table: str  # as rendered for the database
    rows: int
    segments: tuple[str, ...]
    seconds: float
    sql: str  # the membership query


def table_parts(table: str, dialect: str) -> tuple[str, ...]:
    """The parts of ``--table``; ValueError (a usage error) when it is not a usable name."""
    parts = ddl.split_name(table, 3, "table name")
    limit = _MAX_IDENTIFIER.get(dialect)
    longest = max(len(NEW_SUFFIX), len(OLD_SUFFIX))
    if limit is not None and len(parts[-1].encode()) + longest > limit:
        raise ValueError(f"table name '{parts[-1]}' is too long for {dialect}: segdsl adds "
                         f"'{NEW_SUFFIX}' while building, and names are limited to {limit} bytes")
    return parts


def _same_table(name: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether two names may be one table: the parts both give agree, ignoring case (engines
    fold or compare unquoted names so, and a wrong "different" loses data). A missing schema
    or catalog is the connection's default, which segdsl cannot know without asking, so it
    matches any: ``customers`` may be ``main.customers`` or ``marketing.customers``."""
    return all(a.casefold() == b.casefold() for a, b in zip(reversed(name), reversed(other), strict=False))


def check_not_a_source(parts: tuple[str, ...], schema: Schema) -> None:
    """ValueError when materializing ``parts`` would replace (or, building beside it, drop) a
    table the schema reads: the entity table or a relation's table."""
    from segdsl.sql.builder import table_expr

    reads = [(schema.table, f"the {schema.entity} table")]
    reads += [(r.table, f"the table of relation '{r.name}'") for r in schema.relations.values()]
    shown = ".".join(parts)
    for source, what in reads:
        if not isinstance(table_expr(source).this, exp.Identifier):
            continue  # a file path (DuckDB, Spark): no table of that name
        source_parts = tuple(part.strip() for part in source.split("."))
        for name in (parts, ddl.with_suffix(parts, NEW_SUFFIX), ddl.with_suffix(parts, OLD_SUFFIX)):
            if not _same_table(name, source_parts):
                continue
            how = "is" if len(name) == len(source_parts) else "may be"
            if name == parts:
                raise ValueError(f"'{shown}' {how} {what} in the schema ('{source}'): materialize would "
                                 "replace it with the membership table; choose another table name, "
                                 "such as segment_membership")
            raise ValueError(f"'{'.'.join(name)}', which materialize uses while building '{shown}', "
                             f"{how} {what} in the schema ('{source}'); choose another table name")


def materialize(db: Database, segments: list[ir.Segment], schema: Schema, table: str,
                as_of: dt.date | None = None) -> Materialized:
    """Replace ``table`` with the membership of ``segments``, atomically as far as ``db`` allows.

    Raises ValueError for a bad table name (one the schema reads, too: its rows would be lost)
    and SegdslError (SEG302) when the database fails; in both cases the database is left as it
    was.
    """
    started = time.perf_counter()
    parts = table_parts(table, db.dialect)
    check_not_a_source(parts, schema)
    ordered = sorted(segments, key=lambda s: s.name)
    if not ordered:
        raise ValueError("no segments to materialize")
    if any(s.name == schema.key for s in ordered):
        raise ValueError(f"segment '{schema.key}' has the name of the key column; rename the segment")
    check_segments(db.column_types, schema, [s.pred for s in ordered], db.target.display)
    query = ddl.rename_tables(ddl.membership_query(ordered, schema, db.dialect, as_of),
                              db.tables(schema))
    new, old = ddl.with_suffix(parts, NEW_SUFFIX), ddl.with_suffix(parts, OLD_SUFFIX)
    STRATEGIES[db.swap](db, query, parts, new, old)
    count = exp.select(exp.Count(this=exp.Star())).from_(ddl.table_ref(parts))
    rows = db.query(ddl.render(count, db.dialect, pretty=False))
    return Materialized(ddl.render(ddl.table_ref(parts), db.dialect), int(rows[0][0]),
                        tuple(s.name for s in ordered), time.perf_counter() - started,
                        ddl.render(query, db.dialect))


# ---- strategies -------------------------------------------------------------------------------
Parts = tuple[str, ...]


def _create(db: Database, query: exp.Select, parts: Parts, replace: bool = False) -> None:
    for statement in ddl.create_table(parts, query, db.dialect, replace=replace):
        db.execute(statement)


def _drop_quietly(db: Database, parts: Parts) -> None:
    """Clean-up after a failure: the first error is the one to report."""
    with contextlib.suppress(SegdslError):
        db.execute(ddl.drop(parts, db.dialect))


def _in_transaction(db: Database, query: exp.Select, target: Parts, new: Parts, old: Parts) -> None:
    with db.transaction():
        db.execute(ddl.drop(new, db.dialect))
        _create(db, query, new)
        existing = db.columns(target)
        if existing and existing == db.columns(new):  # same segments: new rows, same table
            db.execute(ddl.delete_all(target, db.dialect))
            db.execute(ddl.insert_from(target, new, db.dialect))
            db.execute(ddl.drop(new, db.dialect))
            return
        views = db.dependent_views(target) if existing != [] else []
        if views:
            shown = ", ".join(views)
            raise database_error(
                f"cannot replace {ddl.render(ddl.table_ref(target), db.dialect)}: its columns change "
                f"(the segments are not the same as last time) and the view{'s' if len(views) > 1 else ''} "
                f"{shown} depend{'' if len(views) > 1 else 's'} on it",
                f"drop {shown}, run materialize again, then recreate {'them' if len(views) > 1 else 'it'}; "
                "or materialize the same segments as before, which replaces the rows in place",
                db.target.display)
        db.execute(ddl.drop(target, db.dialect))
        db.execute(ddl.rename(new, target, db.dialect))


def _by_rename(db: Database, query: exp.Select, target: Parts, new: Parts, old: Parts) -> None:
    db.execute(ddl.drop(new, db.dialect))
    try:
        _create(db, query, new)
        if db.table_exists(target):
            db.execute(ddl.drop(old, db.dialect))
            db.execute(ddl.rename_many([(target, old), (new, target)], db.dialect))
        else:
            db.execute(ddl.rename(new, target, db.dialect))
    except BaseException:
        _drop_quietly(db, new)
        raise
    db.execute(ddl.drop(old, db.dialect))


def _by_swap(db: Database, query: exp.Select, target: Parts, new: Parts, old: Parts) -> None:
    try:
        _create(db, query, new, replace=True)
        if db.table_exists(target):
            db.execute(ddl.swap(target, new, db.dialect))
        else:
            db.execute(ddl.rename(new, target, db.dialect))
    except BaseException:
        _drop_quietly(db, new)
        raise
    _drop_quietly(db, new)  # after a swap: the old rows


def _by_replace(db: Database, query: exp.Select, target: Parts, new: Parts, old: Parts) -> None:
    _create(db, query, target, replace=True)


def _in_steps(db: Database, query: exp.Select, target: Parts, new: Parts, old: Parts) -> None:
    db.execute(ddl.drop(new, db.dialect))
    try:
        _create(db, query, new)
    except BaseException:
        _drop_quietly(db, new)
        raise
    if not db.table_exists(target):
        try:
            db.execute(ddl.rename(new, target, db.dialect))
        except BaseException:
            _drop_quietly(db, new)
            raise
        return
    db.execute(ddl.drop(old, db.dialect))
    try:
        db.execute(ddl.rename(target, old, db.dialect))
    except BaseException:
        _drop_quietly(db, new)
        raise
    try:
        db.execute(ddl.rename(new, target, db.dialect))
    except BaseException:
        with contextlib.suppress(SegdslError):
            db.execute(ddl.rename(old, target, db.dialect))
        _drop_quietly(db, new)
        raise
    db.execute(ddl.drop(old, db.dialect))


STRATEGIES: dict[str, Callable[[Database, exp.Select, Parts, Parts, Parts], None]] = {
    "transaction": _in_transaction,
    "rename": _by_rename,
    "swap": _by_swap,
    "replace": _by_replace,
    "steps": _in_steps,
}
