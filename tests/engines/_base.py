"""Shared pieces of the engine harness: table layout, value normalisation, settings.

Rows are given as dicts keyed by *field names* (what segment authors write, e.g. ``full_name``)
or by physical column names (``name``); the entity key (``schema.key``) and each relation's key
column are plain columns. A missing key means NULL; an unknown key is an error (typos would
otherwise silently load NULLs).
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import os
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from segdsl.datatypes import INT, DataType
from segdsl.schema import Field, Schema

DEFAULT_ENGINES_DIR = "/tmp/segdsl-engines"  # where scripts/start-engines.sh puts env.sh


@dataclass(frozen=True, slots=True)
class Column:
    name: str  # physical column name
    type: DataType


@dataclass(frozen=True, slots=True)
class TableData:
    """One table to create: its columns and its rows (normalised values, in column order)."""

    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]


# -- layout ----------------------------------------------------------------------------------


def tables_for(schema: Schema, entities: Sequence[Mapping[str, Any]],
               relations: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[TableData]:
    """The entity table and one table per relation, with normalised rows."""
    unknown = sorted(set(relations) - set(schema.relations)
                     - {r.table for r in schema.relations.values()})
    if unknown:
        raise ValueError(f"rows given for unknown relation(s) {unknown}; "
                         f"the schema has {sorted(schema.relations)}")
    tables = [_table(schema.table, schema.key, schema.fields.values(), entities)]
    for name, relation in schema.relations.items():
        rows = relations.get(name)
        if rows is None:
            rows = relations.get(relation.table, ())
        tables.append(_table(relation.table, relation.key, relation.fields.values(), rows))
    names = [t.name for t in tables]
    if len(set(names)) != len(names):
        raise ValueError(f"the schema maps two things to the same table: {names}")
    return tables


def _table(name: str, key: str, fields: Iterable[Field],
           rows: Sequence[Mapping[str, Any]]) -> TableData:
    # (column, the row keys it may be given under)
    layout: list[tuple[Column, tuple[str, ...]]] = [(Column(key, INT), (key,))]
    for f in fields:
        if f.column == key:
            continue  # a field that is the key itself: one column
        layout.append((Column(f.column, f.type), (f.name, f.column)))
    allowed = {k for _, keys in layout for k in keys}
    normalised = []
    for index, row in enumerate(rows):
        extra = sorted(set(row) - allowed)
        if extra:
            raise ValueError(f"{name} row {index}: unknown column(s) {extra}")
        values = []
        for column, keys in layout:
            value = next((row[k] for k in keys if k in row), None)
            values.append(normalise(value, column.type, f"{name}.{column.name} (row {index})"))
        normalised.append(tuple(values))
    return TableData(name, tuple(c for c, _ in layout), tuple(normalised))


# -- values ----------------------------------------------------------------------------------


def normalise(value: Any, type_: DataType, where: str = "value") -> Any:
    """A Python value in the canonical form for ``type_``; ISO strings are accepted for dates.

    int → int, decimal → Decimal (at most 4 decimal places: the columns are DECIMAL(18,4)),
    string/enum → str, bool → bool, date → date, timestamp → naive datetime (an aware one is
    converted to UTC), list<T> → list of normalised elements. None stays None everywhere.
    """
    if value is None:
        return None
    kind = type_.kind
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{where}: expected int, got {value!r}")
        return int(value)
    if kind == "decimal":
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise TypeError(f"{where}: expected a decimal, got {value!r}")
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        exponent = number.as_tuple().exponent
        if not number.is_finite() or (isinstance(exponent, int) and exponent < -4):
            raise ValueError(f"{where}: {value!r} does not fit DECIMAL(18,4)")
        return number
    if kind in ("string", "enum"):
        if not isinstance(value, str):
            raise TypeError(f"{where}: expected str, got {value!r}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise TypeError(f"{where}: expected bool, got {value!r}")
        return value
    if kind == "date":
        if isinstance(value, str):
            return dt.date.fromisoformat(value)
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise TypeError(f"{where}: expected a date, got {value!r}")
        return value
    if kind == "timestamp":
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        if not isinstance(value, dt.datetime):
            raise TypeError(f"{where}: expected a datetime, got {value!r}")
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value
    if kind == "list":
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise TypeError(f"{where}: expected a list, got {value!r}")
        assert type_.element is not None
        return [normalise(v, type_.element, f"{where}[{i}]") for i, v in enumerate(value)]
    raise TypeError(f"{where}: unsupported type {type_}")  # pragma: no cover


def iso_timestamp(value: dt.datetime) -> str:
    """'YYYY-MM-DD HH:MM:SS', with '.ffffff' only when there are microseconds."""
    return value.isoformat(sep=" ", timespec="microseconds" if value.microsecond else "seconds")


def json_list(value: list[Any]) -> str:
    """A list as JSON text (SQLite, MariaDB): dates/timestamps as ISO text, decimals as numbers."""

    def default(item: Any) -> Any:
        if isinstance(item, Decimal):
            return float(item)
        if isinstance(item, dt.datetime):
            return iso_timestamp(item)
        if isinstance(item, dt.date):
            return item.isoformat()
        raise TypeError(f"cannot store {item!r} in a JSON list")  # pragma: no cover

    return json.dumps(value, ensure_ascii=False, default=default)


def member_value(value: Any) -> Any:
    """Keys come back as Python ints whatever the driver returns (numpy ints, integral Decimals)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if hasattr(value, "__index__"):
        return operator.index(value)
    return value


# -- settings --------------------------------------------------------------------------------


def env_file() -> Path:
    explicit = os.environ.get("SEGDSL_ENGINES_ENV")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("SEGDSL_ENGINES_DIR") or DEFAULT_ENGINES_DIR) / "env.sh"


def read_env_file(path: Path) -> dict[str, str]:
    """``export NAME=value`` lines (shell quoting allowed), as written by start-engines.sh."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    values: dict[str, str] = {}
    for line in text.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        if words and words[0] == "export":
            words = words[1:]
        for word in words:
            name, sep, value = word.partition("=")
            if sep and name.isidentifier():
                values[name] = value
    return values


def setting(name: str, default: str | None = None) -> str | None:
    """An environment variable, else the value in the engines env file, else ``default``."""
    value = os.environ.get(name)
    if value:
        return value
    return read_env_file(env_file()).get(name, default)


# -- a base for engines that speak SQL DDL ---------------------------------------------------


class SqlEngine:
    """Creates tables with DDL and loads rows through the driver; subclasses fill in the rest."""

    name: str = ""
    dialect: str = ""
    null_lists_supported: bool = True
    quote_char: str = '"'
    table_options: str = ""  # appended to CREATE TABLE (…)

    def __init__(self) -> None:
        self._loaded: set[str] = set()

    # subclasses implement these four
    def column_type(self, type_: DataType) -> str:
        raise NotImplementedError

    def execute(self, sql: str) -> None:
        raise NotImplementedError

    def insert(self, table: TableData) -> None:
        raise NotImplementedError

    def fetch_rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Every row of the result, as the driver returns it."""
        raise NotImplementedError

    def fetch(self, sql: str) -> tuple[int, list[Any]]:
        """(number of result columns, values of the first column)."""
        raise NotImplementedError

    def quote(self, identifier: str) -> str:
        q = self.quote_char
        return q + identifier.replace(q, q + q) + q

    def drop(self, table: str) -> None:
        self.execute(f"DROP TABLE IF EXISTS {self.quote(table)}")

    def create(self, table: TableData) -> None:
        columns = ", ".join(f"{self.quote(c.name)} {self.column_type(c.type)}"
                            for c in table.columns)
        options = f" {self.table_options}" if self.table_options else ""
        self.execute(f"CREATE TABLE {self.quote(table.name)} ({columns}){options}")

    def load(self, schema: Schema, entities: list[dict[str, Any]],
             relations: dict[str, list[dict[str, Any]]]) -> None:
        tables = tables_for(schema, entities, relations)
        for name in sorted(self._loaded | {t.name for t in tables}):
            self.drop(name)
        self._loaded = set()
        for table in tables:
            self.create(table)
            self._loaded.add(table.name)
            if table.rows:
                self.insert(table)

    def members(self, sql: str) -> set[Any]:
        width, values = self.fetch(sql)
        if width != 1:
            raise ValueError(f"{self.name}: members() needs a query returning one column, got {width}")
        return {member_value(v) for v in values}

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(member_value(v) for v in row) for row in self.fetch_rows(sql)]

    def close(self) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} (dialect {self.dialect})>"
