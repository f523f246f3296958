"""Deployable DDL (``segdsl compile --all --as view|table|membership``).

* Golden files per dialect and kind (tests/golden/ddl/), byte for byte; regenerate with
  ``SEGDSL_UPDATE_GOLDEN=1 pytest tests/test_ddl.py`` and review the diff.
* Every golden parses with sqlglot for its dialect.
* The DDL is executed for real — DuckDB, SQLite, PostgreSQL, MariaDB, ClickHouse, DataFusion (servers
  skip when unavailable, fail under CI=true) — twice (replacing works), and every view, table
  and membership column holds exactly the hand-checked members of its segment.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlglot

from segdsl import ddl, dialects
from segdsl.project import build_program, read_sources
from segdsl.schema import load_schema
from tests.conftest import EXAMPLES, ROOT
from tests.dataset import AS_OF, CUSTOMERS, RELATIONS
from tests.test_execution import EXAMPLE_MEMBERS

GOLDEN = Path(__file__).parent / "golden" / "ddl"
UPDATE = os.environ.get("SEGDSL_UPDATE_GOLDEN") == "1"
GOLDEN_FILES = ["geographic.seg", "value.seg"]  # attributes, aggregates, top/bottom N%


def _program(files: list[str] | None = None, dialect: str | None = None) -> Any:
    schema = load_schema(EXAMPLES / "schema.yml")
    paths = [str(EXAMPLES / "segments" / f) for f in files] if files else [str(EXAMPLES / "segments")]
    sources, problems = read_sources(paths)
    assert not problems
    program = build_program(sources, schema, dialects.DIALECTS[dialect] if dialect else None)
    assert program.ok, program.errors
    return program


def segdsl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "segdsl", *args], cwd=ROOT, capture_output=True,
                          text=True, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}, timeout=120)


# ---- goldens ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ddl.KINDS)
@pytest.mark.parametrize("dialect", list(dialects.DIALECTS))
def test_golden_ddl(dialect: str, kind: ddl.Kind) -> None:
    program = _program(GOLDEN_FILES, dialect)
    segments = list(program.segments.values())
    assert not program.dialect_diagnostics([s.name for s in segments])
    actual = ddl.script(segments, program.schema, dialect, kind, None, AS_OF)
    path = GOLDEN / f"{dialect}.{kind}.sql"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden {path}; run with SEGDSL_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")


def _statements(text: str, dialect: str) -> list[str]:
    body = "\n".join(line for line in text.splitlines() if line.strip() != "GO")
    return [s.sql(dialect=dialects.DIALECTS[dialect].sqlglot, comments=False)
            for s in sqlglot.parse(body, read=dialects.DIALECTS[dialect].sqlglot) if s is not None]


@pytest.mark.parametrize("dialect", list(dialects.DIALECTS))
def test_goldens_parse_for_their_dialect(dialect: str) -> None:
    for kind in ddl.KINDS:
        text = (GOLDEN / f"{dialect}.{kind}.sql").read_text(encoding="utf-8")
        statements = _statements(text, dialect)
        creates = [s for s in statements if s.upper().startswith(("CREATE", "SELECT", "WITH"))]
        assert len(creates) == (1 if kind == "membership" else 6), (dialect, kind)


def test_dialect_specific_forms() -> None:
    program = _program(["geographic.seg"])
    segments = list(program.segments.values())

    def text(dialect: str, kind: ddl.Kind, name: str | None = None) -> str:
        return ddl.script(segments, program.schema, dialect, kind, name, AS_OF)

    assert 'CREATE OR REPLACE VIEW "uk_ireland" AS' in text("postgres", "view")
    assert 'DROP TABLE IF EXISTS "uk_ireland";\nCREATE TABLE "uk_ireland" AS' in text("postgres", "table")
    assert 'CREATE OR REPLACE TABLE "uk_ireland" AS' in text("duckdb", "table")
    assert 'DROP VIEW IF EXISTS "uk_ireland";\nCREATE VIEW "uk_ireland" AS' in text("sqlite", "view")
    assert "CREATE OR ALTER VIEW [uk_ireland] AS" in text("tsql", "view")
    assert text("tsql", "view").count("\nGO\n") == 3
    assert "INTO [segment_membership]" in text("tsql", "membership")
    assert "AS BIT) AS [uk_ireland]" in text("tsql", "membership")
    assert 'CREATE OR REPLACE TABLE "uk_ireland"\nENGINE=MergeTree\nORDER BY tuple() AS' in \
        text("clickhouse", "table")
    assert "CREATE TABLE `uk_ireland`\nUSING PARQUET AS" in text("spark", "table")
    assert "CREATE OR REPLACE TABLE `uk_ireland` AS" in text("databricks", "table")
    # Snowflake folds unquoted names to upper case: quoted names are written that way too
    assert 'CREATE OR REPLACE VIEW "MART"."UK_IRELAND"' in text("snowflake", "view", "mart")
    assert 'CREATE OR REPLACE VIEW "DB"."MART"."UK_IRELAND"' in text("snowflake", "view", "db.mart")
    assert 'CREATE OR REPLACE TABLE "mart"."members" AS' in text("duckdb", "membership", "mart.members")


def test_names_are_quoted_never_pasted() -> None:
    program = _program(["geographic.seg"])
    segments = list(program.segments.values())
    evil = 'x"; DROP TABLE customers; --'
    text = ddl.script(segments, program.schema, "postgres", "membership", evil, AS_OF)
    assert 'CREATE TABLE "x""; DROP TABLE customers; --" AS' in text
    assert len(_statements(text, "postgres")) == 2


def test_comments_stay_on_their_line() -> None:
    """A line break in the schema's key, a description or a segment name (\\r ends a comment on
    PostgreSQL; U+2028 is a line break to some tools) never ends a ``--`` comment."""
    from segdsl import api, node

    schema = load_schema(EXAMPLES / "schema.yml")
    schema = node.replace(schema, key="customer_id\nDROP TABLE evil_key; --")
    text = ("segment `x\rDROP TABLE evil_name; --`\n"
            "  description \"d\u2028DROP TABLE evil_description; --\"\n  where age > 1\n")
    segments = list(api.parse_segments(text, schema).segments.values())
    for kind in ("membership", "view"):
        script = ddl.script(segments, schema, "postgres", kind, None if kind == "view" else "m", AS_OF)
        comments = [line for line in script.split("\n") if line.startswith("-- ")]
        assert any("x DROP TABLE evil_name; --" in line for line in comments), comments
        for statement in sqlglot.parse(script, read="postgres"):
            assert statement is not None
            assert isinstance(statement, (sqlglot.exp.Create, sqlglot.exp.Drop)), statement.sql()
            tables = {t.name for t in statement.find_all(sqlglot.exp.Table)}
            assert not tables & {"evil_key", "evil_name", "evil_description"}, statement.sql()


def test_bad_names() -> None:
    for name, kind in [("a..b", "view"), ("a.b.c", "view"), ("a.b.c.d", "membership"), ("", "table")]:
        with pytest.raises(ValueError):
            ddl.object_parts(kind, "s", name)  # type: ignore[arg-type]
    program = _program(["geographic.seg"])
    with pytest.raises(ValueError, match="T-SQL"):
        ddl.script(list(program.segments.values()), program.schema, "tsql", "view", "db.mart")


# ---- the command line ---------------------------------------------------------------------------


def test_cli_matches_golden_and_is_deterministic() -> None:
    args = ["compile", "examples/segments/value.seg", "examples/segments/geographic.seg", "--all",
            "--as", "membership", "--dialect", "postgres", "--as-of", AS_OF.isoformat()]
    first, second = segdsl(*args), segdsl(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout == (GOLDEN / "postgres.membership.sql").read_text(encoding="utf-8")
    # the order of the paths does not matter: objects are sorted by segment name
    swapped = segdsl("compile", "examples/segments/geographic.seg", "examples/segments/value.seg",
                     "--all", "--as", "membership", "--dialect", "postgres", "--as-of", AS_OF.isoformat())
    assert swapped.stdout == first.stdout


def test_cli_views_in_a_schema() -> None:
    result = segdsl("compile", "examples/segments", "--all", "--as", "view", "--name", "marketing",
                    "--dialect", "bigquery")
    assert result.returncode == 0, result.stderr
    names = re.findall(r"CREATE OR REPLACE VIEW `marketing`\.`(\w+)` AS", result.stdout)
    assert names == sorted(EXAMPLE_MEMBERS)
    assert result.stdout.startswith(f"-- segdsl: {len(EXAMPLE_MEMBERS)} segments as views for bigquery, "
                                    "relative to the warehouse's current date\n")


def test_cli_one_segment_as_table() -> None:
    result = segdsl("compile", "examples/segments", "--segment", "uk_ireland", "--as", "table",
                    "--dialect", "duckdb")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("CREATE OR REPLACE TABLE") == 1
    assert 'CREATE OR REPLACE TABLE "uk_ireland" AS' in result.stdout


def test_cli_refuses_what_the_dialect_cannot_express() -> None:
    result = segdsl("compile", "examples/segments", "--all", "--as", "view", "--dialect", "tsql")
    assert result.returncode == 1
    assert "SEG140" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(("args", "words"), [
    (["examples/segments", "--all"], "--as"),
    (["examples/segments", "--segment", "uk_ireland", "--name", "x"], "--name only applies"),
    (["-e", "age > 3", "--schema", "examples/schema.yml", "--as", "view"], "no name"),
    (["examples/segments", "--all", "--segment", "uk_ireland", "--as", "view"], "not both"),
    (["examples/segments", "--all", "--as", "view", "--name", "a..b"], "--name"),
    (["examples/segments", "--all", "--as", "view", "--name", "a.b.c"], "too many parts"),
    (["examples/segments", "--all", "--as", "index"], "'index' is not one of"),
    (["examples/segments", "--as", "view"], "--all"),
])
def test_cli_usage_errors(args: list[str], words: str) -> None:
    result = segdsl("compile", *args)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_tsql_views_cannot_name_a_database() -> None:
    result = segdsl("compile", "examples/segments/geographic.seg", "--all", "--as", "view",
                    "--dialect", "tsql", "--name", "db.mart")
    assert result.returncode == 1
    assert result.stderr.startswith("error: T-SQL creates views in the current database only")


# ---- executed for real ----------------------------------------------------------------------------


def _engine(name: str) -> Any:
    """A fresh engine of our own (own database on servers), or skip (fail under CI)."""
    from tests.engines import available_engines
    from tests.test_runners import unavailable

    if name == "postgres":
        from tests.engines.postgres_engine import PostgresEngine
        from tests.test_runners import postgres_url

        return PostgresEngine(postgres_url("segdsl_ddl_test"))
    if name == "mariadb":
        from tests.engines._base import setting
        from tests.engines.mariadb_engine import MariaDBEngine
        from tests.test_runners import mysql_url

        mysql_url("segdsl_ddl_test")  # skips or fails when there is no server
        return MariaDBEngine(setting("SEGDSL_MYSQL_HOST") or "127.0.0.1",
                             int(setting("SEGDSL_MYSQL_PORT", "3306") or 3306),
                             setting("SEGDSL_MYSQL_USER", "root") or "root",
                             setting("SEGDSL_MYSQL_PASSWORD", "") or "", "segdsl_ddl_test")
    factory = available_engines()[name]
    if isinstance(factory, str):
        unavailable(name, factory)
    return factory()  # type: ignore[operator]


@pytest.fixture(scope="module",
                params=["duckdb", "sqlite", "postgres", "mariadb", "clickhouse", "datafusion"])
def loaded(request: pytest.FixtureRequest) -> Iterator[tuple[Any, Any]]:
    engine = _engine(request.param)
    program = _program(None, engine.dialect)
    engine.load(program.schema, CUSTOMERS, RELATIONS)
    yield engine, program
    engine.close()


def _run_ddl(engine: Any, program: Any, kind: ddl.Kind, name: str | None = None) -> list[str]:
    dialect = engine.dialect
    names = sorted(n for n in program.segments if not program.dialect_diagnostics([n]))
    segments = [program.segments[n] for n in names]
    for _ in range(2):  # a second run replaces what the first created
        for block in ddl.blocks(segments, program.schema, dialect, kind, name, AS_OF):
            for statement in block.statements:
                _execute(engine, statement)
    return names


def _execute(engine: Any, sql: str) -> None:
    if hasattr(engine, "execute"):
        engine.execute(sql)
    else:  # DataFusion's harness engine only reads
        engine._ctx.sql(sql).collect()


def _quote(engine: Any, name: str) -> str:
    return engine.quote(name) if hasattr(engine, "quote") else f'"{name}"'


def test_views_and_tables_run(loaded: tuple[Any, Any]) -> None:
    engine, program = loaded
    for kind in ("view", "table"):
        names = _run_ddl(engine, program, kind)  # type: ignore[arg-type]
        assert len(names) >= 21
        for name in names:
            members = engine.members(f"SELECT {_quote(engine, 'customer_id')} FROM {_quote(engine, name)}")
            assert members == EXAMPLE_MEMBERS[name], (kind, name)
        drop = "VIEW" if kind == "view" else "TABLE"
        for name in names:
            _execute(engine, f"DROP {drop} {_quote(engine, name)}")


def test_membership_table_runs(loaded: tuple[Any, Any]) -> None:
    engine, program = loaded
    names = _run_ddl(engine, program, "membership", "members")
    table, key = _quote(engine, "members"), _quote(engine, "customer_id")
    assert engine.members(f"SELECT {key} FROM {table}") == {c["customer_id"] for c in CUSTOMERS}
    for name in names:
        members = engine.members(f"SELECT {key} FROM {table} WHERE {_quote(engine, name)}")
        assert members == EXAMPLE_MEMBERS[name], name
    _execute(engine, f"DROP TABLE {table}")
