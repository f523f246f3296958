"""DuckDB, in-process (the reference engine)."""

from __future__ import annotations

from typing import Any

import duckdb

from segdsl.datatypes import DataType

from ._base import SqlEngine, TableData

_TYPES = {"int": "BIGINT", "decimal": "DECIMAL(18,4)", "string": "VARCHAR", "enum": "VARCHAR",
          "bool": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP"}


class DuckDBEngine(SqlEngine):
    name = "duckdb"
    dialect = "duckdb"

    def __init__(self) -> None:
        super().__init__()
        self._con = duckdb.connect(":memory:")
        self._con.execute("SET TimeZone = 'UTC'")  # CURRENT_DATE etc. as on the other engines

    def column_type(self, type_: DataType) -> str:
        if type_.kind == "list":
            assert type_.element is not None
            return f"{self.column_type(type_.element)}[]"
        return _TYPES[type_.kind]

    def execute(self, sql: str) -> None:
        self._con.execute(sql)

    def insert(self, table: TableData) -> None:
        marks = ", ".join("?" for _ in table.columns)
        self._con.executemany(f"INSERT INTO {self.quote(table.name)} VALUES ({marks})",
                              [list(row) for row in table.rows])

    def fetch(self, sql: str) -> tuple[int, list[Any]]:
        cursor = self._con.execute(sql)
        width = len(cursor.description or ())
        return width, [row[0] for row in cursor.fetchall()]

    def fetch_rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._con.execute(sql).fetchall()]

    def version(self) -> str:
        return str(duckdb.__version__)

    def close(self) -> None:
        self._con.close()
