"""Apache Spark through PySpark (``--engine spark [--master URL]``): for customer bases that
outgrow one machine.

Tables come from the Spark catalog (``table: customers`` or ``table: sales.customers``), or
from parquet: a schema ``table:`` that ends in ``.parquet`` or is a path (``data/orders/``,
``s3a://bucket/orders``) is read with ``spark.read.parquet`` and registered as a temporary
view, which is what the compiled SQL then reads.

The session: an existing SparkSession in this process is reused (through ``newSession()``,
so this adapter's temporary views stay its own); otherwise one is started with ``--master``
(default ``local[*]``) and with Hive support when PySpark has it. Unless the Spark
configuration folder (``$SPARK_CONF_DIR``, else ``$SPARK_HOME/conf``) has a
``spark-defaults.conf`` or ``hive-site.xml`` of its own, that session keeps its Derby
metastore, ``derby.log`` and warehouse in a temporary folder removed by ``close()``, never in
the current folder; so on a bare local install, tables that ``materialize`` writes last as
long as the command (configure a metastore to keep them). Spark's own log is cut to errors
(unless the folder has a ``log4j2.properties``), so commands print no WARN lines. A session
this adapter started is stopped by ``close()``.

Spark has no transactions: see segdsl/runners/materialize.py for how a table is replaced.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import tempfile
from typing import Any

from segdsl.runner import database_error
from segdsl.runners.base import Database, Target, first_line, missing_driver
from segdsl.schema import Schema

_FILE_SUFFIXES = (".csv", ".json", ".ndjson")
_QUIET_LOG = """\
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = stderr
appender.console.type = Console
appender.console.name = stderr
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %p %c{1}: %m%n
"""


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
        self._scratch: str | None = None
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
        settings = {"spark.app.name": "segdsl", "spark.master": master or "local[*]",
                    "spark.ui.showConsoleProgress": "false", **self._scratch_settings()}
        builder: Any = SparkSession.builder
        for key, value in settings.items():
            builder = builder.config(key, value)
        self._owns_context = True
        try:
            self._launch_quietly(settings)
            try:
                session = builder.enableHiveSupport().getOrCreate()
            except Exception as error:
                if "hive" not in str(error).lower():
                    raise
                session = builder.config("spark.sql.catalogImplementation", "in-memory").getOrCreate()
        except Exception as error:
            reason = self._driver_error() or first_line(error)
            if self._scratch is not None:
                shutil.rmtree(self._scratch, ignore_errors=True)
            raise database_error(f"Spark could not start (master {master or 'local[*]'}): {reason}",
                                 "check --master, and that Java 17 or later is installed") from None
        session.sparkContext.setLogLevel("ERROR")
        return session

    def _launch_quietly(self, settings: dict[str, str]) -> None:
        """Start Spark's JVM with its console output in the scratch folder's driver.log (the JVM
        prints warnings of its own before any log configuration applies)."""
        from pyspark import SparkConf, SparkContext
        from pyspark.java_gateway import launch_gateway

        assert self._scratch is not None
        conf = SparkConf(loadDefaults=False).setAll(list(settings.items()))
        with open(os.path.join(self._scratch, "driver.log"), "wb") as log:
            launch: Any = launch_gateway  # untyped in PySpark
            gateway = launch(conf, popen_kwargs={"stdout": log, "stderr": log})
        SparkContext._ensure_initialized(gateway=gateway)

    def _driver_error(self) -> str | None:
        """The last error line the JVM logged, to explain a failed start."""
        if self._scratch is None:
            return None
        try:
            with open(os.path.join(self._scratch, "driver.log"), encoding="utf-8", errors="replace") as log:
                lines = [line.strip() for line in log if "error" in line.lower() or "exception" in line.lower()]
        except OSError:
            return None
        return lines[-1][:300] if lines else None

    def _scratch_settings(self) -> dict[str, str]:
        """Metastore, warehouse and a quiet log in a temporary folder (see the module docstring)."""
        spark_home = os.environ.get("SPARK_HOME")
        conf_dir = os.environ.get("SPARK_CONF_DIR") or (os.path.join(spark_home, "conf") if spark_home else "")

        def configured(name: str) -> bool:
            return bool(conf_dir) and os.path.isfile(os.path.join(conf_dir, name))

        self._scratch = tempfile.mkdtemp(prefix="segdsl-spark-")
        settings: dict[str, str] = {}
        java: list[str] = []
        if not (configured("spark-defaults.conf") or configured("hive-site.xml")):
            settings["spark.sql.warehouse.dir"] = os.path.join(self._scratch, "spark-warehouse")
            java.append(f"-Dderby.system.home={self._scratch}")
        if not configured("log4j2.properties"):
            log_config = os.path.join(self._scratch, "log4j2.properties")
            with open(log_config, "w", encoding="utf-8") as handle:
                handle.write(_QUIET_LOG)
            java.append(f"-Dlog4j2.configurationFile=file:{log_config}")
        if java:
            settings["spark.driver.extraJavaOptions"] = " ".join(java)
        return settings

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
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

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
