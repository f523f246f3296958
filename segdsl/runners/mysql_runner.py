"""MySQL and MariaDB through PyMySQL (``mysql://user:password@host:port/database``).

MySQL commits DDL implicitly, so there is no transaction to swap a table in; instead the
new table is built beside the old one and ``RENAME TABLE old TO …, new TO old`` swaps them
in one atomic statement.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from segdsl.diagnostics import SegdslError
from segdsl.runner import database_error
from segdsl.runners.base import Database, Target, first_line, missing_driver


class MySQLDatabase(Database):
    adapter = "mysql"
    swap = "rename"

    def __init__(self, target: Target, read_only: bool = False) -> None:
        super().__init__(target)
        try:
            import pymysql  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            raise missing_driver("PyMySQL", "mysql", "a mysql:// database") from None
        self._pymysql: Any = pymysql
        try:
            parts = urlsplit(target.location)
            options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            database = unquote(parts.path.lstrip("/")) or None
            self._con: Any = pymysql.connect(
                host=parts.hostname or "localhost", port=parts.port or 3306,
                user=unquote(parts.username) if parts.username else "root",
                password=unquote(parts.password) if parts.password else "",
                database=database, charset=options.get("charset", "utf8mb4"), autocommit=True,
                connect_timeout=10)
        except (pymysql.Error, ValueError) as error:
            raise database_error(f"cannot connect to {target.display}: {first_line(error)}",
                                 "check the URL, and that the server is running and reachable",
                                 target.display) from None
        self._backslash_escapes()
        if read_only:
            self.execute("SET SESSION TRANSACTION READ ONLY")

    def _backslash_escapes(self) -> None:
        """String literals are written for MySQL's default syntax, where a backslash escapes
        (sqlglot doubles it): a server whose sql_mode holds NO_BACKSLASH_ESCAPES would read
        'a\\\\' as two backslashes, so this session's mode drops that flag."""
        (mode,), = self.query("SELECT @@SESSION.sql_mode")
        flags = [flag for flag in str(mode).split(",") if flag]
        if "NO_BACKSLASH_ESCAPES" in flags:
            kept = ",".join(flag for flag in flags if flag != "NO_BACKSLASH_ESCAPES")
            try:
                with self._con.cursor() as cursor:
                    cursor.execute("SET SESSION sql_mode = %s", (kept,))
            except self._pymysql.Error as error:
                raise self.error(error, "SET SESSION sql_mode") from None

    def execute(self, sql: str) -> None:
        try:
            with self._con.cursor() as cursor:
                cursor.execute(sql)
        except self._pymysql.Error as error:
            raise self.error(error, sql) from None

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            with self._con.cursor() as cursor:
                cursor.execute(sql)
                return [tuple(row) for row in cursor.fetchall()]
        except self._pymysql.Error as error:
            raise self.error(error, sql) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Groups data changes; MySQL commits DDL implicitly whatever this does."""
        try:
            self._con.begin()
            yield
        except BaseException:
            with contextlib.suppress(Exception):
                self._con.rollback()
            raise
        try:
            self._con.commit()
        except self._pymysql.Error as error:
            raise self.error(error) from None

    def table_exists(self, parts: tuple[str, ...]) -> bool:
        schema = parts[-2] if len(parts) >= 2 else None
        try:
            with self._con.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = %s "
                               "AND table_schema = COALESCE(%s, DATABASE()) "
                               "AND table_type = 'BASE TABLE'", (parts[-1], schema))
                row = cursor.fetchone()
        except self._pymysql.Error as error:
            raise self.error(error) from None
        return bool(row and row[0])

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._con.close()

    def error(self, error: BaseException, sql: str | None = None) -> SegdslError:
        # PyMySQL errors print as "(1146, "Table 'x.y' doesn't exist")": keep the message
        args: tuple[Any, ...] = tuple(getattr(error, "args", ()))
        if len(args) >= 2 and isinstance(args[1], str):
            error = type(error)(args[1])
        return super().error(error, sql)
