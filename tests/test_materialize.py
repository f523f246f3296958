"""``segdsl materialize``: the membership table is built and swapped in atomically.

On every database: the right members per column; replacing works (new columns, new rows);
and a failure injected half-way — after the new table is built and the old one dropped
inside the transaction, or a segment whose SQL fails at run time — leaves the old table
with its old rows, no half-built table behind, and exit status 1 with a one-line error.
PostgreSQL and MariaDB tests skip when no server is available, and fail under CI=true.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from segdsl.diagnostics import SegdslError
from segdsl.project import build_program, read_sources
from segdsl.runner import database_error
from segdsl.runners import Database, open_database
from segdsl.runners.materialize import materialize
from segdsl.schema import load_schema
from tests.conftest import EXAMPLES, ROOT
from tests.test_execution import EXAMPLE_MEMBERS
from tests.test_runners import mysql_url, postgres_url

SCHEMA = """\
entity: customer
table: shop_customers
key: customer_id
fields:
  age: int
  region: string
  signup_date: date
relations:
  orders:
    table: shop_orders
    key: customer_id
    time: created_at
    fields:
      amount: decimal
      created_at: timestamp
"""

SEGMENTS = """\
segment adults
  where age >= 18
segment uk
  where region = 'UK'
segment big_spenders
  where sum(orders.amount) > 100
segment percent_sign
  where region starts with '50%'
"""

# age, region, signup date; orders: amount, timestamp
CUSTOMERS = [(1, 30, "'UK'", "'2024-01-01'"), (2, 15, "'UK'", "NULL"), (3, 40, "'FR'", "'2023-05-05'"),
             (4, "NULL", "NULL", "NULL"), (5, 22, "'50%_off'", "NULL")]
ORDERS = [(1, "60.00", "'2026-01-01 10:00:00'"), (1, "50.00", "'2026-02-01 10:00:00'"),
          (3, "20.00", "'2026-03-01 00:00:00'")]
EXPECTED = {  # customer → (adults, big_spenders, percent_sign, uk): columns sorted by name
    1: (True, True, False, True), 2: (False, False, False, True), 3: (True, False, False, False),
    4: (False, False, False, False), 5: (True, False, True, False),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "schema.yml").write_text(SCHEMA, encoding="utf-8")
    (tmp_path / "shop.seg").write_text(SEGMENTS, encoding="utf-8")
    return tmp_path


def program_for(project: Path, schema_text: str | None = None) -> Any:
    if schema_text is not None:
        (project / "other.yml").write_text(schema_text, encoding="utf-8")
    schema = load_schema(project / ("other.yml" if schema_text is not None else "schema.yml"))
    sources, problems = read_sources([str(project / "shop.seg")])
    assert not problems
    program = build_program(sources, schema)
    assert program.ok, program.errors
    return program


# ---- one fixture per database: (target URL or path, cleanup) -------------------------------


def _load(db: Database, customers: list[tuple[Any, ...]] = CUSTOMERS) -> None:
    timestamp = "DATETIME" if db.dialect == "mysql" else "TIMESTAMP"
    for table in ("members", "members__segdsl_new", "members__segdsl_old", "shop_customers",
                  "shop_orders"):
        db.execute(f"DROP TABLE IF EXISTS {table}")
    db.execute("CREATE TABLE shop_customers (customer_id BIGINT, age INTEGER, region VARCHAR(20), "
               "signup_date DATE)")
    db.execute(f"CREATE TABLE shop_orders (customer_id BIGINT, amount DECIMAL(10,2), "
               f"created_at {timestamp})")
    db.execute("INSERT INTO shop_customers VALUES "
               + ", ".join(f"({a}, {b}, {c}, {d})" for a, b, c, d in customers))
    db.execute("INSERT INTO shop_orders VALUES " + ", ".join(f"({a}, {b}, {c})" for a, b, c in ORDERS))


TARGETS: dict[str, Callable[[Path], str]] = {
    "duckdb": lambda tmp: str(tmp / "shop.duckdb"),
    "sqlite": lambda tmp: f"sqlite:///{tmp / 'shop.db'}",
    "postgres": lambda tmp: postgres_url("segdsl_materialize_test"),
    "mysql": lambda tmp: mysql_url("segdsl_materialize_test"),
}


@pytest.fixture(params=list(TARGETS))
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    url = TARGETS[request.param](tmp_path)
    if request.param == "duckdb":
        import duckdb

        duckdb.connect(url).close()
    elif request.param == "sqlite":
        sqlite3.connect(tmp_path / "shop.db").close()
    with open_database(url) as db:
        _load(db)
    yield url
    with open_database(url) as db:
        for table in ("members", "members__segdsl_new", "members__segdsl_old", "shop_customers",
                      "shop_orders"):
            db.execute(f"DROP TABLE IF EXISTS {table}")


def read_members(url: str, table: str = "members") -> dict[int, tuple[bool, ...]]:
    with open_database(url) as db:
        rows = db.query(f"SELECT * FROM {table} ORDER BY customer_id")
    return {int(row[0]): tuple(bool(v) for v in row[1:]) for row in rows}


def table_exists(url: str, name: str) -> bool:
    with open_database(url) as db:
        return db.table_exists((name,))


# ---- the tests --------------------------------------------------------------------------------


def test_materialize_then_replace(target: str, project: Path) -> None:
    program = program_for(project)
    segments = [program.segments[n] for n in sorted(program.segments)]
    with open_database(target) as db:
        first = materialize(db, segments[:2], program.schema, "members")
    assert first.rows == 5 and first.segments == ("adults", "big_spenders")
    assert read_members(target) == {k: v[:2] for k, v in EXPECTED.items()}

    with open_database(target) as db:  # more segments and another customer: replaced
        db.execute("INSERT INTO shop_customers VALUES (6, 70, 'UK', NULL)")
        result = materialize(db, segments, program.schema, "members")
    assert result.rows == 6
    assert read_members(target) == {**EXPECTED, 6: (True, False, False, True)}
    assert not table_exists(target, "members__segdsl_new")
    assert not table_exists(target, "members__segdsl_old")


def _inject_failure(db: Database, when: Callable[[str], bool]) -> list[str]:
    """Make ``db.execute`` fail on the first statement ``when`` accepts; returns what ran."""
    original = db.execute
    ran: list[str] = []

    def execute(sql: str) -> None:
        if when(sql):
            raise database_error("injected failure")
        ran.append(sql)
        original(sql)

    db.execute = execute  # type: ignore[method-assign]
    return ran


def _is_swap_step(sql: str) -> bool:
    """The step that puts the new table in place (a rename), after the new one is built."""
    return sql.startswith(("ALTER TABLE", "RENAME TABLE"))


def test_failure_half_way_keeps_the_old_table(target: str, project: Path) -> None:
    program = program_for(project)
    segments = [program.segments[n] for n in sorted(program.segments)]
    with open_database(target) as db:
        materialize(db, segments[:2], program.schema, "members")
    before = read_members(target)

    with open_database(target) as db:
        db.execute("INSERT INTO shop_customers VALUES (6, 70, 'UK', NULL)")
        ran = _inject_failure(db, _is_swap_step)
        with pytest.raises(SegdslError, match="injected failure"):
            materialize(db, segments, program.schema, "members")
    # the new table was built (and, inside the transaction, the old one dropped) before the failure
    assert any("members__segdsl_new" in sql and sql.startswith("CREATE TABLE") for sql in ran)
    if "mysql" not in target:
        assert any(sql.startswith("DROP TABLE") and '"members"' in sql for sql in ran), ran
    assert read_members(target) == before  # old columns, old rows (no customer 6)
    assert not table_exists(target, "members__segdsl_new")


def test_same_segments_replace_the_rows_and_keep_dependent_views(target: str, project: Path) -> None:
    """Refreshing a table a view reads: with the same segments its rows are replaced in place,
    so the view (bound to the table itself on PostgreSQL) keeps working and sees the new rows.
    When the segments change, PostgreSQL cannot drop the table: a one-line error names the
    view and the old table stays; the other databases bind views by name and just go on."""
    program = program_for(project)
    segments = [program.segments[n] for n in sorted(program.segments)]
    with open_database(target) as db:
        db.execute("DROP VIEW IF EXISTS uk_members")
        materialize(db, segments, program.schema, "members")
        db.execute("CREATE VIEW uk_members AS SELECT customer_id FROM members WHERE uk")
    try:
        with open_database(target) as db:
            db.execute("INSERT INTO shop_customers VALUES (6, 70, 'UK', NULL)")
            ran = _inject_failure(db, lambda sql: False)
            result = materialize(db, segments, program.schema, "members")
        assert result.rows == 6
        if _dialect(target) != "mysql":  # MySQL swaps with RENAME TABLE; its views follow the name
            import re

            touched = [sql for sql in ran if sql.startswith(("DROP", "ALTER", "RENAME"))
                       and re.search(r'"members"', sql)]
            assert touched == [], touched  # the table itself was neither dropped nor renamed
        assert read_members(target) == {**EXPECTED, 6: (True, False, False, True)}
        with open_database(target) as db:
            assert sorted(int(r[0]) for r in db.query("SELECT customer_id FROM uk_members")) == [1, 2, 6]

        before = read_members(target)
        with open_database(target) as db:
            if _dialect(target) == "postgres":
                with pytest.raises(SegdslError) as caught:
                    materialize(db, segments[:2], program.schema, "members")
                diagnostic = caught.value.diagnostics[0]
                assert "public.uk_members depends on it" in diagnostic.message
                assert "\n" not in diagnostic.message and "drop public.uk_members" in (diagnostic.hint or "")
                assert read_members(target) == before
                assert not table_exists(target, "members__segdsl_new")
            else:
                materialize(db, [s for s in segments if s.name != "adults"], program.schema, "members")
                assert sorted(int(r[0]) for r in db.query("SELECT customer_id FROM uk_members")) == [1, 2, 6]
    finally:
        with open_database(target) as db:
            db.execute("DROP VIEW IF EXISTS uk_members")


def test_failure_while_replacing_rows_keeps_the_old_rows(target: str, project: Path) -> None:
    """Same segments (rows replaced in place): a failure after the DELETE rolls it back."""
    if _dialect(target) == "mysql":
        pytest.skip("MySQL swaps tables with RENAME TABLE; its failure test is above")
    program = program_for(project)
    segments = [program.segments[n] for n in sorted(program.segments)]
    with open_database(target) as db:
        materialize(db, segments, program.schema, "members")
    before = read_members(target)
    with open_database(target) as db:
        db.execute("INSERT INTO shop_customers VALUES (6, 70, 'UK', NULL)")
        ran = _inject_failure(db, lambda sql: sql.startswith("INSERT INTO"))
        with pytest.raises(SegdslError, match="injected failure"):
            materialize(db, segments, program.schema, "members")
    assert any(sql.startswith("DELETE FROM") for sql in ran), ran
    assert read_members(target) == before
    assert not table_exists(target, "members__segdsl_new")


def test_segment_failing_at_run_time_keeps_the_old_table(target: str, project: Path) -> None:
    program = program_for(project)
    with open_database(target) as db:
        materialize(db, list(program.segments.values()), program.schema, "members")
    before = read_members(target)
    broken = program_for(project, SCHEMA.replace("  region: string", "  region: {type: string, "
                                                                      "column: no_such_column}"))
    with open_database(target) as db, pytest.raises(SegdslError) as caught:
        materialize(db, list(broken.segments.values()), broken.schema, "members")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.code == "SEG302" and "\n" not in diagnostic.message
    assert read_members(target) == before
    assert not table_exists(target, "members__segdsl_new")


def test_qualified_table_name(target: str, project: Path) -> None:
    program = program_for(project)
    schema_name = {"duckdb": "main", "sqlite": "main", "postgres": "public",
                   "mysql": "segdsl_materialize_test"}[_dialect(target)]
    with open_database(target) as db:
        result = materialize(db, list(program.segments.values()), program.schema,
                             f"{schema_name}.members")
    assert result.rows == 5
    assert read_members(target) == EXPECTED


def _dialect(target: str) -> str:
    from segdsl.runners import resolve

    return resolve(target).dialect


def test_bad_table_names(project: Path, tmp_path: Path) -> None:
    import duckdb

    program = program_for(project)
    path = str(tmp_path / "x.duckdb")
    duckdb.connect(path).close()
    with open_database(path) as db:
        for name in ("", "a..b", "a.b.c.d", "."):
            with pytest.raises(ValueError):
                materialize(db, list(program.segments.values()), program.schema, name)
    with pytest.raises(ValueError, match="too long"):
        from segdsl.runners.materialize import table_parts

        table_parts("x" * 60, "postgres")


def _source_rows(url: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with open_database(url) as db:
        return (db.query("SELECT * FROM shop_customers ORDER BY customer_id"),
                db.query("SELECT * FROM shop_orders ORDER BY customer_id, created_at"))


def test_refuses_to_replace_a_table_the_schema_reads(target: str, project: Path) -> None:
    """--table naming the entity table or a relation's table (any case, schema-qualified too)
    is refused before anything runs: the source rows stay and nothing is built beside them."""
    program = program_for(project)
    segments = list(program.segments.values())
    schema_name = {"duckdb": "main", "sqlite": "main", "postgres": "public",
                   "mysql": "segdsl_materialize_test"}[_dialect(target)]
    before = _source_rows(target)
    for name, words in [("shop_customers", "'shop_customers' is the customer table"),
                        ("SHOP_ORDERS", "'SHOP_ORDERS' is the table of relation 'orders'"),
                        (f"{schema_name}.shop_customers", "may be the customer table"),
                        (f"{schema_name.upper()}.Shop_Orders", "may be the table of relation 'orders'")]:
        with open_database(target) as db:
            ran = _inject_failure(db, lambda sql: False)
            with pytest.raises(ValueError, match="choose another table name") as caught:
                materialize(db, segments, program.schema, name)
        assert words in str(caught.value)
        assert ran == [], ran  # not even the new table was built
        assert _source_rows(target) == before
        for suffix in ("__segdsl_new", "__segdsl_old"):
            assert not table_exists(target, "shop_customers" + suffix)
            assert not table_exists(target, "shop_orders" + suffix)


def test_refuses_a_name_whose_temporary_tables_the_schema_reads(project: Path) -> None:
    """Building 'members' drops members__segdsl_new/_old: a schema reading one is refused too."""
    from segdsl.runners.materialize import check_not_a_source

    schema = program_for(project, SCHEMA.replace("table: shop_orders", "table: members__segdsl_old")).schema
    with pytest.raises(ValueError, match="'members__segdsl_old', which materialize uses while building "
                                         "'members', is the table of relation 'orders'"):
        check_not_a_source(("members",), schema)
    check_not_a_source(("members",), program_for(project).schema)  # fine
    check_not_a_source(("shop_customers_segments",), program_for(project).schema)
    files = program_for(project, SCHEMA.replace("table: shop_orders", "table: data/orders.parquet")).schema
    check_not_a_source(("orders",), files)  # a file path is no table


# ---- the command line ---------------------------------------------------------------------------


def segdsl(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "segdsl", *args], cwd=cwd, capture_output=True,
                          text=True, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}, timeout=300)


def test_cli_materializes_the_examples_on_duckdb(tmp_path: Path) -> None:
    """Every example segment in one membership table; each column has the segment's members."""
    import duckdb

    from segdsl.compiler import segment_sql

    db_path = tmp_path / "demo.duckdb"
    made = segdsl("demo", "--db", str(db_path), "--customers", "3000", "--anchor-date", "2026-06-30")
    assert made.returncode == 0, made.stderr
    result = segdsl("materialize", "examples/segments", "--db", str(db_path), "--table", "segments",
                    "--as-of", "2026-06-30")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"segments: 3,000 customers × {len(EXAMPLE_MEMBERS)} segments on ")

    schema = load_schema(EXAMPLES / "schema.yml")
    sources, _ = read_sources([str(EXAMPLES / "segments")])
    program = build_program(sources, schema)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        columns = [row[0] for row in con.execute("DESCRIBE segments").fetchall()]
        assert columns == ["customer_id", *sorted(program.segments)]
        for name, segment in program.segments.items():
            sql = segment_sql(segment, schema, "duckdb", dt.date(2026, 6, 30))
            expected = con.execute(f"SELECT COUNT(*) FROM ({sql})").fetchone()
            got = con.execute(f'SELECT COUNT(*) FROM segments WHERE "{name}"').fetchone()
            assert got == expected, name
    finally:
        con.close()


def test_cli_failure_exits_1_and_keeps_the_table(project: Path) -> None:
    import duckdb

    path = project / "shop.duckdb"
    duckdb.connect(str(path)).close()
    with open_database(str(path)) as db:
        _load(db)
    ok = segdsl("materialize", "shop.seg", "--db", "shop.duckdb", "--table", "members", cwd=project)
    assert ok.returncode == 0, ok.stderr
    before = read_members(str(path))
    (project / "broken.yml").write_text(SCHEMA.replace("table: shop_orders", "table: no_orders"),
                                        encoding="utf-8")
    failed = segdsl("materialize", "shop.seg", "--db", "shop.duckdb", "--table", "members",
                    "--schema", "broken.yml", cwd=project)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    first = failed.stderr.splitlines()[0]
    assert "error[SEG302]" in first and "no_orders" in first
    assert read_members(str(path)) == before
    assert not table_exists(str(path), "members__segdsl_new")


def test_cli_json_summary(project: Path) -> None:
    import json

    import duckdb

    path = project / "shop.duckdb"
    duckdb.connect(str(path)).close()
    with open_database(str(path)) as db:
        _load(db)
    result = segdsl("materialize", "shop.seg", "--db", "shop.duckdb", "--table", "members",
                    "--segment", "uk", "--segment", "adults", "--as-of", "2026-06-30", "--format", "json",
                    cwd=project)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data.pop("seconds") >= 0
    assert data == {"table": "members", "database": "shop.duckdb", "rows": 5, "segments": ["adults", "uk"],
                    "as_of": "2026-06-30"}
    assert {k: v[1] for k, v in read_members(str(path)).items()} == {1: True, 2: True, 3: False, 4: False,
                                                                      5: False}


@pytest.mark.parametrize(("args", "words"), [
    (["examples/segments", "--table", "t"], "--db"),
    (["examples/segments", "--db", "x.duckdb"], "--table"),
    (["examples/segments", "--db", "x.duckdb", "--table", "a..b"], "--table"),
    (["examples/segments", "--db", "oracle://h/x", "--table", "t"], "oracle"),
    (["examples/segments", "--db", "x.duckdb", "--table", "t", "--master", "local"], "--master"),
    (["examples/segments", "--db", "x.duckdb", "--table", "t", "--engine", "flink"], "flink"),
    (["examples/segments", "--db", "x.duckdb", "--table", "t", "--segment", "uk_irland"],
     "did you mean 'uk_ireland'"),
    (["--db", "x.duckdb", "--table", "t"], "segment file"),
])
def test_cli_usage_errors_exit_2(args: list[str], words: str, tmp_path: Path) -> None:
    import duckdb

    duckdb.connect(str(tmp_path / "x.duckdb")).close()
    args = [str(tmp_path / a) if a == "x.duckdb" else a for a in args]
    args = [a if not a.startswith("examples") else str(ROOT / a) for a in args]
    result = segdsl("materialize", *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert words.lower() in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_cli_missing_database_exits_1(tmp_path: Path) -> None:
    result = segdsl("materialize", str(EXAMPLES / "segments"), "--db", "nope.duckdb", "--table", "t",
                    cwd=tmp_path)
    assert result.returncode == 1
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "nope.duckdb").exists()


def test_cli_refuses_segments_the_dialect_cannot_express(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "x.db").close()
    result = segdsl("materialize", str(EXAMPLES / "segments"), "--db", f"sqlite:///{tmp_path / 'x.db'}",
                    "--table", "t", "-e", "x", cwd=tmp_path)
    assert result.returncode == 2  # no -e on materialize
    tricky = tmp_path / "regex.seg"
    tricky.write_text("segment rx\n  where email matches '^a.*'\n", encoding="utf-8")
    result = segdsl("materialize", str(tricky), "--schema", str(EXAMPLES / "schema.yml"),
                    "--db", f"sqlite:///{tmp_path / 'x.db'}", "--table", "t", cwd=tmp_path)
    assert result.returncode == 1
    assert "SEG140" in result.stderr


def test_cli_refuses_a_table_the_schema_reads(tmp_path: Path) -> None:
    """The walkthrough: materialize --table customers on the demo database replaced the
    customers with the membership table. Now a usage error (exit 2); the database is unchanged."""
    db_path = tmp_path / "d5.duckdb"
    made = segdsl("demo", "--db", str(db_path), "--customers", "50", "--anchor-date", "2026-06-30")
    assert made.returncode == 0, made.stderr
    before = db_path.read_bytes()
    for name, words in [("customers", "'customers' is the customer table"),
                        ("orders", "'orders' is the table of relation 'orders'"),
                        ("Events", "'Events' is the table of relation 'events'"),
                        ("main.customers", "'main.customers' may be the customer table")]:
        result = segdsl("materialize", "examples/segments", "--db", str(db_path), "--table", name)
        assert result.returncode == 2, (name, result.stderr)
        assert "Traceback" not in result.stderr
        assert "--table" in result.stderr and words in result.stderr, result.stderr
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d5.duckdb"]
