"""Smoke tests of the engine harness (tests/engines): load a tiny dataset into every real
engine and run hand-written, portable SQL against it.

An unavailable engine is skipped locally and fails when CI=true. Start the servers with
scripts/start-engines.sh and install the drivers with scripts/install-test-deps.sh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from segdsl.schema import Schema, load_schema
from tests.engines import ENGINE_NAMES, Engine, available_engines, engine_or_skip
from tests.engines._base import normalise, tables_for

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "examples" / "schema.yml"

CUSTOMERS: list[dict[str, Any]] = [
    {"customer_id": 1, "age": 34, "gender": "female", "income": Decimal("52000.50"),
     "life_stage": "young_professional", "region": "UK", "city": "Zürich",
     "email": "ann@example.com", "phone": "+44 20 7946 0000",
     "signup_date": dt.date(2021, 3, 4), "last_seen_at": dt.datetime(2024, 5, 1, 10, 30),
     "is_subscribed": True, "interests": ["golf", "tennis"], "industry": "tech",
     "company_size": 50, "full_name": "Ann O'Brien"},
    {"customer_id": 2, "age": 17, "gender": "male", "income": Decimal("0"), "region": "IE",
     "city": "Dublin", "signup_date": "1965-07-20", "last_seen_at": None,
     "is_subscribed": False, "interests": [], "full_name": 'Bob "Bobby" Byrne'},
    {"customer_id": 3},  # every field NULL
    {"customer_id": 4, "age": 61, "region": "US", "city": "São Paulo",
     "signup_date": dt.date(2023, 12, 31), "last_seen_at": "2024-01-15 08:00:00.250000",
     "is_subscribed": None, "interests": ["chess", "日本語"], "name": "Dana"},
]
ORDERS: list[dict[str, Any]] = [
    {"customer_id": 1, "order_id": 10, "amount": Decimal("120.50"), "status": "paid",
     "category": "books", "created_at": dt.datetime(2024, 4, 1, 9, 0)},
    {"customer_id": 1, "order_id": 11, "amount": 30, "status": "refunded",
     "category": "toys", "created_at": dt.datetime(2024, 4, 2, 9, 0)},
    {"customer_id": 2, "order_id": 12, "amount": "15.25", "status": "paid", "category": None,
     "created_at": None},
    {"customer_id": 4, "order_id": 13, "amount": Decimal("999.9999"), "status": "cancelled",
     "category": "it's", "created_at": dt.datetime(2023, 12, 31, 23, 59, 59)},
]
EVENTS: list[dict[str, Any]] = [
    {"customer_id": 1, "name": "page_view", "ts": dt.datetime(2024, 5, 1, 10, 0)},
    {"customer_id": 2, "name": "add_to_cart", "ts": dt.datetime(2024, 5, 2, 11, 0)},
    {"customer_id": 4, "name": "purchase", "ts": None},
]


@pytest.fixture(scope="session")
def schema() -> Schema:
    return load_schema(SCHEMA_PATH)


@pytest.fixture(scope="session", params=ENGINE_NAMES)
def engine(request: pytest.FixtureRequest) -> Engine:
    """One engine per name for the whole session (cached by tests.engines.open_engine)."""
    return engine_or_skip(request.param)


@pytest.fixture()
def db(engine: Engine, schema: Schema) -> Iterator[Engine]:
    """The engine with the dataset loaded (cheap; reloaded per test so tests may replace it)."""
    engine.load(schema, CUSTOMERS, {"orders": ORDERS, "events": EVENTS})
    yield engine


def q(engine: Engine, name: str) -> str:
    """Quote an identifier for a hand-written query (Spark and MySQL read "x" as a string)."""
    mark = "`" if engine.name in ("mariadb", "spark") else '"'
    return f"{mark}{name}{mark}"


def where(engine: Engine, condition: str) -> set[Any]:
    """Members of customers WHERE condition; {c} in the condition is a quoted column name."""
    columns = {c: q(engine, c) for c in ("age", "name", "city", "last_seen_at", "interests",
                                          "signup_date", "income", "is_subscribed", "region")}
    sql = (f"SELECT {q(engine, 'customer_id')} FROM {q(engine, 'customers')} "
           f"WHERE {condition.format(**columns)}")
    return engine.members(sql)


def test_comparisons(db: Engine) -> None:
    assert where(db, "{age} >= 18") == {1, 4}
    assert where(db, "{age} IS NULL") == {3}
    assert where(db, "{region} IN ('UK', 'US')") == {1, 4}
    assert where(db, "{income} = 52000.5") == {1}
    assert where(db, "{income} > 0") == {1}


def test_members_are_python_ints(db: Engine) -> None:
    found = where(db, "{age} IS NOT NULL")
    assert found == {1, 2, 4}
    assert all(type(key) is int for key in found)


def test_quotes_and_unicode_round_trip(db: Engine) -> None:
    assert where(db, "{name} = 'Ann O''Brien'") == {1}
    assert where(db, "{name} = 'Bob \"Bobby\" Byrne'") == {2}
    assert where(db, "{city} = 'Zürich'") == {1}
    assert where(db, "{city} = 'São Paulo'") == {4}


def test_dates_and_timestamps(db: Engine) -> None:
    assert where(db, "{signup_date} < '2000-01-01'") == {2}  # before 1970 too
    assert where(db, "{last_seen_at} > '2024-02-01 00:00:00'") == {1}
    assert where(db, "{last_seen_at} IS NULL") == {2, 3}


def test_bool(db: Engine) -> None:
    assert where(db, "{is_subscribed} = TRUE") == {1}
    assert where(db, "{is_subscribed} = FALSE") == {2}
    assert where(db, "{is_subscribed} IS NULL") == {3, 4}


def test_null_list_round_trip(db: Engine) -> None:
    if db.null_lists_supported:
        assert where(db, "{interests} IS NULL") == {3}
        assert where(db, "{interests} IS NOT NULL") == {1, 2, 4}
    else:  # ClickHouse: Array cannot be Nullable; NULL is stored as []
        assert where(db, "{interests} IS NULL") == set()


def test_joins(db: Engine) -> None:
    c, o = q(db, "customer_id"), q(db, "orders")
    customers, amount, order_id = q(db, "customers"), q(db, "amount"), q(db, "order_id")
    big = (f"SELECT DISTINCT cu.{c} FROM {customers} cu JOIN {o} od ON od.{c} = cu.{c} "
           f"WHERE od.{amount} > 100")
    assert db.members(big) == {1, 4}
    # LEFT JOIN must give NULLs (ClickHouse only does with join_use_nulls = 1)
    orphans = (f"SELECT cu.{c} FROM {customers} cu LEFT JOIN {o} od ON od.{c} = cu.{c} "
               f"WHERE od.{order_id} IS NULL")
    assert db.members(orphans) == {3}
    events, ts = q(db, "events"), q(db, "ts")
    assert db.members(f"SELECT {c} FROM {events} WHERE {ts} IS NULL") == {4}


def test_members_needs_one_column(db: Engine) -> None:
    with pytest.raises(ValueError, match="one column"):
        db.members(f"SELECT {q(db, 'customer_id')}, {q(db, 'age')} FROM {q(db, 'customers')}")


def test_load_replaces_data(db: Engine, schema: Schema) -> None:
    db.load(schema, [{"customer_id": 7, "age": 40}], {})
    assert where(db, "{age} > 0") == {7}
    c, o = q(db, "customer_id"), q(db, "orders")
    assert db.members(f"SELECT {c} FROM {o}") == set()


def test_instances_are_isolated(db: Engine, schema: Schema) -> None:
    """A second engine of the same kind (say conftest's and this module's) has its own tables."""
    factory = available_engines()[db.name]
    assert not isinstance(factory, str)
    second = factory()
    try:
        second.load(schema, [{"customer_id": 9, "age": 99}], {})
        assert where(second, "{age} > 0") == {9}
        assert where(db, "{age} >= 18") == {1, 4}
    finally:
        second.close()
    assert where(db, "{age} >= 18") == {1, 4}


# -- engine-independent checks of the harness itself ----------------------------------------


def test_rows_are_validated(schema: Schema) -> None:
    with pytest.raises(ValueError, match="unknown column"):
        tables_for(schema, [{"customer_id": 1, "agee": 3}], {})
    with pytest.raises(ValueError, match="unknown relation"):
        tables_for(schema, [], {"purchases": []})
    with pytest.raises(TypeError, match="expected int"):
        tables_for(schema, [{"customer_id": 1, "age": "34"}], {})


def test_layout_uses_physical_columns(schema: Schema) -> None:
    customers, orders, events = tables_for(schema, CUSTOMERS, {"orders": ORDERS})
    names = [c.name for c in customers.columns]
    assert names[0] == "customer_id" and "name" in names and "full_name" not in names
    assert orders.name == "orders" and len(orders.rows) == 4 and events.rows == ()
    row = dict(zip(names, customers.rows[3], strict=True))
    assert row["name"] == "Dana"
    assert row["last_seen_at"] == dt.datetime(2024, 1, 15, 8, 0, 0, 250000)
    assert normalise(30, orders.columns[2].type) == Decimal(30)


def test_spark_runs_on_java_17() -> None:
    """Spark 4 is tested on Java 17: the JVM the tests start is that one, whatever else is installed."""
    engine = engine_or_skip("spark")
    jvm = engine._spark.sparkContext._jvm  # type: ignore[attr-defined]
    assert str(jvm.System.getProperty("java.version")).startswith("17"), jvm.System.getProperty("java.version")


def test_java_version_is_read_from_the_version_line(tmp_path: Path) -> None:
    from tests.engines import _java_major

    for line, major in [('openjdk version "17.0.15" 2025-04-15', 17), ('java version "1.8.0_392"', 8),
                        ('openjdk version "25" 2025-09-16', 25)]:
        fake = tmp_path / f"java{major}"
        fake.write_text(f"#!/bin/sh\necho '{line}' >&2\n", encoding="utf-8")
        fake.chmod(0o755)
        assert _java_major(str(fake)) == major
    assert _java_major(str(tmp_path / "missing")) is None
