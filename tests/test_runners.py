"""The database adapters behind ``segdsl.runners.open_database``: targets, drivers, Spark.

Servers (PostgreSQL, MariaDB) and Spark are used when available; unavailable ones skip
locally and fail under CI=true, like the engine harness (tests/engines).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import sys
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlglot import exp

from segdsl import ddl, node
from segdsl.compiler import segment_sql
from segdsl.diagnostics import SegdslError
from segdsl.project import build_program, read_sources
from segdsl.runner import database_error
from segdsl.runners import open_database, resolve
from segdsl.runners import segment_sql as runner_sql
from segdsl.runners.base import hide_password
from segdsl.runners.materialize import materialize
from tests.conftest import EXAMPLES
from tests.dataset import AS_OF, CUSTOMERS, RELATIONS
from tests.engines import in_ci
from tests.engines._base import setting

# ---- shared helpers (also used by test_materialize and test_ddl) -----------------------------


def unavailable(what: str, reason: str) -> Any:
    if in_ci():
        pytest.fail(f"{what} is required under CI but unavailable: {reason}", pytrace=False)
    pytest.skip(f"{what} unavailable: {reason}")


def postgres_url(database: str) -> str:
    """A postgresql:// URL for a database of our own on the test server (created if missing)."""
    if importlib.util.find_spec("psycopg") is None:
        unavailable("postgres", "psycopg not installed (scripts/install-test-deps.sh)")
    dsn = setting("SEGDSL_PG_DSN")
    if not dsn:
        unavailable("postgres", "set SEGDSL_PG_DSN or run scripts/start-engines.sh")
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict

    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=3) as con:
            found = con.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
            if not found:
                # DuplicateDatabase: created by a test running at the same moment
                with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                    con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    except psycopg.Error as error:
        unavailable("postgres", f"server not reachable at '{dsn}': {error}")
    params = conninfo_to_dict(dsn)
    user = quote(str(params.get("user", "postgres")))
    password = params.get("password")
    auth = f"{user}:{quote(str(password))}" if password else user
    host = params.get("host", "127.0.0.1")
    port = params.get("port", 5432)
    return f"postgresql://{auth}@{host}:{port}/{database}"


def mysql_url(database: str) -> str:
    """A mysql:// URL for a database of our own on the MariaDB test server (created if missing)."""
    if importlib.util.find_spec("pymysql") is None:
        unavailable("mariadb", "pymysql not installed (scripts/install-test-deps.sh)")
    host = setting("SEGDSL_MYSQL_HOST")
    if not host:
        unavailable("mariadb", "set SEGDSL_MYSQL_HOST or run scripts/start-engines.sh")
    port = int(setting("SEGDSL_MYSQL_PORT", "3306") or 3306)
    user = setting("SEGDSL_MYSQL_USER", "root") or "root"
    password = setting("SEGDSL_MYSQL_PASSWORD", "") or ""
    import pymysql

    try:
        con = pymysql.connect(host=host, port=port, user=user, password=password, autocommit=True,
                              connect_timeout=3)
        with con.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4")
        con.close()
    except pymysql.Error as error:
        unavailable("mariadb", f"server not reachable at {user}@{host}:{port}: {error}")
    auth = f"{quote(user)}:{quote(password)}" if password else quote(user)
    return f"mysql://{auth}@{host}:{port}/{database}"


_spark: Any = None


def spark_session() -> Any:
    """The test process's one SparkSession (shared with tests/engines), or skip/fail."""
    global _spark
    if _spark is None:
        if importlib.util.find_spec("pyspark") is None:
            unavailable("spark", "pyspark not installed (scripts/install-test-deps.sh)")
        from tests.engines import java17

        try:
            os.environ["JAVA_HOME"] = java17()  # the JVM PySpark starts is this Java 17
        except LookupError as error:
            unavailable("spark", f"Spark needs Java 17: {error}")
        from tests.engines.spark_engine import spark_session as start

        _spark = start()
    return _spark


def example_program(schema: Any = None) -> Any:
    from segdsl.schema import read_schema

    if schema is None:
        schema, problems = read_schema(str(EXAMPLES / "schema.yml"))
        assert schema is not None and not problems
    sources, problems = read_sources([str(EXAMPLES / "segments")])
    assert not problems
    program = build_program(sources, schema)
    assert program.ok, program.errors
    return program


# ---- targets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("target", "adapter", "dialect", "location"), [
    ("demo.duckdb", "duckdb", "duckdb", "demo.duckdb"),
    ("/data/x.db", "duckdb", "duckdb", "/data/x.db"),
    ("duckdb:///rel/x.duckdb", "duckdb", "duckdb", "rel/x.duckdb"),
    ("sqlite:///rel/x.db", "sqlite", "sqlite", "rel/x.db"),
    ("sqlite:////abs/x.db", "sqlite", "sqlite", "/abs/x.db"),
    ("postgresql://u:p@h:5/db", "postgres", "postgres", "postgresql://u:p@h:5/db"),
    ("postgres://h/db", "postgres", "postgres", "postgres://h/db"),
    ("mysql://root@h/db", "mysql", "mysql", "mysql://root@h/db"),
    ("mariadb://root@h/db", "mysql", "mysql", "mariadb://root@h/db"),
    ("postgresql+psycopg://h/db", "sqlalchemy", "postgres", "postgresql+psycopg://h/db"),
    ("mssql+pyodbc://u:p@dsn", "sqlalchemy", "tsql", "mssql+pyodbc://u:p@dsn"),
    ("snowflake://u@acct/db/sch", "sqlalchemy", "snowflake", "snowflake://u@acct/db/sch"),
    ("sqlite+pysqlite:///x.db", "sqlalchemy", "sqlite", "sqlite+pysqlite:///x.db"),
])
def test_resolve_targets(target: str, adapter: str, dialect: str, location: str) -> None:
    resolved = resolve(target)
    assert (resolved.adapter, resolved.dialect, resolved.location) == (adapter, dialect, location)


def test_resolve_spark_and_bad_targets() -> None:
    assert resolve(None, "spark").adapter == "spark"
    assert resolve("sales", "SPARK").location == "sales"
    for target, engine, words in [
        (None, None, "give a database"),
        ("oracle://h/db", None, "cannot write SQL for 'oracle'"),
        ("sqlite://", None, "not a sqlite file URL"),
        ("sqlite:///:memory:", None, "not a sqlite file URL"),
        ("x.db", "flink", "unknown engine"),
        ("a/b.duckdb", "spark", "names a Spark database"),
    ]:
        with pytest.raises(ValueError, match=re.escape(words)):
            resolve(target, engine)


def test_passwords_are_hidden_in_messages() -> None:
    assert hide_password("postgresql://me:s3cret@db.example:5432/shop") == \
        "postgresql://me:***@db.example:5432/shop"
    assert hide_password("postgresql://me@db/shop") == "postgresql://me@db/shop"
    with pytest.raises(SegdslError) as caught:
        open_database("postgresql://me:s3cret@127.0.0.1:1/shop")
    assert "s3cret" not in str(caught.value.diagnostics[0].message)
    assert "***" in caught.value.diagnostics[0].message


@pytest.mark.parametrize(("target", "module", "extra"), [
    ("postgresql://h/db", "psycopg", "segdsl[postgres]"),
    ("mysql://h/db", "pymysql", "segdsl[mysql]"),
    ("snowflake://u@acct/db", "sqlalchemy", "segdsl[sqlalchemy]"),
])
def test_missing_driver_names_the_extra(monkeypatch: pytest.MonkeyPatch, target: str, module: str,
                                        extra: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import now raises ImportError
    with pytest.raises(SegdslError) as caught:
        open_database(target)
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.code == "SEG302"
    assert extra in (diagnostic.hint or "")
    assert "\n" not in diagnostic.message


def test_missing_pyspark_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(SegdslError) as caught:
        open_database(None, "spark")
    assert "segdsl[spark]" in (caught.value.diagnostics[0].hint or "")


def test_master_needs_spark() -> None:
    with pytest.raises(ValueError, match="--master"):
        open_database("x.duckdb", master="local[2]")


# ---- the file adapters -------------------------------------------------------------------------


def _file_target(kind: str, tmp_path: Path) -> str:
    if kind == "duckdb":
        import duckdb

        path = tmp_path / "t.duckdb"
        duckdb.connect(str(path)).close()
        return str(path)
    import sqlite3

    path = tmp_path / "t.db"
    sqlite3.connect(path).close()
    return f"sqlite:///{path}"


@pytest.mark.parametrize("kind", ["duckdb", "sqlite"])
def test_file_adapter_interface(kind: str, tmp_path: Path) -> None:
    with open_database(_file_target(kind, tmp_path)) as db:
        assert db.dialect == kind
        db.execute("CREATE TABLE t (x INTEGER)")
        db.execute("INSERT INTO t VALUES (1), (2)")
        assert db.query("SELECT SUM(x) FROM t") == [(3,)]
        assert db.table_exists(("t",)) and not db.table_exists(("nope",))
        with pytest.raises(SegdslError), db.transaction():
            db.execute("INSERT INTO t VALUES (10)")
            db.execute("SELECT * FROM no_such_table")
        assert db.query("SELECT SUM(x) FROM t") == [(3,)]  # rolled back
        with db.transaction():
            db.execute("INSERT INTO t VALUES (4)")
        assert db.query("SELECT SUM(x) FROM t") == [(7,)]
        with pytest.raises(SegdslError) as caught:
            db.query("SELECT nope FROM t")
        assert caught.value.diagnostics[0].code == "SEG302"
        assert "\n" not in caught.value.diagnostics[0].message


@pytest.mark.parametrize("target", ["missing.duckdb", "sqlite:///missing.db"])
def test_missing_file_is_one_line_error(target: str, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SegdslError) as caught:
        open_database(target)
    assert "does not exist" in caught.value.diagnostics[0].message
    assert not (tmp_path / "missing.duckdb").exists() and not (tmp_path / "missing.db").exists()


def test_not_a_database_file(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_text("hello, not a database " * 100)
    for target in (str(path), f"sqlite:///{path}"):
        with pytest.raises(SegdslError):
            open_database(target)


# ---- servers ----------------------------------------------------------------------------------


def test_postgres_adapter() -> None:
    url = postgres_url("segdsl_runner_test")
    with open_database(url) as db:
        assert db.dialect == "postgres"
        db.execute("DROP TABLE IF EXISTS runner_t")
        db.execute("CREATE TABLE runner_t (x INTEGER, s TEXT)")
        db.execute("INSERT INTO runner_t VALUES (1, '50%_off'), (2, 'plain')")
        # a % in the SQL is not a placeholder
        assert db.query("SELECT x FROM runner_t WHERE s LIKE '50!%%' ESCAPE '!'") == [(1,)]
        assert db.table_exists(("runner_t",)) and db.table_exists(("public", "runner_t"))
        assert not db.table_exists(("runner_nope",))
        with pytest.raises(SegdslError), db.transaction():
            db.execute("DROP TABLE runner_t")
            db.execute("SELECT * FROM no_such_table")
        assert db.query("SELECT COUNT(*) FROM runner_t") == [(2,)]
        db.execute("DROP TABLE runner_t")


def test_mysql_adapter() -> None:
    url = mysql_url("segdsl_runner_test")
    with open_database(url) as db:
        assert db.dialect == "mysql"
        db.execute("DROP TABLE IF EXISTS runner_t")
        db.execute("CREATE TABLE runner_t (x INTEGER, s VARCHAR(20))")
        db.execute("INSERT INTO runner_t VALUES (1, '50%_off'), (2, 'plain')")
        assert db.query("SELECT x FROM runner_t WHERE s LIKE '50!%%' ESCAPE '!'") == [(1,)]
        assert db.table_exists(("runner_t",)) and db.table_exists(("segdsl_runner_test", "runner_t"))
        assert not db.table_exists(("runner_nope",))
        with pytest.raises(SegdslError) as caught:
            db.query("SELECT * FROM no_such_table")
        assert "doesn't exist" in caught.value.diagnostics[0].message
        db.execute("DROP TABLE runner_t")


# ---- SQLAlchemy ------------------------------------------------------------------------------


def test_sqlalchemy_adapter_on_sqlite(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    import sqlite3

    path = tmp_path / "sa.db"
    sqlite3.connect(path).close()
    with open_database(f"sqlite+pysqlite:///{path}") as db:
        assert (db.adapter, db.dialect, db.swap) == ("sqlalchemy", "sqlite", "transaction")
        db.execute("CREATE TABLE t (x INTEGER, s TEXT)")
        db.execute("INSERT INTO t VALUES (1, 'a:b %s'), (2, 'c')")
        assert db.query("SELECT x FROM t WHERE s = 'a:b %s'") == [(1,)]
        with pytest.raises(SegdslError), db.transaction():
            db.execute("INSERT INTO t VALUES (3, 'd')")
            db.execute("SELECT * FROM no_such_table")
        assert db.query("SELECT COUNT(*) FROM t") == [(2,)]
        assert db.table_exists(("t",)) and not db.table_exists(("u",))
    with open_database(f"sqlite+pysqlite:///{path}") as db:  # committed for real
        assert db.query("SELECT COUNT(*) FROM t") == [(2,)]


def test_sqlalchemy_adapter_on_mariadb_keeps_percent_signs() -> None:
    pytest.importorskip("sqlalchemy")
    url = mysql_url("segdsl_runner_test").replace("mysql://", "mysql+pymysql://", 1)
    with open_database(url) as db:
        assert (db.adapter, db.dialect, db.swap) == ("sqlalchemy", "mysql", "rename")
        db.execute("DROP TABLE IF EXISTS sa_t")
        db.execute("CREATE TABLE sa_t (s VARCHAR(20))")
        db.execute("INSERT INTO sa_t VALUES ('50%_off'), ('%s'), ('x')")
        assert db.query("SELECT COUNT(*) FROM sa_t WHERE s LIKE '%!%%' ESCAPE '!'") == [(2,)]
        db.execute("DROP TABLE sa_t")


def test_sqlalchemy_without_driver_is_one_line_error() -> None:
    pytest.importorskip("sqlalchemy")
    with pytest.raises(SegdslError) as caught:
        open_database("snowflake://me@account/db")
    message = caught.value.diagnostics[0].message
    assert "snowflake" in message and "\n" not in message


# ---- Spark -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def parquet_dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The test dataset as parquet files (written by DuckDB) and a schema that names them."""
    from segdsl.schema import load_schema
    from tests.engines.duckdb_engine import DuckDBEngine

    folder = tmp_path_factory.mktemp("parquet")
    schema = load_schema(EXAMPLES / "schema.yml")
    engine = DuckDBEngine()
    engine.load(schema, CUSTOMERS, RELATIONS)
    for table in ("customers", "orders", "events"):
        target = exp.Literal.string(str(folder / f"{table}.parquet")).sql("duckdb")
        engine.execute(f'COPY "{table}" TO {target} (FORMAT PARQUET)')
    engine.close()
    text = (EXAMPLES / "schema.yml").read_text(encoding="utf-8")
    for table in ("customers", "orders", "events"):
        text = text.replace(f"table: {table}\n", f"table: {folder / table}.parquet\n")
    (folder / "schema.yml").write_text(text, encoding="utf-8")
    parquet_schema = load_schema(folder / "schema.yml")
    assert parquet_schema.table.endswith("customers.parquet")
    return folder, parquet_schema


def _duckdb_members(sql: str) -> set[int]:
    import duckdb

    con = duckdb.connect()
    try:
        return {int(row[0]) for row in con.execute(sql).fetchall()}
    finally:
        con.close()


def test_spark_runs_segments_from_parquet(parquet_dataset: tuple[Path, Any]) -> None:
    """Example segments on local Spark, read from parquet paths in the schema, give the
    hand-checked members (and the same as DuckDB on the same files). One of each kind: the
    membership test below runs all of them in one query."""
    from tests.test_execution import EXAMPLE_MEMBERS

    session = spark_session()
    folder, schema = parquet_dataset
    program = example_program(schema)
    with open_database(None, "spark", spark_session=session) as db:
        assert db.dialect == "spark"
        assert db.tables(schema) == {str(folder / f"{t}.parquet"): f"segdsl_{t}"
                                     for t in ("customers", "events", "orders")}
        for name in ("uk_frequent", "high_value", "foodie_travellers", "dormant", "vip_keep_warm"):
            segment = program.segments[name]
            members = {int(row[0]) for row in db.query(runner_sql(db, segment, schema, AS_OF))}
            assert members == EXAMPLE_MEMBERS[name], name
            assert members == _duckdb_members(segment_sql(segment, schema, "duckdb", AS_OF)), name


def test_spark_materialize_swaps_in_steps(parquet_dataset: tuple[Path, Any], tmp_path: Path) -> None:
    from tests.test_execution import EXAMPLE_MEMBERS

    session = spark_session()
    _, schema = parquet_dataset
    program = example_program(schema)
    segments = [program.segments[n] for n in sorted(program.segments)]
    database = f"segdsl_mat_{uuid.uuid4().hex[:8]}"
    location = exp.Literal.string(str(tmp_path / "warehouse")).sql("spark")
    with open_database(None, "spark", spark_session=session) as db:
        db.execute(f"CREATE DATABASE {database} LOCATION {location}")
        try:
            table = f"{database}.members"
            first = materialize(db, segments[:2], schema, table, AS_OF)
            assert first.rows == len(CUSTOMERS)
            result = materialize(db, segments, schema, table, AS_OF)
            assert result.rows == len(CUSTOMERS)
            for name in (s.name for s in segments):
                rows = db.query(f"SELECT customer_id FROM {table} WHERE `{name}`")
                assert {int(r[0]) for r in rows} == EXAMPLE_MEMBERS[name], name

            # a failure between the two renames puts the old table back
            original = db.execute

            def failing(sql: str) -> None:
                if "RENAME TO" in sql and "__segdsl_new" in sql.split("RENAME TO")[0]:
                    raise database_error("injected failure")
                original(sql)

            db.execute = failing  # type: ignore[method-assign]
            with pytest.raises(SegdslError):
                materialize(db, segments[:1], schema, table, AS_OF)
            db.execute = original  # type: ignore[method-assign]
            columns = [r[0] for r in db.query(f"SHOW COLUMNS IN {table}")]
            assert len(columns) == 1 + len(segments)
            assert not db.table_exists((database, "members__segdsl_new"))
            assert not db.table_exists((database, "members__segdsl_old"))
        finally:
            db.execute(f"DROP DATABASE {database} CASCADE")


def test_spark_cli_materialize_in_process(parquet_dataset: tuple[Path, Any], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """``segdsl materialize --engine spark`` reuses the process's Spark session."""
    from segdsl.cli import main

    session = spark_session()
    folder, _ = parquet_dataset
    database = f"segdsl_cli_{uuid.uuid4().hex[:8]}"
    location = exp.Literal.string(str(tmp_path / "warehouse")).sql("spark")
    session.sql(f"CREATE DATABASE {database} LOCATION {location}")
    try:
        with pytest.raises(SystemExit) as exit_code:
            main(["materialize", str(EXAMPLES / "segments" / "geographic.seg"), "--engine", "spark",
                  "--schema", str(folder / "schema.yml"), "--table", f"{database}.geo",
                  "--as-of", AS_OF.isoformat()])
        captured = capsys.readouterr()
        assert exit_code.value.code == 0, captured.err
        assert f"{database}.geo: {len(CUSTOMERS)} customers × 3 segments on spark" in captured.out
        rows = session.sql(f"SELECT customer_id FROM {database}.geo WHERE uk_ireland").collect()
        assert {int(r[0]) for r in rows} == {1, 2, 6}
    finally:
        session.sql(f"DROP DATABASE {database} CASCADE")


def test_spark_missing_parquet_is_one_line_error(tmp_path: Path) -> None:
    session = spark_session()
    from segdsl.schema import load_schema

    schema = load_schema(EXAMPLES / "schema.yml")
    schema = node.replace(schema, table=str(tmp_path / "nope.parquet"))
    with open_database(None, "spark", spark_session=session) as db, pytest.raises(SegdslError) as caught:
        db.tables(schema)
    message = caught.value.diagnostics[0].message
    assert "nope.parquet" in message and "\n" not in message


def test_ddl_table_ref_quotes_every_part() -> None:
    assert ddl.render(ddl.table_ref(("a b", 'c"d')), "postgres") == '"a b"."c""d"'


def test_spark_ddl_runs(tmp_path: Path) -> None:
    """``compile --as table|membership --dialect spark`` executed on Spark, twice (replacing)."""
    from tests.engines.spark_engine import SparkEngine
    from tests.test_execution import EXAMPLE_MEMBERS

    spark_session()
    engine = SparkEngine()
    program = example_program()
    engine.load(program.schema, CUSTOMERS, RELATIONS)
    spark = engine._spark
    database = f"segdsl_ddl_{uuid.uuid4().hex[:8]}"
    location = exp.Literal.string(str(tmp_path / "warehouse")).sql("spark")
    spark.sql(f"CREATE DATABASE {database} LOCATION {location}")
    try:
        some = [program.segments[n] for n in ("high_value", "uk_frequent", "wellness_enthusiasts")]
        everything = [program.segments[n] for n in sorted(program.segments)]
        for _ in range(2):
            for block in [*ddl.blocks(some, program.schema, "spark", "table", database, AS_OF),
                          *ddl.blocks(everything, program.schema, "spark", "membership",
                                      f"{database}.members", AS_OF)]:
                for statement in block.statements:
                    spark.sql(statement).collect()
        for segment in some:
            rows = spark.sql(f"SELECT customer_id FROM {database}.{segment.name}").collect()
            assert {int(r[0]) for r in rows} == EXAMPLE_MEMBERS[segment.name]
        for name in program.segments:
            rows = spark.sql(f"SELECT customer_id FROM {database}.members WHERE `{name}`").collect()
            assert {int(r[0]) for r in rows} == EXAMPLE_MEMBERS[name], name
    finally:
        spark.sql(f"DROP DATABASE {database} CASCADE")
        engine.close()


def test_spark_cli_run_and_sizes_in_process(parquet_dataset: tuple[Path, Any], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """``segdsl run`` and ``segdsl sizes`` with ``--engine spark``: the hand-checked members, and
    every example counted in one query (sizes' snapshot goes to the state folder)."""
    import json

    from segdsl.cli import main
    from tests.test_execution import EXAMPLE_MEMBERS

    spark_session()
    folder, _ = parquet_dataset
    monkeypatch.setenv("SEGDSL_STATE_DIR", str(tmp_path / "state"))
    common = ["--engine", "spark", "--master", "local[1]", "--schema", str(folder / "schema.yml"),
              "--as-of", AS_OF.isoformat()]

    def cli(*args: str) -> str:
        with pytest.raises(SystemExit) as exit_code:
            main([*args, *common])
        captured = capsys.readouterr()
        assert exit_code.value.code == 0, captured.err
        return captured.out

    out = cli("run", str(EXAMPLES / "segments"), "--segment", "uk_frequent", "--format", "json")
    expected = sorted(EXAMPLE_MEMBERS["uk_frequent"])
    assert json.loads(out) == {"segment": "uk_frequent", "members": len(expected), "total": len(CUSTOMERS),
                               "as_of": AS_OF.isoformat(), "sample": expected[:10]}
    out = cli("run", str(EXAMPLES / "segments"), "--segment", "high_value", "--format", "csv")
    assert out == "customer_id\n" + "".join(f"{k}\n" for k in sorted(EXAMPLE_MEMBERS["high_value"]))
    data = json.loads(cli("sizes", str(EXAMPLES / "segments"), "--format", "json"))
    assert {s["segment"]: s["members"] for s in data["segments"]} == \
        {name: len(members) for name, members in EXAMPLE_MEMBERS.items()}
    assert data["total"] == len(CUSTOMERS)
    assert Path(data["snapshot"]).parent == tmp_path / "state" / "sizes"


def test_spark_started_by_the_cli_leaves_nothing_behind(parquet_dataset: tuple[Path, Any],
                                                        tmp_path: Path) -> None:
    """A fresh Spark session (a new process) keeps its metastore, derby.log and warehouse in a
    temporary folder it removes, and prints no WARN lines."""
    import subprocess

    from tests.test_execution import EXAMPLE_MEMBERS

    spark_session()  # skips (or fails under CI) when Spark cannot run here
    folder, _ = parquet_dataset
    work = tmp_path / "work"
    work.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "segdsl", "run", str(EXAMPLES / "segments"), "--segment", "dormant",
         "--engine", "spark", "--master", "local[1]", "--schema", str(folder / "schema.yml"),
         "--as-of", AS_OF.isoformat(), "--format", "csv"],
        cwd=work, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TMPDIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout == "customer_id\n" + "".join(f"{k}\n" for k in sorted(EXAMPLE_MEMBERS["dormant"]))
    assert result.stderr == ""
    assert list(work.iterdir()) == []
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("segdsl-spark-")]
