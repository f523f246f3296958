"""Compiled SQL executed on real engines against hand-computed members.

Every expected set below was worked out by hand from tests/dataset.py (see the comments
there for the window boundaries). The same cases run on every available engine.
"""

from __future__ import annotations

import pytest

import segdsl
from segdsl.compiler import segment_sql
from tests.dataset import ALL, AS_OF

EXAMPLE_MEMBERS = {
    "young_professionals": {1, 6}, "adult_subscribers": {1, 5, 6, 8, 9}, "affluent_women": {1, 5, 7, 10}, "uk_ireland": {1, 2, 6},
    "london_or_dublin": {1, 2, 6}, "outside_europe": {3, 4}, "wellness_enthusiasts": {1, 6, 7},
    "foodie_travellers": {9}, "young_families": {2, 8}, "nearing_retirement": {7},
    "high_value": {4}, "big_spenders_this_year": {1, 2}, "low_value": {3, 6, 7},
    "uk_frequent": {1}, "recent_big_order": {1}, "category_explorers": {1}, "new_customers": set(),
    "rfm_champions": {9}, "rfm_at_risk": {10}, "churn_risk": {10}, "dormant": {5, 8, 10},
    "vip_keep_warm": {4}, "cart_abandoners": {6, 8}, "enterprise_tech": {1, 9}, "smb_retail": {2, 7},
    "gmail_subscribers": {1, 9},
}

# (segment text, expected member keys)
CASES: list[tuple[str, set[int]]] = [
    # ranges and comparisons
    ("age 25..40", {1, 2, 6, 9}),
    ("age between 25 and 40", {1, 2, 6, 9}),
    ("not (age 25..40)", {3, 4, 5, 7, 8, 10}),
    ("age >= 18", {1, 2, 5, 6, 7, 8, 9, 10}),
    ("age < 18", {4}),
    ("not age >= 18", {3, 4}),
    ("age == 30 or age <> 30 and age > 60", {1, 5}),
    ("income > 79999.99", {1, 5, 7, 10}),
    ("income >= 79999.99", {1, 5, 7, 8, 10}),
    ("gender = 'female' and income >= 80000", {1, 5, 7, 10}),
    ("company_size 1..49", {2, 7}),
    ("industry = 'tech' and company_size >= 500", {1, 9}),
    # equality, lists of values, missing values
    ("region = 'UK'", {1, 6}),
    ("region != 'UK'", {2, 3, 4, 5, 7, 8, 9, 10}),
    ("region in ('UK', 'IE')", {1, 2, 6}),
    ("region not in ('UK', 'IE')", {3, 4, 5, 7, 8, 9, 10}),
    ("not (region = 'UK' or age < 18)", {2, 3, 5, 7, 8, 9, 10}),
    ("region = 'UK' or age > 60", {1, 5, 6}),
    ("phone is null", {2, 3, 6}),
    ("phone is not null", {1, 4, 5, 7, 8, 9, 10}),
    ("phone = ''", {7}),
    # text: exact, case-sensitive, % and _ literal, quotes, backslashes, unicode
    ("email ends with '@gmail.com'", {1, 9}),
    ("email starts with 'UK'", {7}),
    ("email contains 'uk'", set()),
    ("email contains 'a_n'", set()),
    ("email contains 'a%m'", set()),
    ("email contains '%_'", {6}),
    ("email starts with '50%'", {6}),
    ("not email contains '@'", {3, 5}),
    ("email = \"x'; drop table customers; --\"", {5}),
    ("email = 'x''; drop table customers; --'", {5}),
    ("full_name = \"Ann O'Brien\"", {1}),
    ("full_name = 'A\\B'", {8}),
    ("full_name = 'Zoë Müller'", {4}),
    ("city = 'New York'", {4}),
    ("email ends with 'ë@example.com'", {4}),
    # booleans
    ("is_subscribed", {1, 4, 5, 6, 8, 9}),
    ("is_subscribed = false", {2, 7, 10}),
    ("not is_subscribed", {2, 3, 7, 10}),
    ("adult", {1, 2, 5, 6, 7, 8, 9, 10}),
    ("not adult", {3, 4}),
    # dates and timestamps: whole calendar days
    ("signup_date >= 2024-01-01", {1, 4, 6, 9}),
    ("signup_date 2024-01-01..2026-04-01", {1, 6, 9}),
    ("signup_date before 2024-01-01", {2, 5, 7, 8, 10}),
    ("signup_date after 2024-01-01", {4, 6, 9}),
    ("signup_date in last 90 days", {4}),
    ("last_seen_at <= 2026-03-31", {5, 7, 8, 10}),
    ("last_seen_at = 2026-06-30", {1}),
    ("last_seen_at >= 2026-06-01", {1, 2, 9}),
    ("last_seen_at > 2026-05-31", {1, 2, 9}),
    ("last_seen_at != 2026-06-30", {2, 3, 4, 5, 6, 7, 8, 9, 10}),
    ("last_seen_at < 2026-04-01T00:00:01", {5, 6, 7, 8, 10}),
    ("last_seen_at in last 30 days", {1, 2, 9}),
    ("last_seen_at in last 90 days", {1, 2, 4, 9}),
    ("last_seen_at in last 3 months", {1, 2, 4, 6, 9}),
    ("last_seen_at before 90 days ago", {5, 7, 8, 10}),
    ("last_seen_at after 90 days ago", {1, 2, 4, 9}),
    ("last_seen_at before today", {2, 4, 5, 6, 7, 8, 9, 10}),
    ("last_seen_at after today", set()),
    ("not last_seen_at in last 30 days", {3, 4, 5, 6, 7, 8, 10}),
    # list fields
    ("interests contains 'travel'", {1, 2, 7, 8, 9}),
    ("interests has any ('yoga', 'running')", {1, 6, 7}),
    ("interests has all ('cooking', 'travel')", {2, 7, 9}),
    ("not interests contains 'travel'", {3, 4, 5, 6, 10}),
    ("interests is null", {3}),
    # aggregates over related rows
    ("count(orders) >= 3", {1, 7, 9, 10}),
    ("count(orders) = 0", {3, 6}),
    ("count(orders in last 90 days) >= 3", {1}),
    ("count(orders in last 365 days where status = 'paid') >= 5", {9}),
    ("sum(orders.amount in last 365 days where status = 'paid') >= 300", {1, 2, 9}),
    ("orders_90d >= 3", {1}),
    ("orders_90d >= 1", {1, 2, 7, 9}),
    ("count(orders in last 90 days where status = 'paid' and amount > 20) >= 1", {1, 9}),
    ("sum(orders.amount in last 365 days where status = 'paid') > 500", {1, 2}),
    ("sum(orders.amount) = 0", {3, 6}),
    ("sum(orders.amount where status = 'refunded') < 0", {7}),
    ("avg(orders.amount) > 100", {1, 2, 4, 8}),
    ("not avg(orders.amount) > 100", {3, 5, 6, 7, 9, 10}),
    ("min(orders.amount) <= 0", {7}),
    ("max(orders.created_at) before 180 days ago", {5, 10}),
    ("last_order_at before 180 days ago", {5, 10}),
    ("min(orders.created_at) in last 90 days", {1}),
    ("has orders in last 30 days where amount > 100", {1}),
    ("no orders in last 180 days", {3, 4, 5, 6, 8, 10}),
    ("count distinct(orders.category) >= 2", {1, 7}),
    ("count distinct(orders.category where status = 'paid') >= 3", {1}),
    ("has orders where (amount > 100 and status = 'paid')", {1, 2, 4, 8}),
    ("count(orders between 2026-04-01 and 2026-04-02) = 2", set()),
    ("count(orders between 2026-04-01 and 2026-04-02) = 1", {1, 2}),
    (
        "has events in last 7 days where name = 'add_to_cart'"
        " and no events in last 7 days where name = 'purchase'",
        {2, 6, 8},
    ),
    # top / bottom percentiles (ties all in or all out)
    ("lifetime_value in top 25%", {1, 2, 4}),
    ("lifetime_value in top 10%", {4}),
    ("lifetime_value in bottom 25%", {3, 6, 7}),
    ("lifetime_value in bottom 40%", {3, 5, 6, 7}),
    ("age in top 50%", {2, 5, 7, 8, 10}),
    ("not lifetime_value in top 25%", {3, 5, 6, 7, 8, 9, 10}),
]

REGEX_CASES: list[tuple[str, set[int]]] = [
    ("email matches '^[a-z]+@'", {1, 2, 9, 10}),
    ("email matches 'gmail'", {1, 9}),
    ("not email matches 'gmail'", {2, 3, 4, 5, 6, 7, 8, 10}),
]

LIBRARY = """
segment adults where age >= 18
segment uk_adults where in segment adults and region = 'UK'
segment not_adults where not in segment adults
segment cart_abandoners
  where has events in last 7 days where name = 'add_to_cart'
    and no events in last 7 days where name = 'purchase'
    and is_subscribed
"""
LIBRARY_EXPECTED = {
    "adults": {1, 2, 5, 6, 7, 8, 9, 10},
    "uk_adults": {1, 6},
    "not_adults": {3, 4},
    "cart_abandoners": {6, 8},
}


@pytest.mark.parametrize("name", sorted(EXAMPLE_MEMBERS))
def test_example_segments(loaded_engine, example_schema, name: str) -> None:
    from segdsl.compiler import segment_sql as to_sql
    from segdsl.project import build_program, read_sources
    from tests.conftest import EXAMPLES

    sources, _ = read_sources([str(EXAMPLES / "segments")])
    dialect = segdsl.dialects.DIALECTS[loaded_engine.dialect]
    program = build_program(sources, example_schema, dialect)
    if program.dialect_diagnostics([name]):
        _assert_refusal(program.dialect_diagnostics([name]), dialect)
        return
    segment = program.segments[name]
    assert loaded_engine.members(to_sql(segment, example_schema, dialect, AS_OF)) == EXAMPLE_MEMBERS[name]


def test_every_example_has_expected_members(example_schema) -> None:
    from segdsl.project import build_program, read_sources
    from tests.conftest import EXAMPLES

    sources, _ = read_sources([str(EXAMPLES / "segments")])
    assert set(build_program(sources, example_schema).segments) == set(EXAMPLE_MEMBERS)


def _assert_refusal(problems, dialect) -> None:
    """A dialect may refuse a segment only with SEG140, for a feature it lists as unsupported."""
    assert problems and {d.code for d in problems} == {"SEG140"}
    assert dialect.unsupported, f"{dialect.name} refused but claims to support everything"


def _members(engine, schema, text: str, segment: str | None = None) -> set[int] | None:
    """Members on the engine, or None when its dialect (correctly) refuses the segment."""
    problems = [d for d in segdsl.check(text, schema, dialect=engine.dialect) if d.code == "SEG140"]
    if problems:
        _assert_refusal(problems, segdsl.dialects.DIALECTS[engine.dialect])
        return None
    sql = segdsl.compile(text, schema, dialect=engine.dialect, as_of=AS_OF, segment=segment)
    return engine.members(sql)


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:60] for c in CASES])
def test_case(loaded_engine, example_schema, text: str, expected: set[int]) -> None:
    members = _members(loaded_engine, example_schema, text)
    assert members is None or members == expected


@pytest.mark.parametrize(("text", "expected"), REGEX_CASES, ids=[c[0] for c in REGEX_CASES])
def test_regex(loaded_engine, example_schema, text: str, expected: set[int]) -> None:
    dialect = segdsl.dialects.DIALECTS[loaded_engine.dialect]
    if not dialect.supports("regex"):
        problems = segdsl.check(text, example_schema, dialect=loaded_engine.dialect)
        assert [d.code for d in problems] == ["SEG140"]
        return
    assert _members(loaded_engine, example_schema, text) == expected


@pytest.mark.parametrize("name", sorted(LIBRARY_EXPECTED))
def test_segment_references(loaded_engine, example_schema, name: str) -> None:
    members = _members(loaded_engine, example_schema, LIBRARY, segment=name)
    assert members == LIBRARY_EXPECTED[name]


def test_complement_covers_everyone(loaded_engine, example_schema) -> None:
    """|X| + |not X| = |all| for every case, on every engine."""
    for text, expected in CASES[:40]:
        negated = _members(loaded_engine, example_schema, f"not ({text})")
        assert negated is None or negated == ALL - expected, text


def test_current_date_matches_as_of(loaded_engine, example_schema) -> None:
    """Without --as-of the SQL uses the engine's current date; with as_of=today it is folded.

    Both must give the same members whatever today is.
    """
    import datetime as dt

    text = ("last_seen_at in last 3 months or signup_date before 2 years ago"
            " or count(orders in last 400 days) >= 1 or max(orders.created_at) after 13 months ago")
    program = segdsl.api.parse_segments(text, example_schema)
    segment = next(iter(program.segments.values()))
    dialect = segdsl.dialects.DIALECTS[loaded_engine.dialect]
    live = loaded_engine.members(segment_sql(segment, example_schema, dialect, None))
    folded = loaded_engine.members(segment_sql(segment, example_schema, dialect, dt.date.today()))
    assert live == folded


@pytest.mark.parametrize(("text", "expected"), CASES + REGEX_CASES,
                         ids=[c[0][:60] for c in CASES + REGEX_CASES])
def test_reference_evaluator_agrees(example_schema, text: str, expected: set[int]) -> None:
    """The oracle, written from docs/semantics.md alone, gives the hand-computed answer too."""
    from segdsl.api import segment_ir
    from segdsl.evaluate import Dataset, evaluate_segment
    from tests.dataset import CUSTOMERS, RELATIONS

    segment = segment_ir(text, example_schema)
    members = evaluate_segment(segment, example_schema, Dataset(CUSTOMERS, RELATIONS), AS_OF)
    assert members == expected
