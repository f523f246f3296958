"""Apache Spark (PySpark, ``local[1]``); tables are temp views over local DataFrames.

One SparkContext per process (starting it takes ~10 s), created on first use and stopped
at exit; each engine gets its own ``newSession()`` on it (own temp views and SQL settings,
same JVM), so several engines can coexist; ``close()`` only drops this engine's views. Needs Java 17 (``java`` on PATH or
JAVA_HOME). The session runs in UTC: naive timestamps are handed to Spark as UTC, so the
wall-clock values are the same in SQL as in the rows.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import sys
import tempfile
from typing import Any

from segdsl.datatypes import DataType
from segdsl.schema import Schema

from ._base import TableData, member_value, tables_for

_session: Any = None  # pyspark.sql.SparkSession


def spark_session() -> Any:
    """The process's SparkSession, configured for quick tests."""
    global _session
    if _session is None:
        # Python workers (rarely needed here) must run this interpreter, not whatever is on PATH.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        from pyspark.sql import SparkSession

        builder: Any = SparkSession.builder
        _session = (
            builder.master("local[1]")
            .appName("segdsl-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.default.parallelism", "1")
            .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.session.timeZone", "UTC")
            # Test tables hold a few dozen rows: compiling generated code and re-planning each
            # stage cost more than they save (about 40% of the differential suite's Spark time).
            # Neither changes a result.
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.sql.codegen.wholeStage", "false")
            .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
            .config("spark.sql.warehouse.dir",
                    os.path.join(tempfile.gettempdir(), "segdsl-spark-warehouse"))
            .getOrCreate()
        )
        _session.sparkContext.setLogLevel("ERROR")
        atexit.register(_stop)
    return _session


def _stop() -> None:
    global _session
    if _session is not None:
        _session.stop()
        _session = None


def spark_type(type_: DataType) -> Any:
    from pyspark.sql import types as T

    kind = type_.kind
    if kind == "list":
        assert type_.element is not None
        return T.ArrayType(spark_type(type_.element), containsNull=True)
    return {"int": T.LongType(), "decimal": T.DecimalType(18, 4), "string": T.StringType(),
            "enum": T.StringType(), "bool": T.BooleanType(), "date": T.DateType(),
            "timestamp": T.TimestampType()}[kind]


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.timezone.utc)  # naive means UTC (the session zone)
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


class SparkEngine:
    name = "spark"
    dialect = "spark"
    null_lists_supported = True

    def __init__(self) -> None:
        self._spark = spark_session().newSession()  # isolated temp views, shared JVM
        self._spark.conf.set("spark.sql.session.timeZone", "UTC")
        self._spark.conf.set("spark.sql.shuffle.partitions", "1")
        self._loaded: set[str] = set()

    def _dataframe(self, table: TableData) -> Any:
        from pyspark.sql import types as T

        schema = T.StructType([T.StructField(c.name, spark_type(c.type), nullable=True)
                               for c in table.columns])
        rows = [tuple(_value(v) for v in row) for row in table.rows]
        return self._spark.createDataFrame(rows, schema=schema)

    def load(self, schema: Schema, entities: list[dict[str, Any]],
             relations: dict[str, list[dict[str, Any]]]) -> None:
        tables = tables_for(schema, entities, relations)
        for name in self._loaded - {t.name for t in tables}:
            self._spark.catalog.dropTempView(name)
        self._loaded = set()
        for table in tables:
            self._dataframe(table).createOrReplaceTempView(table.name)
            self._loaded.add(table.name)

    def members(self, sql: str) -> set[Any]:
        frame = self._spark.sql(sql)
        if len(frame.columns) != 1:
            raise ValueError(f"spark: members() needs a query returning one column, "
                             f"got {len(frame.columns)}")
        return {member_value(row[0]) for row in frame.collect()}

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(member_value(v) for v in row) for row in self._spark.sql(sql).collect()]

    def version(self) -> str:
        return str(self._spark.version)

    def close(self) -> None:
        if _session is not None:  # else the session was already stopped at exit
            for name in self._loaded:
                self._spark.catalog.dropTempView(name)
        self._loaded = set()
