"""Deployable DDL for segments: one view or table per segment, or one membership table.

Every statement is a sqlglot expression rendered for the dialect with every identifier
quoted; names given by the user are split on ``.`` and each part becomes a quoted
identifier, never text pasted into SQL.

What each dialect gets (checked by the golden files in tests/golden/ddl/):

* ``CREATE OR REPLACE VIEW`` everywhere except SQLite (``DROP VIEW IF EXISTS`` + ``CREATE
  VIEW``) and T-SQL (``CREATE OR ALTER VIEW``, one batch per view: ``GO`` after it).
* ``CREATE OR REPLACE TABLE … AS`` on DuckDB, Snowflake, BigQuery, Databricks, DataFusion and
  ClickHouse (with ``ENGINE = MergeTree ORDER BY tuple()``); the others have no replacing CTAS, so they
  get ``DROP TABLE IF EXISTS`` + ``CREATE TABLE … AS`` (Spark: ``USING PARQUET``, as Spark
  refuses REPLACE TABLE AS SELECT on v1 tables; T-SQL: ``SELECT … INTO``).
* A membership column is a boolean; T-SQL has no boolean values, so the query builder makes
  it a ``BIT`` there (``Lowering.flag``).

The statements here are not wrapped in transactions: ``segdsl materialize`` is the way to
replace a table atomically (segdsl/runners/materialize.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from sqlglot import exp

from segdsl import dialects, ir
from segdsl.compiler import builder_for
from segdsl.dialects import Dialect
from segdsl.schema import Schema

Kind = Literal["view", "table", "membership"]
KINDS: tuple[Kind, ...] = ("view", "table", "membership")
DEFAULT_MEMBERSHIP_TABLE = "segment_membership"


@dataclass(frozen=True, slots=True)
class Rules:
    """What a dialect's DDL can say."""

    replace_view: bool = True  # CREATE OR REPLACE VIEW (T-SQL: sqlglot writes CREATE OR ALTER)
    replace_table: bool = False  # CREATE OR REPLACE TABLE … AS SELECT
    table_format: str | None = None  # Spark: USING <format>
    table_engine: bool = False  # ClickHouse: ENGINE = MergeTree ORDER BY tuple()
    batch_separator: str | None = None  # T-SQL: GO after every object
    qualified_rename: bool = False  # ALTER TABLE a.b RENAME TO a.c (else RENAME TO c)


RULES: dict[str, Rules] = {
    "duckdb": Rules(replace_table=True),
    "sqlite": Rules(replace_view=False),
    "postgres": Rules(),
    "redshift": Rules(),
    "snowflake": Rules(replace_table=True, qualified_rename=True),
    "bigquery": Rules(replace_table=True),
    "databricks": Rules(replace_table=True, qualified_rename=True),
    "spark": Rules(table_format="PARQUET", qualified_rename=True),
    "clickhouse": Rules(replace_table=True, table_engine=True, qualified_rename=True),
    "trino": Rules(qualified_rename=True),
    "mysql": Rules(qualified_rename=True),
    "tsql": Rules(batch_separator="GO"),
    "datafusion": Rules(replace_table=True),
}


def rules_for(dialect: Dialect) -> Rules:
    return RULES.get(dialect.name, Rules())


def get_dialect(dialect: str | Dialect) -> Dialect:
    return dialect if isinstance(dialect, Dialect) else dialects.DIALECTS[dialect.lower()]


# ---- names ---------------------------------------------------------------------------------


def split_name(text: str, max_parts: int, what: str) -> tuple[str, ...]:
    """``a.b.c`` → ("a", "b", "c"); ValueError with a one-line reason when it is not a name."""
    parts = tuple(part.strip() for part in text.split("."))
    if not text.strip() or any(not part for part in parts):
        raise ValueError(f"'{text}' is not a valid {what}: use names separated by single dots")
    if len(parts) > max_parts:
        shape = ".".join(["catalog", "schema", "table"][-max_parts:])
        raise ValueError(f"'{text}' has too many parts for a {what} (at most {shape})")
    return parts


def table_ref(parts: tuple[str, ...]) -> exp.Table:
    """A table name from its parts (catalog, schema, table), every part quoted."""
    names = [exp.to_identifier(part, quoted=True) for part in parts]
    table = names[-1]
    db = names[-2] if len(names) >= 2 else None
    catalog = names[-3] if len(names) >= 3 else None
    return exp.Table(this=table, db=db, catalog=catalog)


def with_suffix(parts: tuple[str, ...], suffix: str) -> tuple[str, ...]:
    return (*parts[:-1], parts[-1] + suffix)


def object_parts(kind: Kind, segment: str, name: str | None) -> tuple[str, ...]:
    """The name of the view/table for a segment: ``--name`` is the schema it goes in."""
    if kind == "membership":
        return split_name(DEFAULT_MEMBERSHIP_TABLE if name is None else name, 3, "table name")
    prefix = split_name(name, 2, "schema name") if name is not None else ()
    return (*prefix, segment)


# ---- queries --------------------------------------------------------------------------------


def segment_query(segment: ir.Segment, schema: Schema, dialect: str | Dialect,
                  as_of: dt.date | None) -> exp.Select:
    return builder_for(schema, get_dialect(dialect), as_of).members_query(segment.pred)


def membership_query(segments: list[ir.Segment], schema: Schema, dialect: str | Dialect,
                     as_of: dt.date | None) -> exp.Select:
    """The entity key plus one boolean column per segment (in the given order), one pass."""
    chosen = get_dialect(dialect)
    preds = {segment.name: segment.pred for segment in segments}
    return builder_for(schema, chosen, as_of).membership_query(preds)


def rename_tables(query: exp.Select, names: dict[str, str]) -> exp.Select:
    """Read the tables (or file paths) named in ``names`` under their new names instead."""
    if not names:
        return query
    for table in list(query.find_all(exp.Table)):
        if table.args.get("db") is not None or table.args.get("catalog") is not None:
            continue
        key = table.this.this if isinstance(table.this, (exp.Literal, exp.Identifier)) else None
        if isinstance(key, str) and key in names:
            table.set("this", exp.to_identifier(names[key], quoted=True))
    return query


# ---- statements -----------------------------------------------------------------------------


def render(expression: exp.Expr, dialect: str | Dialect, pretty: bool = True) -> str:
    """As the compiler renders queries (Snowflake: upper-case names), on a copy."""
    from segdsl.compiler import render as render_query

    return render_query(expression.copy(), get_dialect(dialect), pretty)


def drop(parts: tuple[str, ...], dialect: str | Dialect, kind: str = "TABLE") -> str:
    statement = exp.Drop(tables=[table_ref(parts)], kind=kind, exists=True)
    return render(statement, dialect)


def delete_all(parts: tuple[str, ...], dialect: str | Dialect) -> str:
    """``DELETE FROM table``: every row, inside the caller's transaction (unlike TRUNCATE in
    some databases, readers keep seeing the old rows until COMMIT)."""
    return render(exp.Delete(this=table_ref(parts)), dialect, pretty=False)


def insert_from(target: tuple[str, ...], source: tuple[str, ...], dialect: str | Dialect) -> str:
    """``INSERT INTO target SELECT * FROM source`` (same columns, same order)."""
    statement = exp.insert(exp.select("*").from_(table_ref(source)), table_ref(target))
    return render(statement, dialect, pretty=False)


def create_view(parts: tuple[str, ...], query: exp.Select, dialect: str | Dialect) -> list[str]:
    chosen = get_dialect(dialect)
    rules = rules_for(chosen)
    statements = [] if rules.replace_view else [drop(parts, chosen, "VIEW")]
    create = exp.Create(this=table_ref(parts), kind="VIEW", expression=query.copy(),
                        replace=rules.replace_view)
    return [*statements, render(create, chosen)]


def create_table(parts: tuple[str, ...], query: exp.Select, dialect: str | Dialect,
                 replace: bool = True) -> list[str]:
    """CREATE TABLE … AS query; with ``replace``, an existing table of that name is replaced."""
    chosen = get_dialect(dialect)
    rules = rules_for(chosen)
    properties: list[exp.Expr] = []
    if rules.table_engine:
        properties += [exp.EngineProperty(this=exp.var("MergeTree")),
                       exp.Order(expressions=[exp.Ordered(this=exp.Anonymous(this="tuple"))])]
    if rules.table_format:
        properties.append(exp.FileFormatProperty(this=exp.var(rules.table_format)))
    in_place = replace and rules.replace_table
    create = exp.Create(this=table_ref(parts), kind="TABLE", expression=query.copy(),
                        replace=in_place,
                        properties=exp.Properties(expressions=properties) if properties else None)
    statements = [drop(parts, chosen)] if replace and not in_place else []
    return [*statements, render(create, chosen)]


def rename(source: tuple[str, ...], target: tuple[str, ...], dialect: str | Dialect) -> str:
    """Rename a table within its schema (``target`` differs from ``source`` in the last part)."""
    chosen = get_dialect(dialect)
    if chosen.name == "mysql":
        return rename_many([(source, target)], chosen)
    new_name = target if rules_for(chosen).qualified_rename else target[-1:]
    statement = exp.Alter(this=table_ref(source), kind="TABLE",
                          actions=[exp.AlterRename(this=table_ref(new_name))])
    return render(statement, chosen, pretty=False)


def rename_many(pairs: list[tuple[tuple[str, ...], tuple[str, ...]]], dialect: str | Dialect) -> str:
    """MySQL's ``RENAME TABLE a TO b, c TO d``: all renames happen atomically."""
    chosen = get_dialect(dialect)
    moves = ", ".join(f"{render(table_ref(a), chosen)} TO {render(table_ref(b), chosen)}"
                      for a, b in pairs)
    return f"RENAME TABLE {moves}"


def swap(table: tuple[str, ...], other: tuple[str, ...], dialect: str | Dialect) -> str:
    """Snowflake's ``ALTER TABLE a SWAP WITH b`` (atomic)."""
    statement = exp.Alter(this=table_ref(table), kind="TABLE",
                          actions=[exp.SwapTable(this=table_ref(other))])
    return render(statement, dialect, pretty=False)


# ---- whole scripts ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Block:
    """The statements that create one object, with a comment saying what it is."""

    comment: str
    statements: tuple[str, ...]


def blocks(segments: list[ir.Segment], schema: Schema, dialect: str | Dialect, kind: Kind,
           name: str | None = None, as_of: dt.date | None = None) -> list[Block]:
    """The DDL for these segments, sorted by segment name. ValueError for a bad ``name``."""
    chosen = get_dialect(dialect)
    ordered = sorted(segments, key=lambda s: s.name)
    if kind == "membership":
        parts = object_parts(kind, "", name)
        clash = [s.name for s in ordered if s.name == schema.key]
        if clash:
            raise ValueError(f"segment '{clash[0]}' has the name of the key column; "
                             "rename the segment to put it in a membership table")
        query = membership_query(ordered, schema, chosen, as_of)
        comment = f"membership: {schema.key} and one boolean column per segment " \
                  f"({', '.join(s.name for s in ordered)})"
        return [Block(comment, tuple(create_table(parts, query, chosen)))]
    if kind == "view" and chosen.name == "tsql" and len(object_parts(kind, "", name)) > 2:
        raise ValueError("T-SQL creates views in the current database only: give --name SCHEMA "
                         "without a database part")
    out = []
    for segment in ordered:
        parts = object_parts(kind, segment.name, name)
        query = segment_query(segment, schema, chosen, as_of)
        if kind == "view":
            statements = create_view(parts, query, chosen)
        else:
            statements = create_table(parts, query, chosen)
        out.append(Block(_comment(segment), tuple(statements)))
    return out


def script(segments: list[ir.Segment], schema: Schema, dialect: str | Dialect, kind: Kind,
           name: str | None = None, as_of: dt.date | None = None) -> str:
    """The whole DDL file: a header, then each object's statements; the same input gives the same bytes."""
    chosen = get_dialect(dialect)
    rules = rules_for(chosen)
    count = len(segments)
    what = {"view": "views", "table": "tables", "membership": "one membership table"}[kind]
    when = f"as of {as_of.isoformat()}" if as_of else "relative to the warehouse's current date"
    lines = [f"-- segdsl: {count} segment{'s' if count != 1 else ''} as {what} "
             f"for {chosen.name}, {when}",
             "-- generated: edit the .seg files, not this file", ""]
    for block in blocks(segments, schema, chosen, kind, name, as_of):
        lines.append(f"-- {comment_text(block.comment)}")
        lines.extend(f"{statement};" for statement in block.statements)
        if rules.batch_separator:
            lines.append(rules.batch_separator)
        lines.append("")
    return "\n".join(lines)


def _comment(segment: ir.Segment) -> str:
    if not segment.description:
        return segment.name
    return f"{segment.name}: {segment.description}"


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def comment_text(text: str) -> str:
    """``text`` made safe to follow ``--`` on one line: every run of whitespace (including
    ``\\r``, ``\\n``, U+2028 and the other line breaks some engines end a comment at) becomes
    one space and other control characters become U+FFFD, so nothing a segment, a file name or
    a schema holds can end the comment and be read as SQL."""
    return _CONTROL.sub("\ufffd", " ".join(text.split()))
