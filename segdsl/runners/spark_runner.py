"""Apache Spark through PySpark (``--engine spark [--master URL]``): for customer bases that
outgrow one machine.

Tables come from the Spark catalog (``table: customers`` or ``table: sales.customers``), or
from parquet: a schema ``table:`` that ends in ``.parquet`` or is a path (``data/orders/``,
``s3a://bucket/orders``) is read with ``spark.read.parquet`` and registered as a temporary
view, which is what the compiled SQL then reads.

The session: an existing SparkSession in this process is reused (through ``newSession()``,
so this adapter's temporary views stay its own); otherwise one is started with ``--master``
(default ``local[*]``) and with Hive support when PySpark has it, so tables that
``materialize`` writes persist in the Hive metastore (locally: ``metastore_db/`` and
``spark-warehouse/`` in the current folder, as with the ``pyspark`` shell); a session this
adapter started is stopped by ``close()``.

Spark has no transactions: see segdsl/runners/materialize.py for how a table is replaced.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
from typing import Any

from segdsl.runner import database_error
from segdsl.runners.base import Database, Target, first_line, missing_driver
from segdsl.schema import Schema

_FILE_SUFFIXES = (".csv", ".json", ".ndjson")


def is_parquet_path(table: str) -> bool:
    return table.endswith(".parquet") or ("/" in table and not table.endswith(_FILE_SUFFIXES))


class SparkDatabase(Database):
    adapter = "spark"
    swap = "steps"

    def __init__(self, target: Target, master: str | None = None, session: Any = None) -> None:
        super().__init__(target)
        try:
            import pyspark  # noqa: F401
        except ImportError:
            raise missing_driver("pyspark", "spark", "--engine spark") from None
        self._owns_context = False
        if session is None:
            session = self._start(master)
        self._spark: Any = session.newSession()
        self._views: list[str] = []
        self._registered: dict[str, str] = {}
        if target.location:
            try:
                self._spark.catalog.setCurrentDatabase(target.location)
            except Exception as error:
                self.close()
                raise self.error(_spark_error(error)) from None

    def _start(self, master: str | None) -> Any:
        from pyspark import SparkContext
        from pyspark.sql import SparkSession

        active = SparkContext._active_spark_context
        if active is not None:
            if master and active.master != master:
                raise database_error(f"a Spark session with master {active.master} is already "
                                     f"running in this process; cannot use --master {master}")
            return SparkSession.builder.getOrCreate()
        if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
            raise database_error("Spark needs Java (17 or later), and there is no java on PATH "
                                 "and no JAVA_HOME", "install a Java runtime, e.g. "
                                 "apt-get install openjdk-17-jre-headless")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder: Any = SparkSession.builder.appName("segdsl").master(master or "local[*]")
        builder = builder.config("spark.ui.showConsoleProgress", "false").config("spark.log.level", "ERROR")
        self._owns_context = True
        try:
            try:
                session = builder.enableHiveSupport().getOrCreate()
            except Exception as error:
                if "hive" not in str(error).lower():
                    raise
                session = builder.config("spark.sql.catalogImplementation", "in-memory").getOrCreate()
        except Exception as error:
            raise database_error(f"Spark could not start (master {master or 'local[*]'}): "
                                 f"{first_line(error)}",
                                 "check --master, and that Java 17 or later is installed") from None
        session.sparkContext.setLogLevel("ERROR")
        return session

    # ---- the interface ------------------------------------------------------------
    def execute(self, sql: str) -> None:
        try:
            self._spark.sql(sql).collect()
        except Exception as error:
            raise self.error(_spark_error(error), sql) from None

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            return [tuple(row) for row in self._spark.sql(sql).collect()]
        except Exception as error:
            raise self.error(_spark_error(error), sql) from None

    def table_exists(self, parts: tuple[str, ...]) -> bool:
        try:
            return bool(self._spark.catalog.tableExists(".".join(self._quote(p) for p in parts)))
        except Exception as error:
            raise self.error(_spark_error(error)) from None

    def tables(self, schema: Schema) -> dict[str, str]:
        """Register every parquet path the schema names as a temporary view: path → view."""
        used = {schema.table, *(r.table for r in schema.relations.values())}
        views = self._registered
        for table in sorted(used):
            if not is_parquet_path(table) or table in views:
                continue
            stem = re.sub(r"[^A-Za-z0-9_]", "_",
                          table.rstrip("/").rsplit("/", 1)[-1].removesuffix(".parquet"))
            name, number = f"segdsl_{stem}", 2
            while name in views.values():
                name, number = f"segdsl_{stem}_{number}", number + 1
            try:
                self._spark.read.parquet(table).createOrReplaceTempView(name)
            except Exception as error:
                raise database_error(f"Spark cannot read parquet {table}: "
                                     f"{first_line(_spark_error(error))}",
                                     "check the path in the schema's 'table:'",
                                     self.target.display) from None
            self._views.append(name)
            views[table] = name
        return dict(views)

    def close(self) -> None:
        for name in self._views:
            with contextlib.suppress(Exception):  # best effort: the session may be gone
                self._spark.catalog.dropTempView(name)
        self._views = []
        self._registered = {}
        if self._owns_context:
            self._owns_context = False
            self._spark.stop()

    @staticmethod
    def _quote(part: str) -> str:
        from segdsl import ddl

        return ddl.render(ddl.table_ref((part,)), "spark")


def _spark_error(error: BaseException) -> BaseException:
    """Spark's messages start with an error class ([TABLE_OR_VIEW_NOT_FOUND] …); keep them, but
    drop the JVM stack and the SQLSTATE lines that follow."""
    getter = getattr(error, "getMessage", None)
    message = getter() if callable(getter) else str(error)
    text = str(message).strip().splitlines()
    return RuntimeError(text[0] if text else type(error).__name__)
