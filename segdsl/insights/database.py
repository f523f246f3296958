"""The database side of the insights: one read-only DuckDB connection, column checks, queries.

Every statement goes through :func:`segdsl.runner.execute`, so a missing table or a query the
database rejects becomes a one-line SEG302 diagnostic with a hint, never a traceback. Before
the first query, :meth:`Database.check_columns` compares the columns the queries will read
with the types the schema declares, so a column of the wrong type is reported by name
("customers.age is VARCHAR in demo.duckdb, but the schema says int") instead of as an
obscure cast error or, worse, a silently wrong comparison.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from segdsl import ir
from segdsl.datatypes import BOOL, DataType
from segdsl.runner import connect, execute
from segdsl.runners.columns import (
    check_columns,
    compatible,
    is_value,
    schema_type_for,
    used_columns,
)
from segdsl.schema import Schema

__all__ = ["KEY_COLUMN", "Database", "Feature", "base_query", "compatible", "features_of", "is_value",
           "membership_sql", "quote", "schema_type_for", "table_sql", "used_columns"]

KEY_COLUMN = "segdsl_key"


def quote(name: str) -> str:
    """A DuckDB identifier, always quoted."""
    return '"' + name.replace('"', '""') + '"'


def table_sql(name: str) -> str:
    from segdsl.sql.builder import table_expr

    return str(table_expr(name).sql(dialect="duckdb", identify=True))


# ---- what the queries read ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Feature:
    """A field or trait a profile describes, with the IR that computes its value."""

    name: str
    origin: Literal["field", "trait"]
    type: DataType  # a yes/no trait is bool
    description: str | None
    value: ir.Value | ir.Pred


def features_of(program: Any) -> list[Feature]:
    """Every entity field (schema order), then every trait that checked cleanly."""
    schema: Schema = program.schema
    features = [Feature(name, "field", field.type, field.description, ir.Column(field.column, field.type))
                for name, field in schema.fields.items()]
    checker = program.checker
    for name, trait in schema.traits.items():
        value = checker.trait(name) if checker is not None else None
        if value is None:
            continue
        data_type = value.type if is_value(value) else BOOL
        features.append(Feature(name, "trait", data_type, trait.description, value))
    return features


# ---- the connection ---------------------------------------------------------------------


class Database:
    """A read-only connection to a DuckDB file, used as a context manager."""

    def __init__(self, path: str, schema: Schema) -> None:
        self.path = path
        self.schema = schema
        self.connection = connect(path)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    def execute(self, sql: str) -> Any:
        return execute(self.connection, sql, self.schema, self.path)

    def fetchall(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.execute(sql).fetchall()]

    def fetchone(self, sql: str) -> tuple[Any, ...]:
        row = self.execute(sql).fetchone()
        assert row is not None
        return tuple(row)

    def check_columns(self, columns: Mapping[str, Mapping[str, DataType]]) -> None:
        """Every table exists, has the columns and their types fit the schema; else SEG302."""
        check_columns(self.describe, self.schema, columns, self.path)

    def describe(self, table: str) -> dict[str, str]:
        rows = self.fetchall(f"DESCRIBE SELECT * FROM {table_sql(table)}")
        return {str(row[0]).lower(): str(row[1]) for row in rows}

    def count_entities(self) -> int:
        return int(self.fetchone(f"SELECT COUNT(*) FROM {table_sql(self.schema.table)}")[0])


# ---- queries ----------------------------------------------------------------------------


def membership_sql(segments: list[ir.Segment], schema: Schema, as_of: dt.date | None) -> str:
    """The compiler's one-pass membership query: the key plus one boolean column per segment."""
    from segdsl.compiler import membership_sql as compile_membership

    return compile_membership(segments, schema, "duckdb", as_of, pretty=False)


def base_query(schema: Schema, segments: Mapping[str, ir.Pred],
               values: Mapping[str, ir.Value | ir.Pred], as_of: dt.date | None) -> str:
    """One SELECT: the key, one boolean per segment and one column per field or trait value.

    It extends the membership query with values: all aggregates over one relation share one
    grouped pass (the builder's plan), exactly as when the segments are compiled alone.
    Yes/no traits are two-valued like segments (a missing value makes them false).
    """
    from sqlglot import exp

    from segdsl import dialects
    from segdsl.compiler import builder_for, render
    from segdsl.sql.builder import ENTITY_ALIAS

    dialect = dialects.DIALECTS["duckdb"]
    builder = builder_for(schema, dialect, as_of)
    probes: list[ir.Pred] = list(segments.values())
    for item in values.values():
        probes.append(ir.IsNull(item) if is_value(item) else item)  # type: ignore[arg-type]
    plan = builder.plan(probes)
    columns: list[exp.Expr] = [
        exp.alias_(exp.column(schema.key, table=ENTITY_ALIAS, quoted=True), KEY_COLUMN, quoted=True)]
    for alias, pred in segments.items():
        member = exp.Coalesce(this=builder.pred(pred, plan, negate=False), expressions=[exp.false()])
        columns.append(exp.alias_(member, alias, quoted=True))
    for alias, item in values.items():
        if is_value(item):
            value = builder.value(item, plan)  # type: ignore[arg-type]
        else:
            value = exp.Coalesce(this=builder.pred(item, plan, negate=False),  # type: ignore[arg-type]
                                 expressions=[exp.false()])
        columns.append(exp.alias_(value, alias, quoted=True))
    return render(builder._from_entity(plan, columns), dialect, pretty=False)
