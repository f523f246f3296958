"""The one small interface every database adapter implements, and how a target picks one.

A *target* is what users pass to ``--db``:

==================================  ==========  ======================================
target                              adapter     driver (extra)
==================================  ==========  ======================================
``demo.duckdb`` (any path)          duckdb      duckdb (always installed)
``duckdb:///path/to/file.duckdb``   duckdb      duckdb
``sqlite:///relative.db``           sqlite      sqlite3 (stdlib)
``sqlite:////absolute/path.db``     sqlite      sqlite3
``postgresql://user@host/db``       postgres    psycopg 3 (``segdsl[postgres]``)
``mysql://user@host/db``            mysql       PyMySQL (``segdsl[mysql]``)
``DIALECT+DRIVER://…``, any other   sqlalchemy  SQLAlchemy + that driver (``segdsl[sqlalchemy]``)
``--engine spark [--master URL]``   spark       PySpark + Java 17 (``segdsl[spark]``)
==================================  ==========  ======================================

Resolving a target never connects and never imports a driver, so a command can check its
segments for the target's dialect first and fail fast. Problems with the target's *form*
raise ValueError (a usage error); problems reaching or using the database raise
:class:`~segdsl.diagnostics.SegdslError` with a one-line SEG302 diagnostic.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar, Literal
from urllib.parse import unquote, urlsplit

from segdsl.diagnostics import SegdslError
from segdsl.runner import database_error
from segdsl.schema import Schema

# How an adapter replaces a table atomically (see segdsl/runners/materialize.py).
Swap = Literal["transaction", "rename", "swap", "replace", "steps"]

# SQLAlchemy backend name → segdsl dialect
SQLALCHEMY_BACKENDS: dict[str, str] = {
    "postgresql": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "duckdb": "duckdb",
    "mssql": "tsql",
    "snowflake": "snowflake",
    "bigquery": "bigquery",
    "redshift": "redshift",
    "databricks": "databricks",
    "trino": "trino",
    "clickhouse": "clickhouse",
}

# How each dialect replaces a table atomically when reached through SQLAlchemy.
SWAP_BY_DIALECT: dict[str, Swap] = {
    "postgres": "transaction",  # DDL is transactional
    "redshift": "transaction",
    "sqlite": "transaction",
    "duckdb": "transaction",
    "tsql": "transaction",
    "mysql": "rename",  # DDL commits implicitly; RENAME TABLE a TO b, c TO d is atomic
    "snowflake": "swap",  # ALTER TABLE … SWAP WITH … is atomic
    "bigquery": "replace",  # CREATE OR REPLACE TABLE … AS is atomic
    "databricks": "replace",
    "clickhouse": "replace",
    "trino": "steps",  # no transactional DDL: new table, then two renames
    "spark": "steps",
}

EXTRAS = {"postgres": "postgres", "mysql": "mysql", "sqlalchemy": "sqlalchemy", "spark": "spark"}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")


@dataclass(frozen=True, slots=True)
class Target:
    adapter: Literal["duckdb", "sqlite", "postgres", "mysql", "sqlalchemy", "spark"]
    dialect: str
    location: str  # a file path, a URL, or (Spark) a database name or ""
    display: str  # for messages: the URL without its password

    def __str__(self) -> str:
        return self.display


def resolve(target: str | None, engine: str | None = None) -> Target:
    """Which adapter and dialect a ``--db`` value (and ``--engine``) means; ValueError if none."""
    if engine is not None:
        if engine.lower() != "spark":
            raise ValueError(f"unknown engine '{engine}' (known: spark)")
        database = target or ""
        if database and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", database):
            raise ValueError(f"with --engine spark, --db names a Spark database, not '{database}'")
        return Target("spark", "spark", database, f"spark:{database}" if database else "spark")
    if not target:
        raise ValueError("give a database: a DuckDB file, or a URL such as postgresql://…")
    match = _SCHEME.match(target)
    if match is None:
        return Target("duckdb", "duckdb", target, target)
    scheme = match.group(1).lower()
    backend, _, driver = scheme.partition("+")
    display = hide_password(target)
    if backend in ("sqlite", "duckdb") and not driver:
        path = _file_path(target, backend)
        return Target(backend, backend, path, display)  # type: ignore[arg-type]
    if backend in ("postgresql", "postgres") and not driver:
        return Target("postgres", "postgres", target, display)
    if backend in ("mysql", "mariadb") and not driver:
        return Target("mysql", "mysql", target, display)
    dialect = SQLALCHEMY_BACKENDS.get(backend)
    if dialect is None:
        known = ", ".join(sorted(SQLALCHEMY_BACKENDS))
        raise ValueError(f"segdsl cannot write SQL for '{backend}' databases "
                         f"(SQLAlchemy backends with a segdsl dialect: {known})")
    return Target("sqlalchemy", dialect, target, display)


def _file_path(url: str, backend: str) -> str:
    """sqlite:///relative.db → relative.db; sqlite:////abs.db → /abs.db (SQLAlchemy's convention)."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if parts.netloc or not path.startswith("/") or path in ("/", "/:memory:"):
        raise ValueError(f"'{url}' is not a {backend} file URL: use {backend}:///relative/path "
                         f"or {backend}:////absolute/path")
    return path[1:]


def hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{parts.username or ''}:***@{host}"
    if parts.port is not None:
        netloc += f":{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def missing_driver(module: str, adapter: str, url_kind: str) -> SegdslError:
    extra = EXTRAS[adapter]
    return database_error(f"{url_kind} needs the Python package {module}, which is not installed",
                          f"install it with: pip install 'segdsl[{extra}]'")


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0].strip() if text else type(error).__name__


class Database:
    """A connection to one database. Every method raises SegdslError (SEG302) on failure.

    ``execute`` runs one statement, ``query`` one statement that returns rows;
    ``transaction()`` groups statements (a no-op where there are none: Spark);
    ``table_exists`` takes the parts of a name (schema, table); ``tables`` makes the
    schema's tables readable and says which need another name in SQL (Spark registers parquet
    paths as temporary views): use :func:`segdsl.runners.compile_query` to apply it.
    """

    adapter: ClassVar[str] = ""
    swap: Swap = "transaction"

    def __init__(self, target: Target) -> None:
        self.target = target
        self.dialect = target.dialect

    # ---- the interface -----------------------------------------------------------
    def execute(self, sql: str) -> None:
        raise NotImplementedError

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        yield

    def table_exists(self, parts: tuple[str, ...]) -> bool:
        raise NotImplementedError

    def tables(self, schema: Schema) -> dict[str, str]:
        """Schema table name → the name SQL must use instead (usually nothing to rename)."""
        return {}

    def columns(self, parts: tuple[str, ...]) -> list[tuple[str, str]] | None:
        """A table's (column, type) pairs in order; [] when there is no such table; None when
        this adapter cannot tell (materialize then replaces the table instead of its rows)."""
        return None

    def dependent_views(self, parts: tuple[str, ...]) -> list[str]:
        """Views bound to the table itself, which dropping it would break (PostgreSQL)."""
        return []

    def column_types(self, table: str) -> dict[str, str] | None:
        """A schema table's columns (lower case) → DuckDB type names, or None when this
        adapter cannot tell cheaply (see segdsl/runners/columns.py); LookupError (with the
        database's message) when there is no such table."""
        return None

    def close(self) -> None:
        raise NotImplementedError

    # ---- helpers ---------------------------------------------------------------------
    def error(self, error: BaseException, sql: str | None = None) -> SegdslError:
        """A driver exception as a one-line SEG302 diagnostic."""
        message = first_line(error)
        hint = None
        lowered = message.lower()
        if any(word in lowered for word in ("does not exist", "not found", "no such", "unknown column",
                                            "doesn't exist", "cannot be resolved", "unresolved")):
            hint = "check 'table:' and 'column:' in the schema against the database"
        elif "depend on it" in lowered:
            hint = "a view depends on the table: drop it, run materialize again, then recreate it"
        return database_error(f"{self.target.display}: {message}", hint, self.target.display)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.target.display} (dialect {self.dialect})>"


def require_file(path: str, display: str, what: str, hint: str = "check the path") -> None:
    if not os.path.exists(path):
        raise database_error(f"{what} {path} does not exist", hint, display)
    if os.path.isdir(path):
        raise database_error(f"{path} is a folder, not a {what}", None, display)
