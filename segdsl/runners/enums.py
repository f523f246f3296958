"""``check --db``: values in the data's enum columns that the schema does not declare (SEG403).

A segment that says ``region = 'UK'`` silently misses rows holding 'uk' or 'GB'; this finds
them, on any database ``run`` can use. The query is built with sqlglot for the database's
dialect (the declared values are literals, the names quoted) and compares exactly, as
segments do (MySQL: byte-wise; SQL Server: binary collation).

Tables and columns the database does not have are warned about by the column check
(:func:`segdsl.runners.columns.type_warnings`) where the adapter can list columns; elsewhere a
query that fails becomes a warning at the field, so one bad name does not hide the others.
"""

from __future__ import annotations

from sqlglot import exp

from segdsl import ddl, dialects
from segdsl.compiler import render
from segdsl.diagnostics import Diagnostic, SegdslError, did_you_mean, make
from segdsl.runners.base import Database
from segdsl.schema import Field, Schema
from segdsl.sql.builder import table_expr
from segdsl.sql.lowering import lowering_for

SHOWN = 10  # values listed in one warning; one more is fetched to say "and more"


def undeclared_enum_values(db: Database, schema: Schema) -> list[Diagnostic]:
    """One SEG403 warning per enum column holding undeclared values (one query per column)."""
    tables: list[tuple[str, list[Field]]] = [(schema.table, list(schema.fields.values()))]
    tables += [(r.table, list(r.fields.values())) for r in schema.relations.values()]
    found: list[Diagnostic] = []
    for table, fields in tables:
        enums = [f for f in fields if f.type.kind == "enum"]
        if not enums:
            continue
        try:
            columns = db.column_types(table)
        except LookupError:
            continue  # the column check reports the missing table
        for field in enums:
            if columns is not None and field.column.lower() not in columns:
                continue  # the column check reports the missing column
            try:
                values = sorted(_text(row[0]) for row in db.query(_query(db, schema, table, field)))
            except SegdslError as error:
                message = error.diagnostics[0].message if error.diagnostics else str(error)
                found.append(make("SEG302", f"cannot read the values of {table}.{field.column}: {message}",
                                  schema.shown_source,
                                  field.span, "check 'table:' and 'column:' in the schema against the database",
                                  severity="warning"))
                continue
            if values:
                found.append(_undeclared(schema, table, field, values))
    return found


def _query(db: Database, schema: Schema, table: str, field: Field) -> str:
    """SELECT DISTINCT the column's text WHERE it is not one of the declared values, first 11.

    The column is qualified: SQLite reads an unknown "name" on its own as a string literal.
    DISTINCT uses the dialect's exact form (MySQL: bytes), or MariaDB's default collation
    would fold 'uk' and 'UK ' into one value."""
    dialect = dialects.DIALECTS[db.dialect]
    low = lowering_for(dialect, None)
    value = exp.cast(exp.column(field.column, "t", quoted=True), exp.DataType.build("TEXT"))
    declared: list[exp.Expr] = [exp.Literal.string(v) for v in field.type.values]
    known = low.in_set(value.copy(), declared, text=True)
    source = table_expr(table)
    source.set("alias", exp.TableAlias(this=exp.to_identifier("t", quoted=True)))
    query = (exp.select(exp.alias_(low.distinct_value(value.copy(), True), "v", quoted=True)).distinct()
             .from_(source)
             .where(exp.and_(exp.Not(this=exp.Is(this=value.copy(), expression=exp.null())),
                             exp.Not(this=exp.Paren(this=known))))
             .order_by(exp.column("v", quoted=True))
             .limit(SHOWN + 1))
    return render(ddl.rename_tables(query, db.tables(schema)), dialect, pretty=False)


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, (bytes, bytearray)) else str(value)


def _undeclared(schema: Schema, table: str, field: Field, values: list[str]) -> Diagnostic:
    shown = values[:SHOWN]
    listed = ", ".join(f"'{v}'" for v in shown) + (" and more" if len(values) > SHOWN else "")
    close = [f"'{v}' → '{m}'" for v in shown if (m := did_you_mean(v, field.type.values)) is not None]
    hint = "add them to the field's values in the schema, or clean the data"
    if close:
        hint += "; close to declared values: " + ", ".join(close)
    return make("SEG403", f"{table}.{field.column} holds values the schema does not declare for "
                f"'{field.name}': {listed}", schema.shown_source, field.span, hint, severity="warning")

