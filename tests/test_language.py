"""Every form of the language, as written in the docs, parses and checks."""

from __future__ import annotations

import pytest

import segdsl
from segdsl import ir
from segdsl.api import segment_ir
from segdsl.parser import parse_file

FORMS = [
    "age 25..40",
    "age between 25 and 40",
    "age >= 18",
    "age = 18", "age != 18", "age < 18", "age <= 18", "age > 18", "age == 18", "age <> 18",
    "region = 'UK'",
    "region in ('UK', 'IE')",
    "region not in ('UK', 'IE')",
    "email ends with '@gmail.com'",
    "email starts with 'ann'",
    "email contains 'gmail'",
    "email matches '^[a-z]+@(gmail|outlook)\\.com$'",
    "phone is null",
    "phone is not null",
    "is_subscribed",
    "is_subscribed = false",
    "signup_date >= 2024-01-01",
    "last_seen_at >= 2024-01-01T10:30:00",
    "signup_date 2024-01-01..2024-03-31",
    "last_seen_at in last 30 days",
    "last_seen_at in last 1 day",
    "last_seen_at in last 2 weeks",
    "last_seen_at in last 3 months",
    "last_seen_at in last 1 year",
    "last_seen_at before 90 days ago",
    "last_seen_at after 30 days ago",
    "signup_date before 2024-01-01",
    "signup_date after 2024-01-01",
    "interests contains 'running'",
    "interests has any ('running', 'yoga')",
    "interests has all ('running', 'yoga')",
    "not (region = 'UK' or age < 18)",
    "# a comment\nage > 3 # another\n",
    "full_name = \"O'Brien\"",
    "full_name = 'O''Brien'",
    "count(orders) >= 3",
    "count(orders in last 90 days) >= 3",
    "count(orders in last 90 days where status = 'paid' and amount > 20) >= 3",
    "sum(orders.amount in last 365 days where status = 'paid') > 500",
    "avg(orders.amount) > 50", "min(orders.amount) > 5", "max(orders.amount) < 5000",
    "count distinct(orders.category) >= 3",
    "max(orders.created_at) before 180 days ago",
    "min(orders.created_at) in last 30 days",
    "has orders in last 30 days where amount > 100",
    "no orders in last 180 days",
    "has events in last 7 days where name = 'add_to_cart' and no events in last 7 days where name = 'purchase'",
    "lifetime_value in top 10%",
    "lifetime_value in bottom 25%",
    "has orders where (amount > 100 and status = 'paid')",
    "count(orders between 2024-01-01 and 2024-03-31) > 0",
    "orders_90d >= 3 and adult",
    "`age` > 3",
]


@pytest.mark.parametrize("text", FORMS)
def test_form_checks(example_schema, text: str) -> None:
    assert segdsl.check(text, example_schema) == []


def test_segment_references_form(example_schema) -> None:
    text = """
segment high_value where lifetime_value in top 10%
segment churned where no orders in last 180 days
segment keep where in segment high_value and not in segment churned
"""
    assert segdsl.check(text, example_schema) == []


def test_segment_file_with_description(example_schema) -> None:
    text = '''# segments/uk_frequent.seg
segment uk_frequent
  description "Frequent UK buyers aged 25-40"
  where age 25..40
    and region in ('UK', 'IE')
    and orders_90d >= 3
'''
    parsed, problems = parse_file(text, "uk_frequent.seg")
    assert problems == []
    (segment,) = parsed.segments
    assert segment.name.text == "uk_frequent"
    assert segment.description is not None and segment.description.value == "Frequent UK buyers aged 25-40"


def test_bare_expression_named_after_file() -> None:
    parsed, problems = parse_file("age > 3", "segments/older-kids.seg")
    assert problems == []
    assert parsed.segments[0].name.text == "older_kids"


def test_keywords_need_word_boundaries(example_schema) -> None:
    schema = segdsl.load_schema({
        "table": "t", "key": "id",
        "fields": {"notes": "string", "order_count": "int", "android": "bool", "inside": "int"},
    })
    assert segdsl.check("notes = 'andrew' and order_count > 1 and android and inside > 2", schema) == []


def test_precedence_not_and_or(example_schema) -> None:
    segment = segment_ir("not age > 1 and age < 5 or age = 9", example_schema)
    pred = segment.pred
    assert isinstance(pred, ir.Or)
    left = pred.preds[0]
    assert isinstance(left, ir.And)
    assert isinstance(left.preds[0], ir.Not)


def test_strings_keep_backslashes_and_doubled_quotes(example_schema) -> None:
    segment = segment_ir(r"""email = 'a\b''c' or email = "d""e" """, example_schema)
    assert isinstance(segment.pred, ir.Or)
    literals = [p.literal.value for p in segment.pred.preds]  # type: ignore[union-attr]
    assert literals == ["a\\b'c", 'd"e']


def test_ranges_lex_numbers_correctly(example_schema) -> None:
    segment = segment_ir("income 0.5..40", example_schema)
    compares = segment.pred.preds  # type: ignore[union-attr]
    assert [str(c.literal.value) for c in compares] == ["0.5", "40"]


def test_ten_thousand_conditions_do_not_recurse(example_schema) -> None:
    text = " and ".join(f"age != {i}" for i in range(10_000))
    sql = segdsl.compile(text, example_schema)
    assert sql.count("<>") == 10_000


@pytest.mark.parametrize("text", ["region in ()", "region not in ( )", "interests has any ()",
                                  "interests has all ()", "count(orders where status in ()) > 1"])
def test_empty_lists_are_seg113_not_a_syntax_error(example_schema, text: str) -> None:
    found = segdsl.check(text, example_schema)
    assert [d.code for d in found] == ["SEG113"], text
    assert found[0].message == "this list is empty"


@pytest.mark.parametrize(("text", "empty"), [
    ("last_seen_at between 2024-01-01T12:00:00 and 2024-01-01", False),  # 12:00 to midnight
    ("last_seen_at 2024-01-01T23:59:59..2024-01-01", False),
    ("last_seen_at between 2024-01-01 and 2024-01-01T00:00:00", False),  # the first instant
    ("has orders between 2024-01-01T12:00:00 and 2024-01-01", False),
    ("last_seen_at between 2024-01-02T00:00:00 and 2024-01-01", True),
    ("last_seen_at between 2024-01-02 and 2024-01-01T23:59:59", True),
    ("has orders between 2024-01-02 and 2024-01-01", True),
])
def test_empty_range_follows_the_whole_day_rule(example_schema, text: str, empty: bool) -> None:
    codes = [d.code for d in segdsl.check(text, example_schema)]
    assert codes == (["SEG114"] if empty else []), text


@pytest.mark.parametrize("engine_name", ["duckdb", "sqlite"])
def test_timestamp_to_date_range_runs_to_the_end_of_the_day(example_schema, engine_name: str) -> None:
    import datetime as dt

    from tests.engines import engine_or_skip

    engine = engine_or_skip(engine_name)
    seen = [dt.datetime(2024, 1, 1, 11), dt.datetime(2024, 1, 1, 12), dt.datetime(2024, 1, 1, 23, 59, 59),
            dt.datetime(2024, 1, 2), None]
    engine.load(example_schema, [{"customer_id": i, "last_seen_at": t} for i, t in enumerate(seen, 1)], {})
    sql = segdsl.compile("last_seen_at between 2024-01-01T12:00:00 and 2024-01-01", example_schema,
                         dialect=engine.dialect)
    assert engine.members(sql) == {2, 3}


def test_leading_byte_order_mark_is_skipped(example_schema) -> None:
    parsed, problems = parse_file("\ufeffsegment a where agee > 1\n", "bom.seg")
    assert problems == [] and parsed.segments[0].span.column == 1
    (found,) = segdsl.check("\ufeffsegment a where agee > 1\n", example_schema)
    assert (found.code, found.span.line, found.span.column) == ("SEG101", 1, 17)
    assert found.line_text == "segment a where agee > 1"
    assert segdsl.check("\ufeffage > 1", example_schema) == []
    assert [d.code for d in segdsl.check("age > 1 and \ufeff", example_schema)] == ["SEG002"]


def test_window_after_a_filter_hints_where_it_goes(example_schema) -> None:
    (found,) = segdsl.check("no orders where status = 'paid' in last 7 days", example_schema)
    assert found.code == "SEG001"
    assert found.hint == "a window goes before 'where': no orders in last 7 days where status = 'paid'"


@pytest.mark.parametrize(("text", "ok"), [
    ("age < 9223372036854775807", True), ("age > -9223372036854775808", True),
    ("age < 9223372036854775808", False), ("age > -9223372036854775809", False),
    ("income > 1234567890123456789012345678901234567.8", True),
    ("income > 12345678901234567890123456789012345678.9", False),
    ("count(orders) < 99999999999999999999", False), ("age in (1, 99999999999999999999)", False),
])
def test_numbers_must_fit_every_engine(example_schema, text: str, ok: bool) -> None:
    """64-bit whole numbers and 38-digit decimals (DECIMAL(38)): what every engine reads alike."""
    codes = [d.code for d in segdsl.check(text, example_schema)]
    assert ("SEG121" not in codes) == ok, codes


@pytest.mark.parametrize(("text", "code", "hint"), [
    ("city = \u2018London\u2019", "SEG002", "use straight quotes"),
    ("city = \u201cLondon\u201d", "SEG002", "use straight quotes"),
    ("age => 18", "SEG001", "did you mean '>='?"),
    ("age =< 18", "SEG001", "did you mean '<='?"),
    ("last_seen_at in last 30 dayz", "SEG001", "did you mean 'days'?"),
    ("last_seen_at before 3 monts ago", "SEG001", "did you mean 'months'?"),
    ("signup_date >= 2024-1-1", "SEG001", "write dates as YYYY-MM-DD"),
    ("signup_date 2024-01-01..2024-3-31", "SEG001", "write dates as YYYY-MM-DD"),
    ("last_seen_at = 90 days ago", "SEG001", "'today' and 'N days ago' name a day for 'before'"),
    ("signup_date >= today", "SEG001", "'today' and 'N days ago' name a day for 'before'"),
])
def test_common_slips_get_a_hint(example_schema, text: str, code: str, hint: str) -> None:
    (found,) = segdsl.check(text, example_schema)
    assert found.code == code and found.hint is not None and found.hint.startswith(hint), found
