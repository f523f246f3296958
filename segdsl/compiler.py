"""IR → SQL text for a dialect. The only entry point that imports sqlglot."""

from __future__ import annotations

import datetime as dt
from functools import cache

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect as SqlglotDialect

from segdsl import dialects, ir
from segdsl.dialects import Dialect
from segdsl.gcpause import without_gc
from segdsl.schema import Schema
from segdsl.sql.builder import QueryBuilder
from segdsl.sql.lowering import lowering_for


def builder_for(schema: Schema, dialect: Dialect, as_of: dt.date | None) -> QueryBuilder:
    return QueryBuilder(schema, lowering_for(dialect, as_of))


def render(expression: exp.Expr, dialect: Dialect, pretty: bool = True) -> str:
    """SQL text with every identifier quoted, deterministic for the same input.

    ``copy=False``: the tree is built fresh for every call and not used afterwards.
    """
    if dialect.unquoted_case == "upper":
        _upper_case_names(expression)
    if dialect.escape_string_backslashes:
        _escape_backslash_strings(expression)
    return _sqlglot_dialect(dialect.sqlglot).generate(expression, copy=False, identify=True, pretty=pretty)


@cache
def _sqlglot_dialect(name: str) -> SqlglotDialect:
    """One sqlglot Dialect object per name (``expression.sql(dialect=name)`` builds a new one
    every call, a tenth of a typical compile).

    sqlglot's own class, taken from ``sqlglot.dialects``, not from its registry by name: any
    library in the same process that subclasses a dialect under the same class name replaces
    the registry entry (Ibis's ``ClickHouse`` does, and its generator cannot even be built
    with compiled sqlglot), and segdsl's SQL must not change with what else was imported.
    """
    import sqlglot.dialects as known

    class_name = {n.lower(): n for n in known.DIALECTS}.get(name)  # "clickhouse" -> "ClickHouse"
    return getattr(known, class_name)() if class_name else SqlglotDialect.get_or_raise(name)


def _escape_backslash_strings(expression: exp.Expr) -> None:
    """Every string literal holding a backslash becomes sqlglot's escape string (PostgreSQL:
    E'…', backslashes and quotes doubled by sqlglot), in place (see Dialect.escape_string_backslashes)."""
    for literal in list(expression.find_all(exp.Literal)):
        if literal.is_string and "\\" in literal.this:
            literal.replace(exp.ByteString(this=literal.this))


def _upper_case_names(expression: exp.Expr) -> None:
    """Write every all-lower-case name in upper case, in place (see Dialect.unquoted_case)."""
    for identifier in expression.find_all(exp.Identifier):
        name = identifier.this
        if isinstance(name, str) and name == name.lower() and name != name.upper():
            identifier.set("this", name.upper())


@without_gc
def segment_sql(segment: ir.Segment, schema: Schema, dialect: str | Dialect = "duckdb",
                as_of: dt.date | None = None, pretty: bool = True) -> str:
    chosen = dialect if isinstance(dialect, Dialect) else dialects.DIALECTS[dialect]
    query = builder_for(schema, chosen, as_of).members_query(segment.pred)
    return render(query, chosen, pretty)


@without_gc
def membership_sql(segments: list[ir.Segment], schema: Schema, dialect: str | Dialect = "duckdb",
                   as_of: dt.date | None = None, pretty: bool = True) -> str:
    chosen = dialect if isinstance(dialect, Dialect) else dialects.DIALECTS[dialect]
    preds = {segment.name: segment.pred for segment in segments}
    query = builder_for(schema, chosen, as_of).membership_query(preds)
    return render(query, chosen, pretty)
