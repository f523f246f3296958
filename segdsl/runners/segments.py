"""Segments on any database adapter: one segment's members, every segment's size.

The queries are the compiler's, for the adapter's dialect, reading the tables as the adapter
sees them (on Spark, parquet paths become temporary views). Each costs ONE execution of the
segment logic: a segment's first members come with their count (``COUNT(*) OVER ()``), and
the sizes of many segments are sums over the membership query (the key plus one boolean
column per segment), so all segments share one scan of every table.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable

from sqlglot import exp

from segdsl import compiler, ddl, dialects, ir
from segdsl.runner import RunResult
from segdsl.runners.base import Database
from segdsl.runners.columns import check_segments
from segdsl.schema import Schema

MEMBERS = "members"
COUNT_COLUMN = "segdsl_members"


def render(db: Database | str, expression: exp.Expr) -> str:
    """One line of SQL for the database's dialect (every identifier quoted)."""
    dialect = db if isinstance(db, str) else db.dialect
    return compiler.render(expression, dialects.DIALECTS[dialect], pretty=False)


def check(db: Database, schema: Schema, items: Iterable[ir.Value | ir.Pred]) -> None:
    """Name a missing or wrongly typed column before a query trips over it (where the adapter
    can list columns); SEG302 otherwise."""
    check_segments(db.column_types, schema, items, db.target.display)


def members_query(db: Database, segment: ir.Segment, schema: Schema, as_of: dt.date | None) -> exp.Select:
    """One row per member: the key."""
    return ddl.rename_tables(ddl.segment_query(segment, schema, db.dialect, as_of), db.tables(schema))


def _key(schema: Schema) -> exp.Column:
    return exp.column(schema.key, table=MEMBERS, quoted=True)


def ordered_members(db: Database, segment: ir.Segment, schema: Schema, as_of: dt.date | None,
                    limit: int | None = None) -> exp.Select:
    """The member keys in key order (the first ``limit`` when given)."""
    query = exp.select(_key(schema)).from_(members_query(db, segment, schema, as_of).subquery(MEMBERS))
    query = query.order_by(_key(schema))
    return query.limit(limit) if limit is not None else query


def count_entities(db: Database, schema: Schema) -> int:
    from segdsl.sql.builder import table_expr

    query = exp.select(exp.Count(this=exp.Star())).from_(table_expr(schema.table))
    return int(db.query(render(db, ddl.rename_tables(query, db.tables(schema))))[0][0])


def run_segment(db: Database, segment: ir.Segment, schema: Schema, as_of: dt.date | None = None,
                limit: int = 10) -> RunResult:
    """The member count, the first ``limit`` members (key order) and the entity count."""
    check(db, schema, [segment.pred])
    started = time.perf_counter()
    inner = members_query(db, segment, schema, as_of)
    sql = render(db, inner.copy())
    if limit > 0:
        counted = exp.alias_(exp.Window(this=exp.Count(this=exp.Star())), COUNT_COLUMN, quoted=True)
        query = exp.select(_key(schema), counted).from_(inner.subquery(MEMBERS))
        rows = db.query(render(db, query.order_by(_key(schema)).limit(limit)))
        members = int(rows[0][-1]) if rows else 0
        sample = [tuple(row[:-1]) for row in rows]
    else:
        query = exp.select(exp.Count(this=exp.Star())).from_(inner.subquery(MEMBERS))
        members, sample = int(db.query(render(db, query))[0][0]), []
    total = count_entities(db, schema)
    return RunResult(segment.name, members, total, sample, [schema.key], time.perf_counter() - started, sql)


# ---- sizes ------------------------------------------------------------------------------------


def sizes_query(segments: list[ir.Segment], schema: Schema, dialect: str, as_of: dt.date | None,
                tables: dict[str, str] | None = None) -> str:
    """``SELECT COUNT(*), SUM(CASE WHEN "seg" THEN 1 ELSE 0 END), … FROM (membership)``: one query."""
    inner = ddl.rename_tables(ddl.membership_query(segments, schema, dialect, as_of), tables or {})
    sums = [exp.Sum(this=exp.Case(ifs=[exp.If(this=exp.column(s.name, quoted=True), true=exp.Literal.number(1))],
                                  default=exp.Literal.number(0)))
            for s in segments]
    query = exp.select(exp.Count(this=exp.Star()), *sums).from_(inner.subquery("membership"))
    return render(dialect, query)


def count_members(db: Database, segments: list[ir.Segment], schema: Schema,
                  as_of: dt.date | None) -> tuple[int, list[int]]:
    """(entities, members of each segment), from one query."""
    check(db, schema, [s.pred for s in segments])
    row = db.query(sizes_query(segments, schema, db.dialect, as_of, db.tables(schema)))[0]
    return int(row[0]), [int(value or 0) for value in row[1:]]
