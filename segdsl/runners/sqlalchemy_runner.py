"""Any other database SQLAlchemy can reach (``DIALECT+DRIVER://…``), when its driver is installed.

The segdsl dialect comes from the URL's backend name (``mssql+pyodbc://`` → tsql,
``snowflake://`` → snowflake…; see SQLALCHEMY_BACKENDS); statements go to the driver as
they are (``no_parameters``), so a ``%`` in a LIKE pattern is never taken for a placeholder.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from segdsl.runner import database_error
from segdsl.runners.base import SWAP_BY_DIALECT, Database, Target, first_line, missing_driver


class SQLAlchemyDatabase(Database):
    adapter = "sqlalchemy"

    def __init__(self, target: Target, read_only: bool = False) -> None:
        super().__init__(target)
        self.swap = SWAP_BY_DIALECT.get(target.dialect, "steps")
        try:
            import sqlalchemy
        except ImportError:
            raise missing_driver("SQLAlchemy", "sqlalchemy", f"a {target.display.split(':')[0]}:// "
                                 "database") from None
        self._sa: Any = sqlalchemy
        try:
            engine = sqlalchemy.create_engine(target.location)
        except sqlalchemy.exc.NoSuchModuleError as error:
            raise database_error(f"SQLAlchemy has no dialect or driver for {target.display}: "
                                 f"{first_line(error)}",
                                 "install the SQLAlchemy dialect and driver for this database",
                                 target.display) from None
        except (sqlalchemy.exc.ArgumentError, ImportError, ValueError) as error:
            raise database_error(f"cannot use {target.display}: {first_line(error)}",
                                 "install the database driver the URL names", target.display) from None
        self._engine = engine
        try:
            self._con: Any = engine.connect().execution_options(no_parameters=True)
        except sqlalchemy.exc.SQLAlchemyError as error:
            engine.dispose()
            raise database_error(f"cannot connect to {target.display}: {_message(error)}",
                                 "check the URL, and that the server is running and reachable",
                                 target.display) from None
        self._in_transaction = False

    def execute(self, sql: str) -> None:
        self._run(sql, fetch=False)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return self._run(sql, fetch=True)

    def _run(self, sql: str, fetch: bool) -> list[tuple[Any, ...]]:
        try:
            result = self._con.exec_driver_sql(sql)
            rows = [tuple(row) for row in result.fetchall()] if fetch else []
            if not self._in_transaction:
                self._con.commit()
            return rows
        except self._sa.exc.SQLAlchemyError as error:
            if not self._in_transaction:
                with contextlib.suppress(Exception):
                    self._con.rollback()
            raise self.error(_Plain(_message(error)), sql) from None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._con.in_transaction():
            self._con.commit()
        self._in_transaction = True
        try:
            with self._con.begin():
                yield
        except self._sa.exc.SQLAlchemyError as error:  # COMMIT itself failed
            raise self.error(_Plain(_message(error))) from None
        finally:
            self._in_transaction = False

    def table_exists(self, parts: tuple[str, ...]) -> bool:
        try:
            inspector = self._sa.inspect(self._con)
            found = bool(inspector.has_table(parts[-1], schema=parts[-2] if len(parts) >= 2 else None))
            if not self._in_transaction and self._con.in_transaction():
                self._con.commit()
            return found
        except self._sa.exc.SQLAlchemyError as error:
            raise self.error(_Plain(_message(error))) from None

    def columns(self, parts: tuple[str, ...]) -> list[tuple[str, str]]:
        try:
            inspector = self._sa.inspect(self._con)
            schema = parts[-2] if len(parts) >= 2 else None
            if not inspector.has_table(parts[-1], schema=schema):
                return []
            found = [(str(c["name"]), str(c["type"])) for c in inspector.get_columns(parts[-1], schema=schema)]
            if not self._in_transaction and self._con.in_transaction():
                self._con.commit()
            return found
        except self._sa.exc.SQLAlchemyError as error:
            raise self.error(_Plain(_message(error))) from None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._con.close()
        self._engine.dispose()


class _Plain(Exception):
    pass


def _message(error: BaseException) -> str:
    """The driver's message without SQLAlchemy's "(background on this error…)" and SQL echo."""
    original = getattr(error, "orig", None)
    if original is not None:
        args: tuple[Any, ...] = tuple(getattr(original, "args", ()))
        if len(args) >= 2 and isinstance(args[1], str):  # PyMySQL: (code, message)
            return args[1]
        return first_line(original)
    return first_line(error)
