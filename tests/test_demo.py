"""Tests for the demo database generator (segdsl.demo)."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from segdsl import demo
from segdsl.demo import DemoStats, generate_demo, main_stats_text
from segdsl.diagnostics import SegdslError

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "examples" / "schema.yml"
ANCHOR = datetime.date(2026, 11, 23)
N = 2_000


def _schema() -> dict[str, Any]:
    with SCHEMA_PATH.open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


def _tables_and_fields() -> list[tuple[str, str, Any]]:
    """(table, physical column, field spec) for every field in the schema."""
    schema = _schema()
    out = [
        (schema["table"], (spec.get("column", name) if isinstance(spec, dict) else name), spec)
        for name, spec in schema["fields"].items()
    ]
    for rel in schema.get("relations", {}).values():
        for name, spec in rel["fields"].items():
            col = spec.get("column", name) if isinstance(spec, dict) else name
            out.append((rel["table"], col, spec))
    return out


def _enum_columns() -> list[tuple[str, str, list[str]]]:
    return [
        (table, col, [str(v) for v in spec["values"]])
        for table, col, spec in _tables_and_fields()
        if isinstance(spec, dict) and spec.get("type") == "enum"
    ]


def _checksum(path: Path) -> tuple[str, str, str]:
    """Order-independent fingerprint of all three tables (ORDER BY fixes the row order)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = []
        for table, order in (
            ("customers", "customer_id"),
            ("orders", "order_id"),
            ("events", "customer_id, ts, name"),
        ):
            row = con.execute(
                f"SELECT md5(string_agg(t::VARCHAR, chr(10) ORDER BY {order})) FROM {table} t"
            ).fetchone()
            assert row is not None
            out.append(str(row[0]))
        return out[0], out[1], out[2]
    finally:
        con.close()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoStats]:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    stats = generate_demo(path, customers=N, seed=7, anchor_date=ANCHOR)
    return path, stats


def _q(path: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _one(path: Path, sql: str) -> Any:
    return _q(path, sql)[0][0]


def test_row_counts_and_stats(db: tuple[Path, DemoStats]) -> None:
    path, stats = db
    assert stats.customers == N == _one(path, "SELECT count(*) FROM customers")
    assert stats.orders == _one(path, "SELECT count(*) FROM orders")
    assert stats.events == _one(path, "SELECT count(*) FROM events")
    assert 6 * N < stats.orders < 15 * N
    assert 20 * N < stats.events < 45 * N
    assert stats.anchor_date == ANCHOR
    assert stats.elapsed_seconds > 0
    assert _q(path, "SELECT * FROM segdsl_demo_info") == [(ANCHOR, 7, N)]
    assert _one(path, "SELECT count(DISTINCT customer_id) FROM customers") == N
    assert _one(path, "SELECT count(DISTINCT order_id) FROM orders") == stats.orders
    orphans = (
        "SELECT count(*) FROM orders WHERE customer_id NOT IN (SELECT customer_id FROM customers)"
    )
    assert _one(path, orphans) == 0


def test_columns_match_schema(db: tuple[Path, DemoStats]) -> None:
    path, _ = db
    schema = _schema()
    for table, col, _spec in [*_tables_and_fields(), (schema["table"], schema["key"], None)]:
        cols = {r[0] for r in _q(path, f"DESCRIBE {table}")}
        assert col in cols, (table, col)
    types = dict(_q(path, "SELECT column_name, column_type FROM (DESCRIBE customers)"))
    assert types["interests"] == "VARCHAR[]"
    assert types["income"] == "DECIMAL(12,2)"
    assert types["last_seen_at"] == "TIMESTAMP"


def test_deterministic(db: tuple[Path, DemoStats], tmp_path: Path) -> None:
    path, _ = db
    again = generate_demo(tmp_path / "again.duckdb", customers=N, seed=7, anchor_date=ANCHOR)
    assert _checksum(tmp_path / "again.duckdb") == _checksum(path)
    other = generate_demo(tmp_path / "other.duckdb", customers=N, seed=8, anchor_date=ANCHOR)
    a, b = _checksum(path), _checksum(tmp_path / "other.duckdb")
    assert all(x != y for x, y in zip(a, b, strict=True))
    assert other.orders != again.orders


@pytest.mark.parametrize(("table", "column", "values"), _enum_columns())
def test_enum_values_within_schema(
    db: tuple[Path, DemoStats], table: str, column: str, values: list[str]
) -> None:
    path, _ = db
    seen = {r[0] for r in _q(path, f"SELECT DISTINCT {column} FROM {table}")} - {None}
    assert seen <= set(values)
    assert len(seen) == len(values)  # every declared value actually occurs


def test_nothing_after_anchor(db: tuple[Path, DemoStats]) -> None:
    path, _ = db
    latest = _q(
        path,
        "SELECT (SELECT max(signup_date) FROM customers), "
        "(SELECT max(last_seen_at)::DATE FROM customers), "
        "(SELECT max(created_at)::DATE FROM orders), (SELECT max(ts)::DATE FROM events)",
    )[0]
    assert all(d <= ANCHOR for d in latest)
    # Some activity lands exactly on the anchor day and on a 30-day window boundary.
    assert _one(path, f"SELECT count(*) FROM events WHERE ts::DATE = DATE '{ANCHOR}'") > 0
    boundary = ANCHOR - datetime.timedelta(days=30)
    assert _one(path, f"SELECT count(*) FROM orders WHERE created_at = TIMESTAMP '{boundary}'") > 0


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("customers", c)
        for c in ("age", "income", "city", "phone", "last_seen_at", "gender", "interests")
    ]
    + [("orders", "amount")],
)
def test_some_nulls(db: tuple[Path, DemoStats], table: str, column: str) -> None:
    path, _ = db
    share = _one(path, f"SELECT avg(({column} IS NULL)::INT) FROM {table}")
    assert 0 < share < 0.15


def test_b2b_fields_and_distributions(db: tuple[Path, DemoStats]) -> None:
    path, _ = db
    b2b = _one(path, "SELECT avg((industry IS NOT NULL)::INT) FROM customers")
    assert 0.2 < b2b < 0.4
    assert (
        _one(
            path,
            "SELECT count(*) FROM customers WHERE (industry IS NULL) <> (company_size IS NULL)",
        )
        == 0
    )
    regions = [
        r[0] for r in _q(path, "SELECT region FROM customers GROUP BY 1 ORDER BY count(*) DESC")
    ]
    assert regions[0] == "UK"
    assert _one(path, "SELECT min(age) >= 16 AND max(age) <= 90 FROM customers")
    assert _one(path, "SELECT max(len(interests)) <= 4 FROM customers")
    assert _one(path, "SELECT count(*) FROM customers WHERE name LIKE '%''%'") > 0
    funnel = dict(_q(path, "SELECT name, count(*) FROM events GROUP BY 1"))
    assert funnel["page_view"] > funnel["add_to_cart"] > funnel["checkout"] > funnel["purchase"]


def test_customers_without_orders_exist(db: tuple[Path, DemoStats]) -> None:
    path, _ = db
    zero = _one(
        path,
        "SELECT count(*) FROM customers WHERE customer_id NOT IN (SELECT customer_id FROM orders)",
    )
    assert 0 < zero < N


def test_without_activity(tmp_path: Path) -> None:
    path = tmp_path / "bare.duckdb"
    stats = generate_demo(path, customers=100, anchor_date=ANCHOR, with_activity=False)
    assert (stats.customers, stats.orders, stats.events) == (100, 0, 0)
    assert _one(path, "SELECT count(*) FROM orders") == 0
    assert _one(path, "SELECT count(*) FROM events") == 0


def test_failed_run_leaves_target_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_args: object) -> None:
        raise RuntimeError("boom")

    fresh = tmp_path / "fresh.duckdb"
    existing = tmp_path / "existing.duckdb"
    generate_demo(existing, customers=50, anchor_date=ANCHOR)
    before = existing.read_bytes()
    monkeypatch.setattr(demo, "_create_activity", boom)
    for target in (fresh, existing):
        with pytest.raises(RuntimeError, match="boom"):
            generate_demo(target, customers=200, anchor_date=ANCHOR)
    assert not fresh.exists()
    assert existing.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.duckdb"]
    monkeypatch.undo()
    stats = generate_demo(existing, customers=200, anchor_date=ANCHOR)  # overwrite works
    assert _one(existing, "SELECT count(*) FROM customers") == stats.customers == 200


@pytest.mark.parametrize(
    "kwargs", [{"customers": -1}, {"customers": True}, {"customers": 1.5}, {"seed": 2**40}]
)
def test_rejects_bad_arguments(tmp_path: Path, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        generate_demo(tmp_path / "x.duckdb", **kwargs)
    assert not (tmp_path / "x.duckdb").exists()


def test_default_anchor_is_today(tmp_path: Path) -> None:
    before = datetime.date.today()
    stats = generate_demo(tmp_path / "t.duckdb", customers=10, with_activity=False)
    assert before <= stats.anchor_date <= datetime.date.today()


def test_stats_text() -> None:
    stats = DemoStats("demo.duckdb", 100_000, 1_003_211, 2_998_100, ANCHOR, 3.14)
    assert main_stats_text(stats) == (
        "wrote 100,000 customers, 1,003,211 orders, 2,998,100 events to demo.duckdb "
        "in 3.1 s (anchor date 2026-11-23)"
    )


# ---- where the database may go: an absent file, an empty one or an earlier demo database -------


def _refused(target: Path) -> SegdslError:
    with pytest.raises(SegdslError) as caught:
        generate_demo(target, customers=20, anchor_date=ANCHOR)
    return caught.value


def test_refuses_to_replace_a_file_that_is_not_a_demo_database(tmp_path: Path) -> None:
    readme = tmp_path / "r.md"
    readme.write_text("# my notes\n", encoding="utf-8")
    user_db = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(user_db))
    con.execute("CREATE TABLE customers AS SELECT 1 AS customer_id")
    con.close()
    before = {p: p.read_bytes() for p in (readme, user_db)}
    for target, reason in ((readme, "not a DuckDB file"), (user_db, "no segdsl_demo_info table")):
        diagnostic = _refused(target).diagnostics[0]
        assert diagnostic.code == "SEG302"
        assert "not a segdsl demo database" in diagnostic.message and reason in diagnostic.message
        assert "\n" not in diagnostic.message
        assert "choose another path" in (diagnostic.hint or "")
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md", "shop.duckdb"]  # no temporary file


def test_replaces_an_earlier_demo_database_or_an_empty_file(tmp_path: Path) -> None:
    earlier = tmp_path / "demo.duckdb"
    generate_demo(earlier, customers=30, anchor_date=ANCHOR, with_activity=False)
    con = duckdb.connect(str(earlier))  # a membership table materialized there goes with it
    con.execute("CREATE TABLE segments AS SELECT 1 AS customer_id")
    con.close()
    empty = tmp_path / "empty.duckdb"
    empty.touch()
    for target in (earlier, empty):
        stats = generate_demo(target, customers=40, anchor_date=ANCHOR, with_activity=False)
        assert stats.customers == 40 == _one(target, "SELECT count(*) FROM customers")
    assert _q(earlier, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'segments'") == [(0,)]


def test_missing_folder_is_a_diagnostic(tmp_path: Path) -> None:
    diagnostic = _refused(tmp_path / "nodir" / "x.duckdb").diagnostics[0]
    assert diagnostic.code == "SEG302"
    assert diagnostic.message == (f"cannot write {tmp_path / 'nodir' / 'x.duckdb'}: "
                                  f"the folder {tmp_path / 'nodir'} does not exist")
    assert "create the folder" in (diagnostic.hint or "")
    assert list(tmp_path.iterdir()) == []


def test_write_error_is_a_diagnostic_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(demo.os, "replace", denied)
    diagnostic = _refused(tmp_path / "x.duckdb").diagnostics[0]
    assert diagnostic.code == "SEG302" and "Permission denied" in diagnostic.message
    assert list(tmp_path.iterdir()) == []


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "segdsl", "demo", *args], cwd=cwd,
                          capture_output=True, text=True, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
                          timeout=120)


def test_cli_refusals_exit_1_without_a_traceback(tmp_path: Path) -> None:
    readme = tmp_path / "r.md"
    readme.write_text("# my notes\n", encoding="utf-8")
    missing = _cli("--db", "nodir/x.duckdb", "--customers", "10", cwd=tmp_path)
    assert missing.returncode == 1, missing.stderr
    assert "Traceback" not in missing.stderr
    assert "error[SEG302]: cannot write nodir/x.duckdb: the folder" in missing.stderr
    kept = _cli("--db", "r.md", "--customers", "10", cwd=tmp_path)
    assert kept.returncode == 1, kept.stderr
    assert "Traceback" not in kept.stderr
    assert "r.md exists and is not a segdsl demo database" in kept.stderr
    assert readme.read_text(encoding="utf-8") == "# my notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md"]
    again = _cli("--db", "d.duckdb", "--customers", "10", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    again = _cli("--db", "d.duckdb", "--customers", "12", cwd=tmp_path)  # a demo database: replaced
    assert again.returncode == 0, again.stderr
    assert _one(tmp_path / "d.duckdb", "SELECT count(*) FROM customers") == 12
