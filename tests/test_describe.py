"""``segdsl describe``: golden English for every example, and exact English for each construct.

Goldens live in tests/golden/describe/<segment>.txt; regenerate with
``SEGDSL_UPDATE_GOLDEN=1 pytest tests/test_describe.py`` and read every changed sentence.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import segdsl
from segdsl import ir
from segdsl.commands.describe import paragraph
from segdsl.describe import Describer, describe_segment, join, plural, singular, when
from segdsl.project import build_program, read_sources
from segdsl.schema import Schema
from tests.conftest import EXAMPLES
from tests.test_cli import segdsl as run_cli

GOLDEN = Path(__file__).parent / "golden" / "describe"
UPDATE = os.environ.get("SEGDSL_UPDATE_GOLDEN") == "1"


def _examples(schema: Schema) -> dict[str, ir.Segment]:
    sources, problems = read_sources([str(EXAMPLES / "segments")])
    assert not problems
    program = build_program(sources, schema)
    assert program.ok, program.errors
    return program.segments


def _names() -> list[str]:
    from segdsl.parser import parse_file

    names: list[str] = []
    for path in sorted((EXAMPLES / "segments").glob("*.seg")):
        parsed, _ = parse_file(path.read_text(encoding="utf-8"), str(path))
        names += [s.name.text for s in parsed.segments]
    return sorted(names)


@pytest.mark.parametrize("name", _names())
def test_golden_description(example_schema: Schema, name: str) -> None:
    segment = _examples(example_schema)[name]
    actual = paragraph(name, segment.description, describe_segment(segment, example_schema))
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden {path}; run with SEGDSL_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")


def test_no_stale_goldens() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == _names()


# ---- exact English, construct by construct ----------------------------------------------


def _say(schema: Schema, expr: str) -> str:
    program = build_program([("<expr>", expr)], schema)
    assert program.ok, program.errors
    return Describer(schema).sentence(next(iter(program.segments.values())).pred)


@pytest.mark.parametrize(("expr", "english"), [
    # the example from the issue
    ("age 25..40 and region in ('UK', 'IE') and orders_90d >= 3",
     "customers aged 25 to 40, in the UK or Ireland, with at least 3 orders in the last 90 days"),
    # ranges and comparisons: 'aged' for age, the field description for other numbers
    ("age >= 55", "customers aged 55 or over"),
    ("age < 18 or age in (30, 40)", "customers aged under 18 or aged 30 or 40"),
    ("income 10..20", "customers with yearly household income between 10 and 20"),
    ("income >= 25 and income <= 40", "customers with yearly household income between 25 and 40"),
    ("company_size < 10", "customers with fewer than 10 staff at the customer's company"),
    # enums, in-lists and places
    ("region not in ('UK', 'IE', 'DE')", "customers outside the UK, Ireland and Germany"),
    ("region != 'UK'", "customers outside the UK"),
    ("life_stage in ('young_professional', 'family')",
     "customers whose life stage is young professional or family"),
    ("gender not in ('female', 'male')", "customers whose gender is neither female nor male"),
    ("city in ('London', 'Dublin')", "customers in London or Dublin"),
    # text, regex, null checks
    ("email starts with 'ann' and not email contains '+'",
     'customers whose email starts with "ann", whose email does not contain "+"'),
    ("email matches '^[a-z]+@x\\.com$'", 'customers whose email matches the pattern "^[a-z]+@x\\.com$"'),
    ("phone is null", "customers with no phone on file"),
    ("phone is not null", "customers with a phone on file"),
    # booleans
    ("is_subscribed", "customers who are subscribed"),
    ("is_subscribed = false", "customers who are not subscribed"),
    # dates and windows
    ("last_seen_at in last 30 days", "customers last seen in the last 30 days"),
    ("signup_date before 2024-01-01", "customers signed up before 1 January 2024"),
    ("signup_date 2024-01-01..2024-03-31",
     "customers signed up between 1 January 2024 and 31 March 2024"),
    ("last_seen_at after 30 days ago", "customers last seen less than 30 days ago"),
    ("last_seen_at >= 2024-01-01T10:30:00", "customers last seen on or after 1 January 2024 at 10:30"),
    ("not last_seen_at in last 1 week", "customers not last seen in the last week"),
    # aggregates, has/no
    ("count(orders in last 90 days) >= 3", "customers with at least 3 orders in the last 90 days"),
    ("count(orders) = 1", "customers with exactly one order"),
    ("not count(orders) >= 3", "customers with fewer than 3 orders"),
    ("sum(orders.amount in last 365 days where status = 'paid') > 500",
     "customers who spent more than 500 on paid orders in the last 365 days"),
    ("last_order_at before 180 days ago", "customers whose last order was more than 180 days ago"),
    ("min(orders.created_at) in last 30 days", "customers whose first order was in the last 30 days"),
    ("avg(orders.amount) > 50", "customers whose average order amount is more than 50"),
    ("count distinct(orders.category where status = 'paid') >= 3",
     "customers with paid orders in at least 3 different categories"),
    ("has orders in last 30 days where amount > 100",
     "customers with at least one order over 100 in the last 30 days"),
    ("has orders where category = 'shoes'", 'customers with at least one order whose category is "shoes"'),
    ("no events in last 7 days where name = 'purchase'",
     "customers with no purchase events in the last 7 days"),
    # lists
    ("interests has all ('cooking', 'travel')", "customers interested in both cooking and travel"),
    ("not interests has any ('yoga', 'running')", "customers not interested in yoga or running"),
    # top/bottom N%
    ("lifetime_value in top 10%", "customers in the top 10% by spend on paid orders"),
    ("age in bottom 2.5%", "customers in the bottom 2.5% by age"),
    # and / or / not
    ("age >= 18 and (region = 'UK' or is_subscribed)",
     "customers aged 18 or over, either in the UK or who are subscribed"),
    ("(age >= 18 and region = 'UK') or is_subscribed",
     "customers (aged 18 or over and in the UK) or who are subscribed"),
    ("not (region = 'UK' or age < 18)", "customers neither in the UK nor aged under 18"),
    ("not (region = 'UK' and age < 18) and is_subscribed",
     "customers who are subscribed, except those in the UK and aged under 18"),
    ("not adult", "customers not aged 18 or over"),
])
def test_construct_in_english(example_schema: Schema, expr: str, english: str) -> None:
    assert _say(example_schema, expr) == english


_DESCRIBED = {
    "entity": "company",
    "table": "companies",
    "key": "id",
    "fields": {
        "country": {"type": "enum", "values": ["US", "NL", "XX"]},
        "opted_in": {"type": "bool", "description": "happy to get our newsletter"},
        "has_contract": "bool",
        "seats": {"type": "int", "description": "number of seats"},
        "renewal_date": "date",
        "tags": "list<string>",
    },
    "relations": {"invoices": {"table": "invoices", "key": "company_id", "time": "issued_at",
                               "fields": {"total": "decimal", "issued_at": "date", "paid": "bool"}}},
    "traits": {"revenue": {"expr": "sum(invoices.total where paid)", "description": "revenue"},
               "invoice_count": "count(invoices)"},
}


@pytest.mark.parametrize(("expr", "english"), [
    ("country in ('US', 'NL')", "companies in the US or the Netherlands"),
    ("country = 'XX'", "companies in XX"),
    ("opted_in", "companies who are happy to get our newsletter"),
    ("not has_contract", "companies who do not have contract"),
    ("seats 5..10", "companies with 5 to 10 seats"),
    ("renewal_date before 30 days ago", "companies whose renewal date is more than 30 days ago"),
    ("tags has any ('a', 'b')", "companies whose tags include a or b"),
    ("revenue in top 5%", "companies in the top 5% by revenue"),
    ("revenue >= 1000", "companies with revenue of at least 1,000"),
    ("invoice_count >= 2", "companies with at least 2 invoices"),
    ("has invoices where not paid", "companies with at least one invoice that is not paid"),
])
def test_schema_metadata_is_used(expr: str, english: str) -> None:
    schema = segdsl.load_schema(_DESCRIBED)
    assert _say(schema, expr) == english


def test_words() -> None:
    assert [plural(w) for w in ("customer", "company", "day", "address")] == \
        ["customers", "companies", "days", "addresses"]
    assert [singular(w) for w in ("orders", "categories", "addresses", "glass")] == \
        ["order", "category", "address", "glass"]
    assert join(["a"]) == "a" and join(["a", "b"]) == "a or b" and join(["a", "b", "c"], "and") == "a, b and c"
    assert when(None, None) == "at any time"


# ---- the command ------------------------------------------------------------------------


def test_cli_one_segment_matches_golden() -> None:
    result = run_cli("describe", "examples/segments", "--segment", "uk_frequent")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / "uk_frequent.txt").read_text(encoding="utf-8")


def test_cli_describes_every_segment_of_a_file() -> None:
    result = run_cli("describe", "examples/segments/geographic.seg")
    assert result.returncode == 0, result.stderr
    expected = "\n".join((GOLDEN / f"{n}.txt").read_text(encoding="utf-8")
                         for n in ("uk_ireland", "london_or_dublin", "outside_europe"))
    assert result.stdout == expected


def test_cli_json() -> None:
    result = run_cli("describe", "examples/segments/value.seg", "--format", "json")
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)["segments"]
    assert [e["segment"] for e in entries] == ["high_value", "big_spenders_this_year", "low_value"]
    assert entries[0]["text"] == "Customers in the top 10% by spend on paid orders."
    assert entries[0]["description"] == "Top 10% of customers by lifetime value"


def test_cli_as_of_spells_out_relative_time() -> None:
    """Relative windows also read as calendar days; fixed dates and timeless segments do not change."""
    result = run_cli("describe", "examples/segments", "--segment", "uk_frequent", "--as-of", "2026-06-30")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].strip() == (
        "Customers aged 25 to 40, in the UK or Ireland, with at least 3 orders in the last 90 days "
        "(between 2 April 2026 and 30 June 2026).")
    result = run_cli("describe", "examples/segments", "--as-of", "2026-03-31", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["as_of"] == "2026-03-31"
    texts = {e["segment"]: e["text"] for e in data["segments"]}
    assert texts["churn_risk"].startswith("Customers whose last order was more than 180 days ago "
                                          "(before 2 October 2025),")
    assert texts["new_customers"].endswith("in the last 30 days (between 2 March 2026 and 31 March 2026).")
    plain = run_cli("describe", "examples/segments", "--format", "json")
    assert {e["segment"]: e["text"] for e in json.loads(plain.stdout)["segments"]}["high_value"] == \
        texts["high_value"]


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--as-of", "30/06/2026", "examples/segments"], 2, "is not a date like 2026-06-30"),
    (["examples/segments", "--segment", "uk_frequnt"], 2, "did you mean 'uk_frequent'"),
    (["nope.seg", "--schema", "examples/schema.yml"], 1, "no such file or folder: nope.seg"),
    (["examples/segments/churn.seg"], 1, "unknown segment 'high_value'"),
])
def test_cli_bad_input(args: list[str], code: int, words: str) -> None:
    result = run_cli("describe", *args)
    assert result.returncode == code
    assert words in result.stderr.lower() or words in result.stderr
    assert "Traceback" not in result.stderr
