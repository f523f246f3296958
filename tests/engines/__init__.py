"""Real SQL engines for tests: load the same small dataset everywhere, run SQL, compare members.

    from tests.engines import available_engines, engine_or_skip

    for name, factory in available_engines().items():
        if isinstance(factory, str):
            print(name, "unavailable:", factory)
            continue
        engine = factory()
        engine.load(schema, entities, relations)
        sql = segdsl.compile(segment, schema, dialect=engine.dialect)
        members = engine.members(sql)

In pytest, prefer ``engine_or_skip(name)``: it caches one engine per process (Spark takes ~10 s
to start), skips an unavailable engine, and
fails instead when CI=true. ``load`` replaces all data, so load your dataset in a fixture of
your own test module before using a shared engine.

Servers: PostgreSQL and MariaDB come from SEGDSL_PG_DSN / SEGDSL_MYSQL_* or, when those are
unset, from the env file written by ``scripts/start-engines.sh`` (/tmp/segdsl-engines/env.sh).
Python drivers: ``scripts/install-test-deps.sh``.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import importlib.util
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from typing import Any, Protocol

from segdsl.schema import Schema

from ._base import setting

__all__ = ["ENGINE_DIALECTS", "ENGINE_NAMES", "Engine", "available_engines", "close_engines", "engine_or_skip",
           "in_ci", "open_engine"]

ENGINE_NAMES = ("duckdb", "sqlite", "postgres", "mariadb", "clickhouse", "datafusion", "spark")
# The segdsl dialect each engine runs: exactly the dialects docs/dialects.md marks as executed
# (tests/test_dialect_matrix.py checks both directions, and each engine's own ``dialect``).
ENGINE_DIALECTS = {"duckdb": "duckdb", "sqlite": "sqlite", "postgres": "postgres", "mariadb": "mysql",
                   "clickhouse": "clickhouse", "datafusion": "datafusion", "spark": "spark"}


class Engine(Protocol):
    name: str  # duckdb, sqlite, postgres, mariadb, clickhouse, datafusion, spark
    dialect: str  # the segdsl dialect to compile for
    null_lists_supported: bool  # False on ClickHouse: a NULL list is stored as []

    def load(self, schema: Schema, entities: list[dict[str, Any]],
             relations: dict[str, list[dict[str, Any]]]) -> None:
        """(Re)create the schema's tables (physical column names) and load the rows."""

    def members(self, sql: str) -> set[Any]:
        """Run a one-column SELECT and return its values as a set (keys as Python ints)."""

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Run a SELECT and return every row (integers as Python ints, the rest as the driver
        gives them: a boolean may come back as True or 1)."""

    def version(self) -> str:
        """The engine's own version string (the server's, for PostgreSQL and MariaDB)."""

    def close(self) -> None: ...


Factory = Callable[[], Engine]


def _missing(*modules: str) -> str | None:
    for module in modules:
        if importlib.util.find_spec(module) is None:
            return module
    return None


def _not_installed(module: str, pip_name: str) -> str:
    return f"{module} not installed (pip install '{pip_name}', or scripts/install-test-deps.sh)"


def _duckdb() -> Factory | str:
    if _missing("duckdb"):
        return _not_installed("duckdb", "duckdb")

    def make() -> Engine:
        from .duckdb_engine import DuckDBEngine

        return DuckDBEngine()

    return make


def _sqlite() -> Factory | str:
    def make() -> Engine:
        from .sqlite_engine import SQLiteEngine

        return SQLiteEngine()

    return make


def _postgres() -> Factory | str:
    if _missing("psycopg"):
        return _not_installed("psycopg", "psycopg[binary]")
    dsn = setting("SEGDSL_PG_DSN")
    if not dsn:
        return ("postgres server not running: set SEGDSL_PG_DSN, or run "
                "scripts/start-engines.sh")
    try:
        from .postgres_engine import connect

        connect(dsn, timeout=3).close()
    except Exception as error:
        return f"postgres server not reachable at '{dsn}': {error}".strip()

    def make() -> Engine:
        from .postgres_engine import PostgresEngine

        return PostgresEngine(dsn)

    return make


def _mariadb() -> Factory | str:
    if _missing("pymysql"):
        return _not_installed("pymysql", "pymysql")
    host = setting("SEGDSL_MYSQL_HOST")
    if not host:
        return ("mariadb server not running: set SEGDSL_MYSQL_HOST (and _PORT, _USER), or run "
                "scripts/start-engines.sh")
    port = int(setting("SEGDSL_MYSQL_PORT", "3306") or 3306)
    user = setting("SEGDSL_MYSQL_USER", "root") or "root"
    password = setting("SEGDSL_MYSQL_PASSWORD", "") or ""
    database = setting("SEGDSL_MYSQL_DATABASE", "segdsl_test") or "segdsl_test"
    try:
        from .mariadb_engine import connect

        connect(host, port, user, password, timeout=3).close()
    except Exception as error:
        return f"mariadb server not reachable at {user}@{host}:{port}: {error}"

    def make() -> Engine:
        from .mariadb_engine import MariaDBEngine

        return MariaDBEngine(host, port, user, password, database)

    return make


def _clickhouse() -> Factory | str:
    if _missing("chdb"):
        return _not_installed("chdb", "chdb-core")

    def make() -> Engine:
        from .clickhouse_engine import ClickHouseEngine

        return ClickHouseEngine()

    return make


def _datafusion() -> Factory | str:
    missing = _missing("datafusion", "pyarrow")
    if missing:
        return _not_installed(missing, missing)

    def make() -> Engine:
        from .datafusion_engine import DataFusionEngine

        return DataFusionEngine()

    return make


def _java_major(java: str) -> int | None:
    """17 for 'openjdk version "17.0.15"', 8 for '"1.8.0_392"'; None when it does not run."""
    try:
        done = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'"(?:1\.)?(\d+)', done.stderr + done.stdout)
    return int(match.group(1)) if match else None


@functools.lru_cache(maxsize=1)
def java17() -> str:
    """JAVA_HOME of a Java 17 (from JAVA_HOME, the engines env file, or ``java`` on PATH), or
    raises LookupError saying what was found instead. Spark 4 is tested on Java 17 only."""
    found = []
    home = setting("JAVA_HOME")
    candidates = [os.path.join(home, "bin", "java")] if home else []
    on_path = shutil.which("java")
    if on_path:
        candidates.append(on_path)
    for java in candidates:
        major = _java_major(java)
        if major == 17:
            return os.path.dirname(os.path.dirname(os.path.realpath(java)))
        found.append(f"{java} is Java {major}" if major else f"{java} does not run")
    raise LookupError("; ".join(found) or "no java (neither JAVA_HOME nor java on PATH)")


def _spark() -> Factory | str:
    if _missing("pyspark"):
        return _not_installed("pyspark", "pyspark")
    try:
        home = java17()
    except LookupError as error:
        return (f"Spark needs Java 17: {error} (apt-get install openjdk-17-jre-headless, "
                "or scripts/start-engines.sh, which also writes JAVA_HOME to its env file)")

    def make() -> Engine:
        from .spark_engine import SparkEngine

        os.environ["JAVA_HOME"] = home  # the JVM PySpark starts is this Java 17
        return SparkEngine()

    return make


_PROBES: dict[str, Callable[[], Factory | str]] = {
    "duckdb": _duckdb, "sqlite": _sqlite, "postgres": _postgres, "mariadb": _mariadb,
    "clickhouse": _clickhouse, "datafusion": _datafusion, "spark": _spark,
}


def available_engines() -> dict[str, Factory | str]:
    """Every engine name → a factory, or the reason it cannot run here (a str).

    Cheap: imports nothing heavy; for the two servers it opens (and closes) one connection.
    """
    return {name: _PROBES[name]() for name in ENGINE_NAMES}


# -- one engine of each kind per process -----------------------------------------------------

_open: dict[str, Engine | str] = {}


def open_engine(name: str) -> Engine | str:
    """The process-wide engine called ``name`` (created on first use), or why it is unavailable.

    A factory that raises counts as unavailable, with the error as the reason.
    """
    if name not in _open:
        if name not in _PROBES:
            raise KeyError(f"unknown engine {name!r}; known: {', '.join(ENGINE_NAMES)}")
        found = _PROBES[name]()
        if isinstance(found, str):
            _open[name] = found
        else:
            try:
                _open[name] = found()
            except Exception as error:
                _open[name] = f"{name} failed to start: {type(error).__name__}: {error}"
    return _open[name]


def close_engines() -> None:
    """Close every engine opened by open_engine (also runs at interpreter exit)."""
    for name, engine in list(_open.items()):
        del _open[name]
        if not isinstance(engine, str):
            with contextlib.suppress(Exception):  # closing is best-effort at exit
                engine.close()


atexit.register(close_engines)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def engine_or_skip(name: str) -> Engine:
    """open_engine(name) for pytest: skips when unavailable, or fails when CI=true."""
    import pytest

    engine = open_engine(name)
    if isinstance(engine, str):
        if in_ci():
            pytest.fail(f"engine {name} unavailable in CI: {engine}", pytrace=False)
        pytest.skip(f"engine {name} unavailable: {engine}")
    return engine
