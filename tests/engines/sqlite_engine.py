"""SQLite (stdlib), in memory.

Dates are TEXT 'YYYY-MM-DD', timestamps TEXT 'YYYY-MM-DD HH:MM:SS', booleans INTEGER 0/1 and
lists JSON text: the layout segdsl's sqlite dialect expects (see segdsl/dialects.py).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from typing import Any

from segdsl.datatypes import DataType

from ._base import SqlEngine, TableData, iso_timestamp, json_list

_TYPES = {"int": "BIGINT", "decimal": "DECIMAL(18,4)", "string": "TEXT", "enum": "TEXT",
          "bool": "INTEGER", "date": "TEXT", "timestamp": "TEXT", "list": "TEXT"}


def _value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return str(value)  # NUMERIC affinity turns it into an INTEGER or REAL
    if isinstance(value, dt.datetime):
        return iso_timestamp(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return json_list(value)
    return value


class SQLiteEngine(SqlEngine):
    name = "sqlite"
    dialect = "sqlite"

    def __init__(self) -> None:
        super().__init__()
        self._con = sqlite3.connect(":memory:", isolation_level=None)  # autocommit

    def column_type(self, type_: DataType) -> str:
        return _TYPES[type_.kind]

    def execute(self, sql: str) -> None:
        self._con.execute(sql)

    def insert(self, table: TableData) -> None:
        marks = ", ".join("?" for _ in table.columns)
        self._con.execute("BEGIN")
        try:
            self._con.executemany(f"INSERT INTO {self.quote(table.name)} VALUES ({marks})",
                                  [tuple(_value(v) for v in row) for row in table.rows])
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        self._con.execute("COMMIT")

    def fetch(self, sql: str) -> tuple[int, list[Any]]:
        cursor = self._con.execute(sql)
        width = len(cursor.description or ())
        return width, [row[0] for row in cursor.fetchall()]

    def fetch_rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._con.execute(sql).fetchall()]

    def version(self) -> str:
        return sqlite3.sqlite_version

    def close(self) -> None:
        self._con.close()
