"""Do the database's columns fit the schema? Checked before a query runs, so a column of the
wrong type is named ("column customers.age is VARCHAR in demo.duckdb, but the schema says
int") instead of surfacing as an engine's cast error ("Cannot compare values of type VARCHAR
and type INTEGER_LITERAL") or, worse, as a silently wrong comparison.

Adapters that can list a table's columns cheaply (:meth:`Database.column_types`) get the
check; the others return None and their queries run unchecked. Type names are DuckDB's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from segdsl import ir
from segdsl.datatypes import DataType
from segdsl.diagnostics import Diagnostic, make
from segdsl.runner import database_error
from segdsl.schema import Field, Schema
from segdsl.syntax import Span

_INTEGERS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
             "UINTEGER", "UBIGINT", "UHUGEINT"}
_DECIMALS = {"DECIMAL", "NUMERIC", "DOUBLE", "FLOAT", "REAL"}

# table name → {column (lower case) → database type}, or None when the adapter cannot tell;
# LookupError when the table does not exist
Describe = Callable[[str], "dict[str, str] | None"]


def is_value(item: ir.Value | ir.Pred) -> bool:
    return isinstance(item, (ir.Column, ir.RowColumn, ir.Aggregation))


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


def check_columns(describe: Describe, schema: Schema, columns: Mapping[str, Mapping[str, DataType]],
                  display: str) -> None:
    """Every table exists, has the columns and their types fit the schema; else SEG302."""
    for table, wanted in columns.items():
        try:
            actual = describe(table)
        except LookupError as error:
            raise database_error(f"{error} (the schema {schema.path} names it, but {display} does not have it)",
                                 "check 'table:' in the schema against the database", display) from None
        if actual is None:
            return  # the adapter cannot tell: the query itself will say what is wrong
        for column, data_type in wanted.items():
            db_type = actual.get(column.lower())
            if db_type is None:
                raise database_error(
                    f"table {table} in {display} has no column '{column}' "
                    f"(the schema {schema.path} names it)",
                    "check 'column:' in the schema against the database", display)
            if not compatible(data_type, db_type):
                fitting = schema_type_for(db_type)
                hint = (f"declare it as '{fitting}' in {schema.path}, or convert the column"
                        if fitting else f"convert the column to a {data_type} column")
                raise database_error(
                    f"column {table}.{column} is {db_type} in {display}, "
                    f"but the schema says {data_type}", hint, display)


def check_segments(describe: Describe, schema: Schema, items: Iterable[ir.Value | ir.Pred],
                   display: str) -> None:
    """:func:`check_columns` for the columns these predicates (and values) read."""
    check_columns(describe, schema, used_columns(schema, items), display)


def type_warnings(describe: Describe, schema: Schema, display: str) -> list[Diagnostic]:
    """``check --db``: a SEG302 warning at each schema field whose column is missing from the
    database or has a type that does not fit (one DESCRIBE per table)."""
    source = schema.shown_source
    tables: list[tuple[str, list[Field]]] = [(schema.table, list(schema.fields.values()))]
    tables += [(r.table, list(r.fields.values())) for r in schema.relations.values()]
    found: list[Diagnostic] = []
    for table, fields in tables:
        try:
            actual = describe(table)
        except LookupError as error:
            span = fields[0].span if fields else Span.point()
            found.append(make("SEG302", f"{display} has no table {table} ({error})", source, span,
                              "check 'table:' in the schema", severity="warning"))
            continue
        if actual is None:
            return found
        for field in fields:
            db_type = actual.get(field.column.lower())
            if db_type is None:
                found.append(make("SEG302", f"table {table} in {display} has no column '{field.column}'",
                                  source, field.span, "check 'column:' in the schema against the database",
                                  severity="warning"))
            elif not compatible(field.type, db_type):
                fitting = schema_type_for(db_type)
                found.append(make("SEG302", f"column {table}.{field.column} is {db_type} in {display}, but the "
                                  f"schema says {field.type}", source, field.span,
                                  f"declare it as '{fitting}', or convert the column" if fitting
                                  else f"convert the column to a {field.type} column", severity="warning"))
    return found
