"""Behavioural segments: the SQL shape that decides speed, traits and cycles."""

from __future__ import annotations

import subprocess
import sys

import segdsl
from tests.conftest import ROOT

TEN_ORDER_CONDITIONS = " and ".join([
    "count(orders) >= 1",
    "count(orders in last 90 days) >= 1",
    "count(orders in last 30 days where status = 'paid') >= 1",
    "sum(orders.amount in last 365 days) > 10",
    "avg(orders.amount) > 1",
    "min(orders.amount) >= 0",
    "max(orders.created_at) in last 400 days",
    "count distinct(orders.category) >= 1",
    "has orders in last 7 days where amount > 5",
    "no orders in last 3 days where status = 'refunded'",
])


def test_ten_conditions_on_orders_scan_orders_once(example_schema) -> None:
    sql = segdsl.compile(TEN_ORDER_CONDITIONS, example_schema, dialect="postgres")
    assert sql.count('FROM "orders"') == 1
    assert sql.count("GROUP BY") == 1
    assert sql.count("JOIN") == 1


def test_scan_is_limited_to_the_widest_window(example_schema) -> None:
    import datetime as dt

    text = "count(orders in last 90 days) >= 3 and sum(orders.amount in last 365 days) > 500"
    import sqlglot
    from sqlglot import exp

    sql = segdsl.compile(text, example_schema, as_of=dt.date(2026, 6, 30))
    cte = sqlglot.parse_one(sql.rstrip(";"), read="duckdb").find(exp.CTE)
    assert cte is not None
    where = cte.this.args["where"].sql("duckdb")  # the scan's WHERE, not an aggregate's FILTER
    assert "'2025-07-01 00:00:00'" in where  # 365 days, the wider window
    assert "'2026-04-02 00:00:00'" not in where


def test_references_share_one_scan(example_schema) -> None:
    text = """
segment a where count(orders in last 90 days) >= 3
segment b where in segment a and sum(orders.amount) > 5
segment c where in segment a and in segment b and not in segment a
"""
    sql = segdsl.compile(text, example_schema, segment="c")
    assert sql.count('FROM "orders"') == 1
    assert sql.count("COUNT(") == 1


def test_trait_cycle_is_reported() -> None:
    schema = segdsl.load_schema({
        "table": "t", "key": "id", "fields": {"age": "int"},
        "traits": {"a": "b > 1", "b": "c", "c": "a"},
    })
    codes = [d.code for d in segdsl.check("age > 1", schema)]
    assert "SEG133" in codes


def test_traits_use_traits(example_schema) -> None:
    schema = segdsl.load_schema({
        "table": "t", "key": "id", "fields": {"age": "int"},
        "traits": {"adult": "age >= 18", "senior_adult": "adult and age >= 65"},
    })
    sql = segdsl.compile("senior_adult", schema)
    assert '"age" >= 18' in sql and '"age" >= 65' in sql


def test_check_does_not_load_sql_machinery() -> None:
    probe = (
        "import sys\n"
        "from segdsl.cli import main\n"
        "try:\n"
        "    main(['check', 'examples/segments'])\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
        "heavy = sorted(m for m in ('sqlglot', 'duckdb', 'rich') if m in sys.modules)\n"
        "print(','.join(heavy) or 'none')\n"
    )
    ran = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "none"
