"""SQLite files (``sqlite:///path``): transactional DDL, so a swap is one transaction.

The connection runs in autocommit mode and transactions are explicit ``BEGIN``/``COMMIT``:
Python's sqlite3 module would otherwise decide for itself when to commit around DDL.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from segdsl.runner import database_error
from segdsl.runners.base import Database, Target, first_line, require_file


class SQLiteDatabase(Database):
    adapter = "sqlite"
    swap = "transaction"

    def __init__(self, target: Target, read_only: bool = False) -> None:
        super().__init__(target)
        require_file(target.location, target.display, "SQLite database")
        uri = Path(target.location).resolve().as_uri() + ("?mode=ro" if read_only else "?mode=rw")
        try:
            self._con = sqlite3.connect(uri, uri=True, isolation_level=None)
            self._con.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # is it SQLite?
            # A view reads a table by name: renaming a new table into the place of a dropped
            # one (materialize) must not make SQLite re-check views against the gap between.
            self._con.execute("PRAGMA legacy_alter_table = ON")
        except sqlite3.Error as error:
            raise database_error(f"cannot open {target.display}: {first_line(error)}", None,
                                 target.display) from None

    def execute(self, sql: str) -> None:
        try:
            self._con.execute(sql)
        except sqlite3.Error as error:
            raise self.error(error, sql) from None

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            return [tuple(row) for row in self._con.execute(sql).fetchall()]
        except sqlite3.Error as error:
            raise self.error(error, sql) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self.execute("BEGIN")
        try:
            yield
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._con.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def table_exists(self, parts: tuple[str, ...]) -> bool:
        from segdsl import ddl

        schema = parts[-2] if len(parts) >= 2 else "main"
        master = ddl.render(ddl.table_ref((schema, "sqlite_master")), "sqlite")
        try:
            row = self._con.execute(f"SELECT COUNT(*) FROM {master} WHERE type = 'table' AND name = ?",
                                    (parts[-1],)).fetchone()
        except sqlite3.Error as error:
            raise self.error(error) from None
        return bool(row and row[0])

    def columns(self, parts: tuple[str, ...]) -> list[tuple[str, str]]:
        schema = parts[-2] if len(parts) >= 2 else "main"
        try:
            rows = self._con.execute("SELECT name, type FROM pragma_table_info(?, ?)", (parts[-1], schema)).fetchall()
        except sqlite3.Error as error:
            raise self.error(error) from None
        return [(str(name), str(kind)) for name, kind in rows]

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._con.close()
