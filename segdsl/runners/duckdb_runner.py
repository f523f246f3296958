"""DuckDB files (the default target): transactional DDL, so a swap is one transaction."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from segdsl.runner import database_error
from segdsl.runners.base import Database, Target, first_line, require_file


class DuckDBDatabase(Database):
    adapter = "duckdb"
    swap = "transaction"

    def __init__(self, target: Target, read_only: bool = False) -> None:
        super().__init__(target)
        import duckdb

        self._errors: tuple[type[BaseException], ...] = (duckdb.Error,)
        require_file(target.location, target.display, "DuckDB database",
                     f"check the path, or create the demo database with: segdsl demo --db {target.location}")
        try:
            self._con: Any = duckdb.connect(target.location, read_only=read_only)
        except duckdb.Error as error:
            raise database_error(f"cannot open {target.display}: {first_line(error)}",
                                 "is another program using the file?", target.display) from None
        self._in_transaction = False

    def execute(self, sql: str) -> None:
        try:
            self._con.execute(sql)
        except self._errors as error:
            raise self.error(error, sql) from None

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            return [tuple(row) for row in self._con.execute(sql).fetchall()]
        except self._errors as error:
            raise self.error(error, sql) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            with contextlib.suppress(*self._errors):
                self._con.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def table_exists(self, parts: tuple[str, ...]) -> bool:
        table = parts[-1]
        schema = parts[-2] if len(parts) >= 2 else None
        sql = "SELECT COUNT(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = " \
              "COALESCE(?, current_schema())"
        try:
            row = self._con.execute(sql, [table, schema]).fetchone()
        except self._errors as error:
            raise self.error(error, sql) from None
        return bool(row and row[0])

    def columns(self, parts: tuple[str, ...]) -> list[tuple[str, str]]:
        sql = "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? AND schema_name = " \
              "COALESCE(?, current_schema()) ORDER BY column_index"
        try:
            rows = self._con.execute(sql, [parts[-1], parts[-2] if len(parts) >= 2 else None]).fetchall()
        except self._errors as error:
            raise self.error(error, sql) from None
        return [(str(name), str(kind)) for name, kind in rows]

    def column_types(self, table: str) -> dict[str, str]:
        import duckdb

        from segdsl.sql.builder import table_expr

        sql = f"DESCRIBE SELECT * FROM {table_expr(table).sql(dialect='duckdb', identify=True)}"
        try:
            rows = self._con.execute(sql).fetchall()
        except duckdb.CatalogException as error:
            raise LookupError(first_line(error)) from None
        except self._errors as error:
            raise self.error(error, sql) from None
        return {str(row[0]).lower(): str(row[1]) for row in rows}

    def close(self) -> None:
        with contextlib.suppress(*self._errors):
            self._con.close()
