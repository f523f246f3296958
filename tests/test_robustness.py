"""Bad input never produces a traceback; user text only reaches SQL as literals."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import segdsl
from segdsl import dialects
from segdsl.compiler import segment_sql
from segdsl.project import build_program

WORDS = [
    "age", "region", "email", "interests", "signup_date", "last_seen_at", "is_subscribed", "orders",
    "events", "amount", "status", "name", "lifetime_value", "orders_90d", "adult", "segment", "where",
    "description", "and", "or", "not", "in", "between", "is", "null", "true", "false", "starts", "ends",
    "with", "contains", "matches", "has", "any", "all", "no", "last", "days", "months", "ago", "before",
    "after", "today", "top", "bottom", "count", "distinct", "sum", "avg", "min", "max", "(", ")", ",",
    ".", "..", "%", "=", "!=", "<", ">=", "'UK'", "\"x\"", "'", "3", "-2", "2.5", "2024-01-01",
    "2024-02-30", "2024-01-01T10:00:00", "#", "\n", "`x`", "orders.amount", "'paid'", "&&", "@",
]


def _check_and_compile(text: str, schema) -> None:
    program = build_program([("fuzz.seg", text)], schema)
    for diagnostic in program.diagnostics:
        assert diagnostic.code.startswith("SEG")
        assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1
    if program.ok:
        for segment in program.segments.values():
            for name in ("duckdb", "sqlite", "postgres", "tsql", "mysql", "bigquery"):
                if not program.dialect_diagnostics([segment.name]) or name == "duckdb":
                    segment_sql(segment, schema, dialects.DIALECTS[name], dt.date(2026, 6, 30))
                    segment_sql(segment, schema, dialects.DIALECTS[name], None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join))
def test_token_soup_never_crashes(example_schema, text: str) -> None:
    _check_and_compile(text, example_schema)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_random_text_never_crashes(example_schema, text: str) -> None:
    _check_and_compile(text, example_schema)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"),
               max_size=40))
def test_any_string_is_a_literal(example_schema, value: str) -> None:
    """Whatever the text, it is quoted into one string literal in the SQL."""
    quoted = "'" + value.replace("'", "''") + "'"
    for dialect in ("duckdb", "postgres", "sqlite", "mysql", "bigquery", "tsql"):
        sql = segdsl.compile(f"email = {quoted}", example_schema, dialect=dialect)
        import sqlglot

        tree = sqlglot.parse_one(sql.rstrip(";"), read=dialect)
        # PostgreSQL writes a string holding a backslash as E'…' (sqlglot's ByteString)
        strings = (sqlglot.exp.National, sqlglot.exp.ByteString)
        literals = [lit.this for lit in tree.find_all(sqlglot.exp.Literal, *strings)
                    if isinstance(lit, strings) or lit.is_string]
        # T-SQL writes non-ASCII text as N'…' and compares it a second time with a '.' appended
        # to both sides (its = ignores trailing spaces)
        # (the '.' appended to the column is a literal too)
        expected = [value, ".", value + "."] if dialect == "tsql" else [value]
        assert sorted(literals) == sorted(expected)
