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
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from segdsl import ir
from segdsl.datatypes import BOOL, DataType
from segdsl.runner import connect, database_error, execute
from segdsl.schema import Schema

KEY_COLUMN = "segdsl_key"

_INTEGERS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
             "UINTEGER", "UBIGINT", "UHUGEINT"}
_DECIMALS = {"DECIMAL", "NUMERIC", "DOUBLE", "FLOAT", "REAL"}


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


def is_value(item: ir.Value | ir.Pred) -> bool:
    return isinstance(item, (ir.Column, ir.RowColumn, ir.Aggregation))


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


def used_columns(schema: Schema, items: Iterable[ir.Value | ir.Pred]) -> dict[str, dict[str, DataType]]:
    """Physical columns (with their declared types) by table, for these predicates and values."""
    found: dict[str, dict[str, DataType]] = {}

    def add(table: str, column: str, data_type: DataType) -> None:
        found.setdefault(table, {}).setdefault(column, data_type)

    def visit_value(value: ir.Value, table: str) -> None:
        if isinstance(value, ir.Column):
            add(schema.table, value.name, value.type)
        elif isinstance(value, ir.RowColumn):
            add(table, value.name, value.type)
        else:
            found.setdefault(value.relation.table, {})
            if value.arg is not None:
                add(value.relation.table, value.arg.name, value.arg.type)
            for inner in (value.window, value.filter):
                if inner is not None:
                    visit_pred(inner, value.relation.table)

    def visit_pred(pred: ir.Pred, table: str) -> None:
        if isinstance(pred, (ir.And, ir.Or)):
            for part in pred.preds:
                visit_pred(part, table)
        elif isinstance(pred, ir.Not):
            visit_pred(pred.pred, table)
        elif not isinstance(pred, ir.Const):
            visit_value(pred.value, table)

    found.setdefault(schema.table, {})
    for item in items:
        if is_value(item):
            visit_value(item, schema.table)  # type: ignore[arg-type]
        else:
            visit_pred(item, schema.table)  # type: ignore[arg-type]
    return found


def compatible(data_type: DataType, db_type: str) -> bool:
    """Can a column of DuckDB type ``db_type`` hold values of the schema's ``data_type``?"""
    text = db_type.strip().upper()
    if data_type.kind == "list":
        match = re.fullmatch(r"(.+)\[\d*\]", text)
        if match is None or data_type.element is None:
            return False
        return compatible(data_type.element, match.group(1))
    if text.endswith("]"):
        return False
    base = text.split("(")[0].strip()
    kind = data_type.kind
    if kind == "int":
        return base in _INTEGERS
    if kind == "decimal":
        return base in _INTEGERS or base in _DECIMALS
    if kind in ("string", "enum"):
        return base in ("VARCHAR", "ENUM")
    if kind == "bool":
        return base == "BOOLEAN"
    if kind == "date":
        return base == "DATE"
    if kind == "timestamp":
        return base.startswith("TIMESTAMP") or base == "DATE"
    return False  # pragma: no cover


def schema_type_for(db_type: str) -> str | None:
    """The schema type that fits a DuckDB column type (for hints)."""
    text = db_type.strip().upper()
    match = re.fullmatch(r"(.+)\[\d*\]", text)
    if match:
        inner = schema_type_for(match.group(1))
        return f"list<{inner}>" if inner and not inner.startswith("list") else None
    base = text.split("(")[0].strip()
    if base in _INTEGERS:
        return "int"
    if base in _DECIMALS:
        return "decimal"
    if base in ("VARCHAR", "ENUM"):
        return "string"
    if base == "BOOLEAN":
        return "bool"
    if base == "DATE":
        return "date"
    if base.startswith("TIMESTAMP"):
        return "timestamp"
    return None


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
        for table, wanted in columns.items():
            described = self.fetchall(f"DESCRIBE SELECT * FROM {table_sql(table)}")
            actual = {str(row[0]).lower(): str(row[1]) for row in described}
            for column, data_type in wanted.items():
                db_type = actual.get(column.lower())
                if db_type is None:
                    raise database_error(
                        f"table {table} in {self.path} has no column '{column}' "
                        f"(the schema {self.schema.path} names it)",
                        "check 'column:' in the schema against the database", self.path)
                if not compatible(data_type, db_type):
                    fitting = schema_type_for(db_type)
                    hint = (f"declare it as '{fitting}' in {self.schema.path}, or convert the column"
                            if fitting else f"convert the column to a {data_type} column")
                    raise database_error(
                        f"column {table}.{column} is {db_type} in {self.path}, "
                        f"but the schema says {data_type}", hint, self.path)

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
    plan = builder._plan(probes)
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
