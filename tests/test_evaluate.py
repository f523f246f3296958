"""The reference evaluator on small hand-built datasets with hand-computed members."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from segdsl import ir, load_schema
from segdsl.api import segment_ir
from segdsl.evaluate import (
    Dataset,
    evaluate,
    evaluate_segment,
    explain_member,
    resolve_day,
    shift_months,
)

SCHEMA = load_schema(Path(__file__).resolve().parent.parent / "examples" / "schema.yml")
AS_OF = dt.date(2026, 6, 30)
D = Decimal
T = dt.datetime
Day = dt.date


def customers(**rows: dict[str, Any]) -> list[dict[str, Any]]:
    """customers(c1={...}) -> entities keyed 1, 2, ... by the number in the name."""
    return [{"customer_id": int(name[1:]), **fields} for name, fields in rows.items()]


def members(text: str, entities: list[dict[str, Any]], orders: list[dict[str, Any]] | None = None,
            as_of: dt.date = AS_OF, name: str | None = None) -> set[Any]:
    segment = segment_ir(text, SCHEMA, name)
    data = Dataset(entities, {"orders": orders or [], "events": []})
    return evaluate_segment(segment, SCHEMA, data, as_of)


def order(customer: Any, **fields: Any) -> dict[str, Any]:
    return {"customer_id": customer, **fields}


# ---- missing values and complements ------------------------------------------------------

PEOPLE = customers(c1={"region": "UK", "age": 30}, c2={"region": "US", "age": 17},
                   c3={"region": None, "age": None}, c4={})
EVERYONE = {1, 2, 3, 4}


@pytest.mark.parametrize(("text", "expected"), [
    ("region = 'UK'", {1}),
    ("region != 'UK'", {2, 3, 4}),
    ("not region = 'UK'", {2, 3, 4}),
    ("region in ('UK', 'US')", {1, 2}),
    ("region not in ('UK', 'US')", {3, 4}),
    ("age >= 18", {1}),
    ("not age >= 18", {2, 3, 4}),
    ("age < 18", {2}),
    ("age 10..30", {1, 2}),
    ("not age 10..30", {3, 4}),
    ("region is null", {3, 4}),
    ("region is not null", {1, 2}),
    ("adult", {1}),
    ("not adult", {2, 3, 4}),
])
def test_missing_values(text: str, expected: set[int]) -> None:
    assert members(text, PEOPLE) == expected


@pytest.mark.parametrize("text", [
    "region = 'UK'", "age >= 18", "region in ('UK', 'IE')", "age 18..40 or region = 'US'",
    "city starts with 'Lon'", "interests has any ('x')", "last_seen_at in last 30 days",
])
def test_a_condition_and_its_negation_partition_everyone(text: str) -> None:
    positive = members(text, PEOPLE)
    negative = members(f"not ({text})", PEOPLE)
    assert positive | negative == EVERYONE
    assert not positive & negative


def test_fields_are_read_by_physical_column() -> None:
    people = customers(c1={"name": "Ann"}, c2={"name": "Bob"}, c3={"full_name": "Ann"})
    assert members("full_name = 'Ann'", people) == {1}


def test_decimal_and_int_compare_numerically() -> None:
    people = customers(c1={"income": D("1000.50")}, c2={"income": 1000}, c3={"income": 1001.0})
    assert members("income > 1000", people) == {1, 3}
    assert members("income = 1000.0", people) == {2}


# ---- days and timestamps -------------------------------------------------------------

def test_timestamps_compare_by_calendar_day_with_date_bounds() -> None:
    people = customers(c1={"last_seen_at": T(2024, 1, 1, 23, 59, 59)},
                       c2={"last_seen_at": T(2024, 1, 2, 0, 0)},
                       c3={"last_seen_at": T(2023, 12, 31, 23, 59, 59)},
                       c4={"last_seen_at": None})
    assert members("last_seen_at <= 2024-01-01", people) == {1, 3}
    assert members("last_seen_at < 2024-01-01", people) == {3}
    assert members("last_seen_at = 2024-01-01", people) == {1}
    assert members("last_seen_at != 2024-01-01", people) == {2, 3, 4}
    assert members("last_seen_at > 2024-01-01", people) == {2}
    assert members("last_seen_at >= 2024-01-01", people) == {1, 2}
    assert members("last_seen_at in (2024-01-01, 2024-01-02)", people) == {1, 2}
    assert members("last_seen_at 2024-01-01..2024-01-02", people) == {1, 2}


def test_timestamp_bounds_compare_exactly() -> None:
    people = customers(c1={"last_seen_at": T(2024, 1, 1, 12, 0)},
                       c2={"last_seen_at": T(2024, 1, 1, 12, 0, 1)},
                       c3={"signup_date": Day(2024, 1, 1)})
    assert members("last_seen_at <= 2024-01-01T12:00", people) == {1}
    assert members("last_seen_at > 2024-01-01T12:00", people) == {2}
    # a date value counts as midnight of its day against a timestamp bound
    assert members("signup_date < 2024-01-01T00:00:01", people) == {3}
    assert members("signup_date > 2024-01-01T00:00", people) == set()
    assert members("signup_date >= 2024-01-01T00:00", people) == {3}


def test_in_last_3_months_covers_whole_calendar_days() -> None:
    people = customers(c1={"last_seen_at": T(2026, 3, 31, 23, 59, 59)},
                       c2={"last_seen_at": T(2026, 4, 1, 0, 0)},
                       c3={"last_seen_at": T(2026, 6, 30, 23, 59, 59)},
                       c4={"last_seen_at": T(2026, 7, 1, 0, 0)},
                       c5={"signup_date": Day(2026, 4, 1)},
                       c6={"signup_date": Day(2026, 3, 31)},
                       c7={"signup_date": Day(2026, 7, 1)})
    assert members("last_seen_at in last 3 months", people) == {2, 3}
    assert members("signup_date in last 3 months", people) == {5}
    assert members("last_seen_at in last 1 week", people) == {3}  # 2026-06-24..2026-06-30


def test_month_end_clamping() -> None:
    people = customers(c1={"signup_date": Day(2026, 2, 28)}, c2={"signup_date": Day(2026, 3, 1)},
                       c3={"signup_date": Day(2023, 2, 27)}, c4={"signup_date": Day(2023, 2, 28)})
    # 2026-05-31 minus 3 months = 2026-02-28
    assert members("signup_date after 3 months ago", people, as_of=Day(2026, 5, 31)) == {2}
    # 2024-02-29 minus 1 year = 2023-02-28
    assert members("signup_date before 1 year ago", people, as_of=Day(2024, 2, 29)) == {3}
    assert members("signup_date after 12 months ago", people, as_of=Day(2024, 2, 29)) == {1, 2}


def test_calendar_helpers() -> None:
    assert shift_months(Day(2026, 5, 31), -3) == Day(2026, 2, 28)
    assert shift_months(Day(2024, 2, 29), -12) == Day(2023, 2, 28)
    assert shift_months(Day(2024, 3, 31), -1) == Day(2024, 2, 29)
    assert shift_months(Day(2026, 1, 15), -1) == Day(2025, 12, 15)
    assert shift_months(Day(2025, 12, 31), 2) == Day(2026, 2, 28)
    assert resolve_day(ir.RelativeDay(3, "month", plus_days=1), AS_OF) == Day(2026, 4, 1)
    assert resolve_day(ir.RelativeDay(2, "week"), AS_OF) == Day(2026, 6, 16)
    assert resolve_day(ir.RelativeDay(0, "day"), AS_OF) == AS_OF


# ---- aggregates ------------------------------------------------------------------------

SHOPPERS = customers(c1={}, c2={}, c3={}, c4={})
ORDERS = [
    order(1, amount=D("10.00"), status="paid", category="a", created_at=T(2026, 6, 20, 9, 0)),
    order(1, amount=D("5.50"), status="refunded", category="b", created_at=T(2026, 1, 5, 9, 0)),
    order(1, amount=None, status="paid", category=None, created_at=T(2026, 6, 29, 9, 0)),
    order(2, amount=D("0.1"), status="cancelled", category="a", created_at=T(2026, 6, 1, 9, 0)),
    order(2, amount=D("0.2"), status="paid", category="a", created_at=T(2026, 5, 31, 23, 59)),
    order(2, amount=D("0.3"), status="paid", category="a", created_at=T(2025, 6, 1, 9, 0)),
    order(3, amount=None, status="paid", category="c", created_at=None),
    order(None, amount=D("99"), status="paid", category="z", created_at=T(2026, 6, 1)),
    order(99, amount=D("99"), status="paid", category="z", created_at=T(2026, 6, 1)),
]  # customer 4 has no orders; the last two rows belong to nobody


@pytest.mark.parametrize(("text", "expected"), [
    ("count(orders) = 0", {4}),
    ("no orders", {4}),
    ("has orders", {1, 2, 3}),
    ("count(orders) = 3", {1, 2}),
    ("count(orders) = 1", {3}),
    ("count(orders where status = 'paid') = 2", {1, 2}),
    ("count distinct(orders.category) = 2", {1}),
    ("count distinct(orders.category) = 1", {2, 3}),
    ("count distinct(orders.category) = 0", {4}),
    ("sum(orders.amount) = 0", {3, 4}),
    ("sum(orders.amount) < 1", {2, 3, 4}),
    ("sum(orders.amount) = 15.5", {1}),
    ("sum(orders.amount) = 0.6", {2}),
    ("avg(orders.amount) = 0.2", {2}),
    ("avg(orders.amount) = 7.75", {1}),
    ("avg(orders.amount) > 0", {1, 2}),
    ("avg(orders.amount) <= 0", set()),
    ("not avg(orders.amount) > 0", {3, 4}),
    ("avg(orders.amount) is null", {3, 4}),
    ("min(orders.amount) < 100", {1, 2}),
    ("max(orders.amount) >= 0", {1, 2}),
    ("max(orders.amount) = 10", {1}),
    ("min(orders.amount) = 0.1", {2}),
    ("max(orders.created_at) >= 2026-06-29", {1}),
    ("max(orders.created_at) < 2026-06-29", {2}),
    ("last_order_at is null", {3, 4}),
    ("lifetime_value = 10", {1}),
    ("lifetime_value = 0.5", {2}),
    ("lifetime_value = 0", {3, 4}),
])
def test_aggregates(text: str, expected: set[int]) -> None:
    assert members(text, SHOPPERS, ORDERS) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("has orders in last 30 days", {1, 2}),  # 2026-06-01..2026-06-30
    ("no orders in last 30 days", {3, 4}),
    ("has orders in last 30 days where status = 'paid'", {1}),
    ("no orders in last 30 days where status = 'paid'", {2, 3, 4}),
    ("has orders in last 1 month where status = 'paid'", {1}),  # 06-01..06-30: not 05-31 23:59
    ("has orders in last 2 months where status = 'paid'", {1, 2}),
    ("has orders where (amount > 1 and status = 'refunded')", {1}),
    ("count(orders in last 90 days) = 2", {1, 2}),
    ("orders_90d = 0", {3, 4}),
    ("count(orders between 2026-06-01 and 2026-06-20) = 1", {1, 2}),
    ("count(orders before 2026-01-06) = 1", {1, 2}),
    ("sum(orders.amount in last 1 year where status = 'paid') = 0.2", {2}),
    ("sum(orders.amount where category = 'zzz') = 0", {1, 2, 3, 4}),
    ("avg(orders.amount where category = 'zzz') >= 0", set()),
])
def test_windows_and_filters(text: str, expected: set[int]) -> None:
    assert members(text, SHOPPERS, ORDERS) == expected


def test_avg_is_exact() -> None:
    orders = [order(1, order_id=1), order(1, order_id=1), order(1, order_id=2),
              order(2, order_id=1), order(2, order_id=2)]
    assert members("avg(orders.order_id) = 1.5", SHOPPERS, orders) == {2}
    assert members("avg(orders.order_id) > 1.3333333333", SHOPPERS, orders) == {1, 2}
    assert members("avg(orders.order_id) < 1.3333333334", SHOPPERS, orders) == {1}


def test_relation_keys_match_entity_keys_by_equality() -> None:
    people = [{"customer_id": "A"}, {"customer_id": "B"}, {"customer_id": None}]
    orders = [order("A"), order("a"), order(None)]
    assert members("has orders", people, orders) == {"A"}  # a missing key joins nothing


def test_missing_relation_data_is_an_error() -> None:
    pred = segment_ir("has orders", SCHEMA).pred
    with pytest.raises(KeyError):
        evaluate(pred, SCHEMA, Dataset(SHOPPERS, {}), AS_OF)


# ---- percentiles ---------------------------------------------------------------------

RANKED = customers(**{f"c{i}": {"income": v} for i, v in
                      enumerate([10, 9, 9, 8, 7, 6, 5, 4, 3, 2, None], start=1)})


@pytest.mark.parametrize(("text", "expected"), [
    ("income in top 20%", {1, 2, 3}),  # #greater < 2: 10 and both 9s (ties go in together)
    ("income in top 10%", {1}),
    ("income in top 10.5%", {1, 2, 3}),  # 100 * 1 < 10.5 * 10
    ("income in top 30%", {1, 2, 3}),
    ("income in top 31%", {1, 2, 3, 4}),
    ("income in bottom 20%", {9, 10}),
    ("income in bottom 100%", set(range(1, 11))),
    ("not income in top 20%", {4, 5, 6, 7, 8, 9, 10, 11}),
])
def test_percentiles(text: str, expected: set[int]) -> None:
    assert members(text, RANKED) == expected


def test_percentile_ties_at_the_bottom_cut() -> None:
    people = customers(c1={"age": 1}, c2={"age": 1}, c3={"age": 2}, c4={"age": 3})
    assert members("age in bottom 25%", people) == {1, 2}  # #smaller = 0 < 1
    assert members("age in bottom 50%", people) == {1, 2}  # age 2 has #smaller = 2, not < 2


def test_percentile_of_an_aggregate() -> None:
    # sums: 1 -> 15.5, 2 -> 0.6, 3 -> 0, 4 -> 0 (no orders is a sum of 0, so it is ranked)
    assert members("sum(orders.amount) in top 50%", SHOPPERS, ORDERS) == {1, 2}
    assert members("sum(orders.amount) in bottom 25%", SHOPPERS, ORDERS) == {3, 4}
    assert members("avg(orders.amount) in bottom 50%", SHOPPERS, ORDERS) == {2}


# ---- segments, lists, text -----------------------------------------------------------

def test_in_segment() -> None:
    text = ("segment grown where age >= 18\n"
            "segment grown_uk where in segment grown and region = 'UK'\n"
            "segment others where not in segment grown\n")
    assert members(text, PEOPLE, name="grown") == {1}
    assert members(text, PEOPLE, name="grown_uk") == {1}
    assert members(text, PEOPLE, name="others") == {2, 3, 4}


LISTS = customers(c1={"interests": ["golf", "wine"]}, c2={"interests": ["golf"]},
                  c3={"interests": None}, c4={"interests": []}, c5={"interests": [None, "wine"]})


@pytest.mark.parametrize(("text", "expected"), [
    ("interests has any ('golf', 'wine')", {1, 2, 5}),
    ("interests has all ('golf', 'wine')", {1}),
    ("interests has all ('wine')", {1, 5}),
    ("interests contains 'golf'", {1, 2}),
    ("interests contains 'Golf'", set()),
    ("not interests has any ('golf')", {3, 4, 5}),
    ("interests is null", {3}),
])
def test_lists(text: str, expected: set[int]) -> None:
    assert members(text, LISTS) == expected


TEXTS = customers(c1={"email": "ann@example.com", "city": "a_b"},
                  c2={"email": "bob@EXAMPLE.com", "city": "axb"},
                  c3={"email": "x@example.community", "city": "100%"},
                  c4={"email": None, "city": None},
                  c5={"email": "example.com", "city": "1000"})


@pytest.mark.parametrize(("text", "expected"), [
    ("email matches 'example'", {1, 3, 5}),
    ("email matches 'example\\.com$'", {1, 5}),
    ("email matches '^[a-z]+@'", {1, 2, 3}),
    ("not email matches 'example'", {2, 4}),
    ("city starts with 'a_'", {1}),
    ("city contains '_'", {1}),
    ("city ends with '%'", {3}),
    ("city contains '0%'", {3}),
    ("city starts with '10'", {3, 5}),
    ("city starts with 'A'", set()),
    ("email ends with 'example.com'", {1, 5}),
    ("not city contains '%'", {1, 2, 4, 5}),
])
def test_text_and_regex(text: str, expected: set[int]) -> None:
    assert members(text, TEXTS) == expected


# ---- explanations and scale ------------------------------------------------------------

def test_explain_member() -> None:
    pred = segment_ir("age >= 18 and region = 'US'", SCHEMA).pred
    data = Dataset(PEOPLE, {})
    assert explain_member(pred, SCHEMA, data, AS_OF, 1) == [("age >= 18", True),
                                                             ("region = 'US'", False)]
    assert [held for _, held in explain_member(pred, SCHEMA, data, AS_OF, 2)] == [False, True]
    with pytest.raises(KeyError):
        explain_member(pred, SCHEMA, data, AS_OF, 42)


def test_explain_member_describes_every_kind_of_condition() -> None:
    text = ("last_seen_at in last 30 days and city starts with 'a' and email matches 'x' and "
            "interests has all ('golf') and region in ('UK') and income in top 10% and "
            "city is null and (age > 1 or not has orders where status = 'paid')")
    entity = {"customer_id": 1, "last_seen_at": T(2026, 6, 30), "city": "ab", "email": "x",
              "interests": ["golf"], "region": "UK", "income": 5, "age": 3}
    pred = segment_ir(text, SCHEMA).pred
    explained = explain_member(pred, SCHEMA, Dataset([entity], {"orders": []}), AS_OF, 1)
    assert [held for _, held in explained] == [True, True, True, True, True, True, False, True]
    assert explained[0][0] == "last_seen_at >= (as_of + 1 days - 30 day) and <= as_of"
    assert explained[-1][0] == "(age > 1 or not count(orders where status = 'paid') > 0)"


def test_empty_and_or_and_constants() -> None:
    data = Dataset(PEOPLE, {})
    assert evaluate(ir.And(()), SCHEMA, data, AS_OF) == EVERYONE
    assert evaluate(ir.Or(()), SCHEMA, data, AS_OF) == set()
    assert evaluate(ir.Const(True), SCHEMA, data, AS_OF) == EVERYONE
    assert evaluate(ir.Not(ir.Const(True)), SCHEMA, data, AS_OF) == set()


def test_many_rows() -> None:
    people = [{"customer_id": i, "income": i % 100} for i in range(5000)]
    orders = [order(i % 5000, amount=D(i % 7), status="paid",
                    created_at=T(2026, 1, 1) + dt.timedelta(hours=i)) for i in range(50000)]
    text = "count(orders in last 90 days where status = 'paid') >= 1 and income in top 10%"
    got = members(text, people, orders)
    # orders span 2026-01-01 .. 2031-09 hourly; the last 90 days (2026-04-02..06-30) hold
    # rows 2184..4343, one per customer for customers 2184..4343
    assert got == {i for i in range(2184, 4344) if i % 100 >= 90}


def test_many_segments_at_once_agree_with_one_at_a_time() -> None:
    """evaluate_segments shares aggregates and percentiles between segments (the differential
    suite evaluates hundreds per dataset); sharing must not change an answer."""
    from segdsl.evaluate import evaluate_segments
    from segdsl.project import build_program

    people = [{"customer_id": i, "age": i % 7 or None} for i in range(1, 40)]
    orders = [order(i % 45, amount=D(i % 5) - 1, status=("paid", "Paid", None)[i % 3],
                    created_at=T(2026, 6, 30, 23, 59, 59, 999999) - dt.timedelta(days=i)) for i in range(120)]
    text = ("segment a where count(orders in last 30 days where status = 'paid') >= 1\n"
            "segment b where sum(orders.amount where status = 'paid') in top 25%\n"
            "segment c where in segment a and not in segment b\n"
            "segment d where (in segment a or age in bottom 50%) and avg(orders.amount) < 1\n")
    program = build_program([("t.seg", text)], SCHEMA)
    assert program.ok
    data = Dataset(people, {"orders": orders, "events": []})
    together = evaluate_segments(program.segments, SCHEMA, data, AS_OF)
    assert together == {n: evaluate_segment(s, SCHEMA, data, AS_OF) for n, s in program.segments.items()}
    assert together["c"] == together["a"] - together["b"] and together["a"]
