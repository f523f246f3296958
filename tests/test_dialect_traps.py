"""The shape of the SQL for dialects that cannot run here, where sqlglot alone gets it wrong.

Each test pins one known semantic trap with the engine's documented behaviour in a comment.
The dialects that do run here (docs/dialects.md) are proven by execution instead.
"""

from __future__ import annotations

import pytest

import segdsl


def sql(schema, text: str, dialect: str) -> str:
    return segdsl.compile(text, schema, dialect=dialect)


def test_snowflake_regex_is_a_substring_search(example_schema) -> None:
    # Snowflake docs, REGEXP_LIKE: "the function implicitly anchors a pattern at both ends";
    # REGEXP_INSTR returns the position of a match anywhere (0 when there is none).
    out = sql(example_schema, "email matches 'gmail'", "snowflake")
    assert "REGEXP_INSTR(\"E\".\"EMAIL\", 'gmail') > 0" in out
    assert "REGEXP_LIKE" not in out


@pytest.mark.parametrize(("dialect", "expected"), [
    ("bigquery", "REGEXP_CONTAINS("),  # BigQuery docs: REGEXP_CONTAINS is a partial match
    ("trino", "REGEXP_LIKE("),  # Trino docs: regexp_like "matches a substring"
    ("databricks", "REGEXP_LIKE("),  # Databricks docs: regexp_like = rlike, substring search
    ("spark", "RLIKE"),
    ("redshift", "~"),  # Redshift docs: POSIX operators match anywhere in the string
    ("postgres", "~"),
])
def test_other_dialects_search_anywhere(example_schema, dialect: str, expected: str) -> None:
    assert expected in sql(example_schema, "email matches 'gmail'", dialect)


def test_bigquery_compares_timestamps_with_timestamps(example_schema) -> None:
    # BigQuery docs: TIMESTAMP and DATETIME/DATE are different types and comparing them is an
    # error ("No matching signature for operator >="). A date bound on a timestamp column is
    # cast to TIMESTAMP (not sqlglot's DATETIME).
    out = sql(example_schema, "last_seen_at in last 30 days", "bigquery")
    assert "AS TIMESTAMP)" in out and "DATETIME" not in out


def test_tsql_current_date_has_no_time_of_day(example_schema) -> None:
    # SQL Server docs: GETDATE() returns datetime (with a time); CURRENT_DATE does not exist.
    out = sql(example_schema, "last_seen_at in last 30 days", "tsql")
    assert "CAST(GETDATE() AS DATE)" in out
    assert "DATE_SUB" not in out and "INTERVAL" not in out


def test_tsql_text_is_compared_case_sensitively(example_schema) -> None:
    # SQL Server docs: default collations (…_CI_AS) are case-insensitive; BIN2 compares code points.
    out = sql(example_schema, "region = 'UK' and email starts with 'a'", "tsql")
    assert "[region] COLLATE Latin1_General_BIN2 = 'UK'" in out
    assert "COLLATE Latin1_General_BIN2 LIKE 'a%' ESCAPE '!'" in out
    assert "ILIKE" not in out and "STARTS_WITH" not in out


def test_tsql_has_no_boolean_values(example_schema) -> None:
    # SQL Server docs: there is no boolean type; bit columns compare with 1/0, and a condition
    # cannot be a column value.
    out = sql(example_schema, "is_subscribed", "tsql")
    assert "[is_subscribed] = 1" in out
    from segdsl.api import segment_ir
    from segdsl.compiler import membership_sql

    membership = membership_sql([segment_ir("age > 3", example_schema)], example_schema, "tsql")
    assert "CAST(CASE WHEN [e].[age] > 3 THEN 1 ELSE 0 END AS BIT)" in membership


def test_mysql_text_equality_is_exact(example_schema) -> None:
    # MySQL/MariaDB docs: default collations are case-insensitive and PAD SPACE ('a' = 'a ').
    # Comparing bytes is exact; this shape also runs on MariaDB in the engine tests.
    out = sql(example_schema, "region in ('UK', 'IE')", "mysql")
    assert "CAST(`e`.`region` AS BINARY) IN (CAST('UK' AS BINARY), CAST('IE' AS BINARY))" in out


@pytest.mark.parametrize("dialect", ["snowflake", "trino", "redshift", "bigquery", "databricks", "tsql"])
def test_negation_is_explicit_two_valued_logic(example_schema, dialect: str) -> None:
    # sqlglot drops IS TRUE for Snowflake and Trino, which would change NULL handling under NOT;
    # segdsl writes the missing-value case out instead.
    out = sql(example_schema, "not region = 'UK'", dialect)
    assert "IS NULL" in out
    assert "IS TRUE" not in out and "IS NOT TRUE" not in out


@pytest.mark.parametrize("dialect", ["snowflake", "trino", "redshift", "databricks", "tsql",
                                     "mysql", "postgres"])
def test_like_escapes_wildcards(example_schema, dialect: str) -> None:
    # % and _ in user text are literal: escaped with '!' (a character no dialect treats
    # specially inside string literals, unlike the backslash in MySQL and BigQuery).
    out = sql(example_schema, "email contains '50%_off'", dialect)
    assert "LIKE '%50!%!_off%' ESCAPE '!'" in out


def test_bigquery_matches_text_without_like(example_schema) -> None:
    # GoogleSQL docs, LIKE: "You can escape \\, _, or % using two backslashes"; there is no
    # ESCAPE clause, so LIKE … ESCAPE '!' is a syntax error. STARTS_WITH, ENDS_WITH and STRPOS
    # compare the text exactly: no character is a wildcard.
    out = sql(example_schema, "email contains '50%_off' and email starts with 'a_' and email ends with '%'",
              "bigquery")
    assert "STRPOS(`e`.`email`, '50%_off') > 0" in out
    assert "STARTS_WITH(`e`.`email`, 'a_')" in out and "ENDS_WITH(`e`.`email`, '%')" in out
    assert "LIKE" not in out and "ESCAPE" not in out


def test_tsql_like_escapes_character_classes(example_schema) -> None:
    # SQL Server docs, LIKE: "[ ]" is "any single character within the specified range or set",
    # so '[x]' as text must be escaped like % and _.
    out = sql(example_schema, "email contains '[x]_'", "tsql")
    assert "LIKE '%![x]!_%' ESCAPE '!'" in out


def test_tsql_trailing_spaces_count(example_schema) -> None:
    # SQL Server docs, "How SQL Server compares strings with trailing spaces": = and IN pad the
    # shorter string with spaces (ANSI), whatever the collation; LIKE ignores trailing blanks
    # of the value. Appending '.' to both sides makes 'UK ' differ from 'UK'.
    out = " ".join(sql(example_schema, "region in ('UK', 'IE') and city = 'Bern' and email ends with 'x'",
                       "tsql").split())
    assert "( [e].[region] + '.' ) COLLATE Latin1_General_BIN2 IN ('UK.', 'IE.')" in out
    assert "[e].[city] COLLATE Latin1_General_BIN2 = 'Bern' AND ( [e].[city] + '.' ) COLLATE" in out
    assert "( [e].[email] + '.' ) COLLATE Latin1_General_BIN2 LIKE '%x.' ESCAPE '!'" in out
    negated = " ".join(sql(example_schema, "city != 'Bern'", "tsql").split())
    assert negated.startswith("SELECT [e].[customer_id] FROM [customers] AS [e] WHERE ( NOT ( [e].[city]")


def test_tsql_non_ascii_text_is_national(example_schema) -> None:
    # SQL Server docs, nchar/nvarchar: without the N prefix a literal is converted to the
    # database's code page, and characters outside it become '?'.
    out = sql(example_schema, "full_name = '日本' and city in ('Zürich', 'Bern') and email contains 'é'", "tsql")
    assert "= N'日本'" in out and "= N'日本.'" in out and "IN (N'Zürich', 'Bern')" in out
    assert "LIKE N'%é%'" in out


def test_tsql_negation_never_uses_a_predicate_as_a_value(example_schema) -> None:
    # SQL Server docs: a search condition (a predicate) is not an expression, so
    # COALESCE(<predicate>, …) — the portable two-valued NOT — is a syntax error there.
    for text in ("not email contains 'a'", "last_seen_at != 2024-01-01", "not last_seen_at in last 30 days",
                 "not lifetime_value in top 10%", "not max(orders.created_at) = 2025-01-01"):
        out = " ".join(sql(example_schema, text, "tsql").split())
        assert "COALESCE(" not in out.replace("COALESCE([rel1]", "").replace("COALESCE([pct1]", ""), text
        assert "THEN 1 ELSE 0 END = 0" in out or "IS NULL" in out, text


def test_snowflake_names_are_upper_case(example_schema) -> None:
    # Snowflake docs, identifier resolution: unquoted identifiers are stored and resolved in
    # upper case, so a table created as `create table orders` is ORDERS and "orders" does not
    # find it. segdsl quotes every name, in upper case when the schema writes it in lower case.
    out = sql(example_schema, "count(orders) > 1 and full_name = 'x'", "snowflake")
    assert 'FROM "ORDERS" AS "R"' in out and '"E"."NAME" = \'x\'' in out
    assert '"orders"' not in out and '"customers"' not in out


def test_clickhouse_joined_aggregates_are_nullable(example_schema) -> None:
    # ClickHouse docs, join_use_nulls (default 0): "the empty cells are filled with the default
    # value of the corresponding field type" — 0 for avg(), 1970-01-01 for max(). toNullable
    # makes them NULL whatever the setting; the engine tests run with the default.
    out = sql(example_schema, "avg(orders.amount) < 10 and max(orders.created_at) before 30 days ago",
              "clickhouse")
    # avg of a decimal is the exact sum over the count (ClickHouse's avg() is a Float64;
    # executed by tests/differential/regressions/clickhouse-7e322a06a6e1.json)
    assert 'toNullable(toFloat64(toDecimal128(SUM("r"."amount"), 10) / nullIf(COUNT("r"."amount"), 0))) AS "a1"' \
        in out
    assert 'toNullable(MAX("r"."created_at")) AS "a2"' in out


@pytest.mark.parametrize(("dialect", "fragment"), [
    ("snowflake", "DATEADD(MONTH, -3, DATEADD(DAY, 1, CURRENT_DATE))"),
    ("trino", "DATE_ADD('MONTH', -3, DATE_ADD('DAY', 1, CURRENT_DATE))"),
    ("redshift", "DATEADD(MONTH, -3, DATEADD(DAY, 1, CURRENT_DATE))"),
    ("bigquery", "DATE_ADD(DATE_ADD(CURRENT_DATE, INTERVAL 1 DAY), INTERVAL -3 MONTH)"),
    ("databricks", "DATEADD(MONTH, -3, DATEADD(DAY, 1, CURRENT_DATE))"),
    ("tsql", "DATEADD(MONTH, -3, DATEADD(DAY, 1, CAST(GETDATE() AS DATE)))"),
])
def test_calendar_month_arithmetic(example_schema, dialect: str, fragment: str) -> None:
    # Each engine's month addition clamps to the month's end (documented for DATEADD,
    # date_add and DATE_ADD), which is segdsl's rule; SQLite's does not and is lowered by hand.
    assert fragment in sql(example_schema, "last_seen_at in last 3 months", dialect)


@pytest.mark.parametrize("dialect", ["redshift", "tsql", "mysql"])
def test_dialects_without_arrays_refuse_list_conditions(example_schema, dialect: str) -> None:
    problems = segdsl.check("interests contains 'yoga'", example_schema, dialect=dialect)
    assert [d.code for d in problems] == ["SEG140"]


def test_trino_timestamps_keep_microseconds(example_schema) -> None:
    # Trino docs, TIMESTAMP: "TIMESTAMP is an alias for TIMESTAMP(3)"; casting a literal with
    # microseconds to it rounds them away, so the type is spelled with its precision.
    out = sql(example_schema, "last_seen_at > 2026-03-25T23:59:59.999999", "trino")
    assert "CAST('2026-03-25 23:59:59.999999' AS TIMESTAMP(6))" in out


@pytest.mark.parametrize("dialect", sorted(segdsl.dialects.DIALECTS))
def test_a_dialect_another_library_registers_under_the_same_name_is_not_used(example_schema,
                                                                               dialect: str) -> None:
    """Subclassing a sqlglot dialect registers the subclass under the same name (Ibis does it
    for ClickHouse): segdsl's SQL must not change with what else the process imported."""
    from sqlglot.dialects.dialect import Dialect as SqlglotDialect

    from segdsl import compiler

    text = "age 25..40 and region in ('UK', 'IE') and email ends with 'x\\y' and count(orders) >= 3"
    name = segdsl.dialects.DIALECTS[dialect].sqlglot
    compiler._sqlglot_dialect.cache_clear()
    expected = segdsl.compile(text, example_schema, dialect=dialect)

    class Impostor(SqlglotDialect):
        def generate(self, *args: object, **kwargs: object) -> str:
            raise AssertionError("the registry's dialect was used")

    saved = SqlglotDialect.classes[name]
    SqlglotDialect.classes[name] = Impostor
    compiler._sqlglot_dialect.cache_clear()
    try:
        assert segdsl.compile(text, example_schema, dialect=dialect) == expected
    finally:
        SqlglotDialect.classes[name] = saved
        compiler._sqlglot_dialect.cache_clear()
