"""Sums and averages of decimals on SQLite, which stores them as binary floats (REAL).

The differential suite covers amounts that fit DECIMAL(18, 4) on every engine; these are the
SQLite-only cases beyond that: totals past 64-bit integers (an INTEGER SUM would raise
"integer overflow"), 16-digit values a float holds exactly, averages next to a 15-digit
literal. The oracle is the reference evaluator over each float's shortest decimal (what SQLite
shows for it, and what the user stored).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest

import segdsl
from segdsl.compiler import segment_sql
from segdsl.evaluate import Dataset, evaluate
from segdsl.project import build_program
from segdsl.schema import Schema

AMOUNTS: dict[int, list[float | None]] = {
    1: [5e18, 5e18],  # 1e19: past 64-bit integers
    2: [12345678901234.56],  # 16 significant digits, exact as a float here
    3: [9000000000000001.0],
    4: [1.0, 2.0, 2.0],  # average 5/3
    5: [0.1, 0.2],  # 0.30000000000000004 as floats
    6: [1.1, 2.2],  # 3.3000000000000003 as floats
    7: [-5.5, 0.2, 0.1],
    8: [None],  # only a missing amount: sum 0, average missing
    9: [],  # no orders
    10: [2.675, 0.005, -0.5, 0.5],  # halves, and a value just under its decimal (2.67499999…)
}

CONDITIONS = [
    "sum(orders.amount) > 0",
    "sum(orders.amount) = 9000000000000001",
    "sum(orders.amount) > 12345678901234.5 and sum(orders.amount) < 12345678901234.6",
    "sum(orders.amount) = 12345678901234.56",
    "avg(orders.amount) >= 1.66666666666667",
    "avg(orders.amount) > 1.6666666666666",
    "sum(orders.amount) = 0.3",
    "sum(orders.amount) = 3.3",
    "avg(orders.amount) = 1.65",
    "avg(orders.amount) = 0.15",
    "sum(orders.amount) = -5.2",
    "avg(orders.amount) < -1.7333333333",
    "not (avg(orders.amount) > -1000)",
    "sum(orders.amount) = 0",
    "sum(orders.amount) = 2.68",
    "avg(orders.amount) = 0.67",
    "sum(orders.amount) in top 30%",
    "avg(orders.amount) in bottom 20%",
]


@pytest.fixture(scope="module")
def schema() -> Schema:
    return segdsl.load_schema({
        "table": "customers", "key": "customer_id", "fields": {"age": "int"},
        "relations": {"orders": {"key": "customer_id", "fields": {"amount": "decimal"}}},
    })


@pytest.fixture(scope="module")
def database() -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE customers (customer_id INTEGER, age INTEGER)")
    con.execute("CREATE TABLE orders (customer_id INTEGER, amount DECIMAL(18, 4))")
    con.executemany("INSERT INTO customers VALUES (?, NULL)", [(key,) for key in AMOUNTS])
    con.executemany("INSERT INTO orders VALUES (?, ?)",
                    [(key, amount) for key, amounts in AMOUNTS.items() for amount in amounts])
    return con


def _dataset() -> Dataset:
    return Dataset([{"customer_id": key, "age": None} for key in AMOUNTS],
                   {"orders": [{"customer_id": key, "amount": None if a is None else Decimal(repr(a))}
                               for key, amounts in AMOUNTS.items() for a in amounts]})


@pytest.mark.parametrize("condition", CONDITIONS)
def test_sqlite_sums_decimals_like_the_evaluator(condition: str, schema: Schema,
                                                 database: sqlite3.Connection) -> None:
    program = build_program([("x.seg", f"segment x where {condition}")], schema)
    assert program.ok, program.errors
    segment = program.segments["x"]
    as_of = dt.date(2026, 1, 1)
    got = {row[0] for row in database.execute(segment_sql(segment, schema, "sqlite", as_of)).fetchall()}
    assert got == evaluate(segment.pred, schema, _dataset(), as_of)


def test_the_cases_are_not_vacuous(schema: Schema) -> None:
    """Every condition above selects someone and leaves someone out."""
    for condition in CONDITIONS:
        program = build_program([("x.seg", f"segment x where {condition}")], schema)
        members = evaluate(program.segments["x"].pred, schema, _dataset(), dt.date(2026, 1, 1))
        assert 0 < len(members) < len(AMOUNTS), (condition, members)
