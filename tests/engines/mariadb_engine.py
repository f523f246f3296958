"""MariaDB (MySQL dialect) through PyMySQL.

Settings (environment, or the env file written by scripts/start-engines.sh):
SEGDSL_MYSQL_HOST, SEGDSL_MYSQL_PORT (3306), SEGDSL_MYSQL_USER (root), SEGDSL_MYSQL_PASSWORD
(empty), SEGDSL_MYSQL_DATABASE (segdsl_test, created if missing, utf8mb4). Every further
engine in the same process gets a database of its own (``segdsl_test_2``…, dropped by
close()) so two engines never see each other's tables.

Text columns are ``VARCHAR(255) CHARACTER SET utf8mb4`` with that character set's default,
case-*insensitive* collation, like most real MySQL/MariaDB tables: the SQL segdsl generates
must make comparisons case-sensitive itself. Lists are JSON text in LONGTEXT.
"""

from __future__ import annotations

import itertools
from typing import Any

import pymysql  # type: ignore[import-untyped,unused-ignore]

from segdsl.datatypes import DataType

from ._base import SqlEngine, TableData, json_list

_TYPES = {"int": "BIGINT", "decimal": "DECIMAL(18,4)",
          "string": "VARCHAR(255) CHARACTER SET utf8mb4",
          "enum": "VARCHAR(255) CHARACTER SET utf8mb4",
          "bool": "BOOLEAN", "date": "DATE", "timestamp": "DATETIME(6)",
          "list": "LONGTEXT CHARACTER SET utf8mb4"}


_instances = itertools.count(1)


def connect(host: str, port: int, user: str, password: str, database: str | None = None,
            timeout: int = 5) -> pymysql.connections.Connection[Any]:
    return pymysql.connect(host=host, port=port, user=user, password=password, database=database,
                           charset="utf8mb4", autocommit=True, connect_timeout=timeout,
                           init_command="SET time_zone = '+00:00'")


class MariaDBEngine(SqlEngine):
    name = "mariadb"
    dialect = "mysql"
    quote_char = "`"
    table_options = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"

    def __init__(self, host: str, port: int, user: str, password: str = "",
                 database: str = "segdsl_test") -> None:
        super().__init__()
        self._con = connect(host, port, user, password)
        number = next(_instances)
        self.database = database if number == 1 else f"{database}_{number}"
        self._own_database = number > 1
        if self._own_database:
            self.execute(f"DROP DATABASE IF EXISTS {self.quote(self.database)}")
        self.execute(f"CREATE DATABASE IF NOT EXISTS {self.quote(self.database)} "
                     "CHARACTER SET utf8mb4")
        self._con.select_db(self.database)

    def column_type(self, type_: DataType) -> str:
        return _TYPES[type_.kind]

    def execute(self, sql: str) -> None:
        with self._con.cursor() as cursor:
            cursor.execute(sql)

    def insert(self, table: TableData) -> None:
        columns = ", ".join(self.quote(c.name) for c in table.columns)
        marks = ", ".join("%s" for _ in table.columns)
        rows = [tuple(json_list(v) if isinstance(v, list) else v for v in row)
                for row in table.rows]
        with self._con.cursor() as cursor:  # PyMySQL escapes each value (one multi-row INSERT)
            cursor.executemany(
                f"INSERT INTO {self.quote(table.name)} ({columns}) VALUES ({marks})", rows)

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
        return str(self.rows("SELECT VERSION()")[0][0])

    def close(self) -> None:
        if self._con.open:
            if self._own_database:
                self.execute(f"DROP DATABASE IF EXISTS {self.quote(self.database)}")
            self._con.close()
