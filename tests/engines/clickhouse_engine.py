"""ClickHouse, in-process through chDB (pip ``chdb-core``, import name ``chdb``).

- Tables are ``ENGINE = Memory``; every column is Nullable(...) except lists.
- ``join_use_nulls = 0``, ClickHouse's default, is set explicitly: a LEFT JOIN then fills a
  missing row's columns with 0 / '' / 1970 unless they are Nullable, and the compiled SQL must
  be right anyway (it wraps joined aggregates in ``toNullable``); ``session_timezone = 'UTC'``.
- Limitation: ClickHouse cannot wrap an Array in Nullable, so a NULL list is stored as an
  empty array (``null_lists_supported = False``): ``interests IS NULL`` is never true there.
- chDB keeps one ClickHouse instance per process (two ``Session`` objects see the same
  tables), so this module shares one session and gives every engine its own database
  (``segdsl_1``, ``segdsl_2``…), switched to with ``USE`` before each statement: several
  engines (say a test module's and conftest's) can coexist in one process.
- Rows are loaded with a streaming ``INSERT … FORMAT JSONEachRow`` (ClickHouse's own input
  format, JSON-encoded by ``json.dumps``), not with values formatted into SQL.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from typing import Any

from chdb import session as chdb_session

from segdsl.datatypes import DataType

from ._base import SqlEngine, TableData

_TYPES = {"int": "Int64", "decimal": "Decimal(18, 4)", "string": "String", "enum": "String",
          "bool": "Bool", "date": "Date32", "timestamp": "DateTime64(6)"}

_session: Any = None  # chdb_session.Session, shared by the process
_databases = itertools.count(1)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # ClickHouse reads a quoted number into Decimal exactly
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


class ClickHouseEngine(SqlEngine):
    name = "clickhouse"
    dialect = "clickhouse"
    null_lists_supported = False
    table_options = "ENGINE = Memory"

    def __init__(self) -> None:
        global _session
        super().__init__()
        if _session is None:
            _session = chdb_session.Session()  # type: ignore[no-untyped-call,unused-ignore]
        self._session = _session
        self._session.query("SET join_use_nulls = 0")  # the default; the SQL must not rely on 1
        self._session.query("SET session_timezone = 'UTC'")
        self.database = f"segdsl_{next(_databases)}"
        self._session.query(f"CREATE DATABASE IF NOT EXISTS {self.quote(self.database)}")
        self._closed = False

    def _use(self) -> None:
        if self._closed:
            raise RuntimeError("this ClickHouseEngine is closed")
        self._session.query(f"USE {self.quote(self.database)}")

    def column_type(self, type_: DataType) -> str:
        if type_.kind == "list":
            assert type_.element is not None
            return f"Array(Nullable({_TYPES[type_.element.kind]}))"
        return f"Nullable({_TYPES[type_.kind]})"

    def execute(self, sql: str) -> None:
        self._use()
        self._session.query(sql)

    def insert(self, table: TableData) -> None:
        names = [c.name for c in table.columns]
        lines = []
        for row in table.rows:
            record = {n: ([] if v is None and c.type.kind == "list" else _json_value(v))
                      for n, c, v in zip(names, table.columns, row, strict=True)}
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
        columns = ", ".join(self.quote(n) for n in names)
        target = f"{self.quote(self.database)}.{self.quote(table.name)}"
        with self._session.send_insert(f"INSERT INTO {target} ({columns})",
                                       "JSONEachRow") as inserter:
            inserter.append("".join(lines))
            inserter.finish()

    def fetch(self, sql: str) -> tuple[int, list[Any]]:
        self._use()
        result = self._session.query(sql, "ArrowTable")
        if result.num_columns == 0:
            return 0, []
        return result.num_columns, result.column(0).to_pylist()

    def fetch_rows(self, sql: str) -> list[tuple[Any, ...]]:
        self._use()
        result = self._session.query(sql, "ArrowTable")
        return [tuple(row.values()) for row in result.to_pylist()]

    def version(self) -> str:
        return str(self.rows("SELECT version()")[0][0])

    def close(self) -> None:
        if not self._closed:
            self._session.query(f"DROP DATABASE IF EXISTS {self.quote(self.database)}")
            self._loaded = set()
            self._closed = True
