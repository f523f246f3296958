"""PostgreSQL through psycopg 3 (``postgresql://user:password@host:port/database``).

DDL is transactional in PostgreSQL, so a swap is one transaction: readers see the old
table until COMMIT and the new one after it, never neither.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from segdsl.runner import database_error
from segdsl.runners.base import Database, Target, first_line, missing_driver


class PostgresDatabase(Database):
    adapter = "postgres"
    swap = "transaction"

    def __init__(self, target: Target, read_only: bool = False) -> None:
        super().__init__(target)
        try:
            import psycopg
        except ImportError:
            raise missing_driver("psycopg", "postgres", "a postgresql:// database") from None
        self._psycopg = psycopg
        try:
            self._con: Any = psycopg.connect(target.location, autocommit=True, connect_timeout=10)
        except (psycopg.Error, ValueError) as error:
            raise database_error(f"cannot connect to {target.display}: {first_line(error)}",
                                 "check the URL, and that the server is running and reachable",
                                 target.display) from None
        if read_only:
            self.execute("SET default_transaction_read_only = on")

    def execute(self, sql: str) -> None:
        try:
            self._con.execute(sql)
        except self._psycopg.Error as error:
            raise self.error(error, sql) from None

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            return [tuple(row) for row in self._con.execute(sql).fetchall()]
        except self._psycopg.Error as error:
            raise self.error(error, sql) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        try:
            with self._con.transaction():
                yield
        except self._psycopg.Error as error:  # COMMIT itself failed
            raise self.error(error) from None

    def table_exists(self, parts: tuple[str, ...]) -> bool:
        from segdsl import ddl

        name = ddl.render(ddl.table_ref(parts), "postgres")
        try:
            row = self._con.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
        except self._psycopg.Error as error:
            raise self.error(error) from None
        return bool(row and row[0])

    def columns(self, parts: tuple[str, ...]) -> list[tuple[str, str]]:
        sql = ("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
               "WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped ORDER BY attnum")
        return [(str(a), str(b)) for a, b in self._params(sql, parts)]

    def dependent_views(self, parts: tuple[str, ...]) -> list[str]:
        sql = ("SELECT DISTINCT n.nspname || '.' || v.relname FROM pg_depend d "
               "JOIN pg_rewrite r ON d.objid = r.oid JOIN pg_class v ON r.ev_class = v.oid "
               "JOIN pg_namespace n ON n.oid = v.relnamespace "
               "WHERE d.refobjid = to_regclass(%s) AND v.oid <> d.refobjid ORDER BY 1")
        return [str(row[0]) for row in self._params(sql, parts)]

    def _params(self, sql: str, parts: tuple[str, ...]) -> list[tuple[Any, ...]]:
        """``sql`` with the table's rendered name as its one parameter."""
        from segdsl import ddl

        try:
            return [tuple(row) for row in self._con.execute(sql, (ddl.render(ddl.table_ref(parts), "postgres"),))]
        except self._psycopg.Error as error:
            raise self.error(error) from None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._con.close()
