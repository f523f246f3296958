"""PostgreSQL through psycopg 3; rows are loaded with COPY (binary-typed, no SQL text).

The server comes from SEGDSL_PG_DSN (or the env file written by scripts/start-engines.sh),
e.g. ``host=127.0.0.1 port=54329 user=postgres dbname=postgres``. Tables are created in the
connection's default schema (``public``) and dropped by the next load; every further engine
in the same process gets a schema of its own (``segdsl_2``, ``segdsl_3``…, first on its
search_path, dropped by close()) so two engines never see each other's tables.
"""

from __future__ import annotations

import itertools
from typing import Any

import psycopg

from segdsl.datatypes import DataType

from ._base import SqlEngine, TableData

_TYPES = {"int": "BIGINT", "decimal": "NUMERIC(18,4)", "string": "TEXT", "enum": "TEXT",
          "bool": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP"}
# psycopg's names for the same types, for COPY's set_types
_COPY_TYPES = {"int": "int8", "decimal": "numeric", "string": "text", "enum": "text",
               "bool": "bool", "date": "date", "timestamp": "timestamp"}


_instances = itertools.count(1)


def connect(dsn: str, timeout: int = 5) -> psycopg.Connection[Any]:
    # UTC session: CURRENT_DATE / NOW() agree with the other engines
    return psycopg.connect(dsn, autocommit=True, connect_timeout=timeout,
                           options="-c TimeZone=UTC")


class PostgresEngine(SqlEngine):
    name = "postgres"
    dialect = "postgres"

    def __init__(self, dsn: str) -> None:
        super().__init__()
        self._con = connect(dsn)
        number = next(_instances)
        self.schema_name = f"segdsl_{number}" if number > 1 else None
        if self.schema_name:
            self.execute(f"DROP SCHEMA IF EXISTS {self.quote(self.schema_name)} CASCADE")
            self.execute(f"CREATE SCHEMA {self.quote(self.schema_name)}")
            self.execute(f"SET search_path TO {self.quote(self.schema_name)}")

    def column_type(self, type_: DataType) -> str:
        if type_.kind == "list":
            assert type_.element is not None
            return f"{self.column_type(type_.element)}[]"
        return _TYPES[type_.kind]

    def _copy_type(self, type_: DataType) -> str:
        if type_.kind == "list":
            assert type_.element is not None
            return f"{self._copy_type(type_.element)}[]"
        return _COPY_TYPES[type_.kind]

    def execute(self, sql: str) -> None:
        self._con.execute(sql)

    def drop(self, table: str) -> None:
        self.execute(f"DROP TABLE IF EXISTS {self.quote(table)} CASCADE")

    def insert(self, table: TableData) -> None:
        columns = ", ".join(self.quote(c.name) for c in table.columns)
        statement = f"COPY {self.quote(table.name)} ({columns}) FROM STDIN (FORMAT BINARY)"
        types = [self._copy_type(c.type) for c in table.columns]
        with (self._con.transaction(), self._con.cursor() as cursor,
              cursor.copy(statement) as copy):
            copy.set_types(types)
            for row in table.rows:
                copy.write_row(row)

    def fetch(self, sql: str) -> tuple[int, list[Any]]:
        with self._con.cursor() as cursor:
            cursor.execute(sql)
            width = len(cursor.description or ())
            return width, [row[0] for row in cursor.fetchall()]

    def fetch_rows(self, sql: str) -> list[tuple[Any, ...]]:
        with self._con.cursor() as cursor:
            cursor.execute(sql)
            return [tuple(row) for row in cursor.fetchall()]

    def version(self) -> str:
        return str(self.rows("SHOW server_version")[0][0])

    def close(self) -> None:
        if self.schema_name and not self._con.closed:
            self.execute(f"DROP SCHEMA IF EXISTS {self.quote(self.schema_name)} CASCADE")
        self._con.close()
