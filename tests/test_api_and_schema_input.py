"""Wrong input to the Python API and the schema loader: clear errors that say which argument
or which part of the schema is wrong, never a traceback from deep inside."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import segdsl
from segdsl.schema import read_schema

BASE: dict[str, Any] = {"entity": "customer", "table": "customers", "key": "id",
                        "fields": {"age": "int", "seen": "timestamp"}}


def test_as_of_accepts_an_iso_date_string(example_schema) -> None:
    text = "last_seen_at in last 3 days"
    by_string = segdsl.compile(text, example_schema, as_of="2026-06-30")
    assert by_string == segdsl.compile(text, example_schema, as_of=dt.date(2026, 6, 30))
    assert "2026-06-28" in by_string


@pytest.mark.parametrize(("as_of", "error", "words"), [
    (dt.datetime(2026, 6, 30, 12), TypeError, "not a datetime"),
    ("30/06/2026", ValueError, "a date like '2026-06-30'"),
    (20260630, TypeError, "not int"),
    ("0999-12-31", ValueError, "between 1001-01-01 and 9998-12-31"),
])
def test_as_of_rejects_what_is_not_one_day(example_schema, as_of: Any, error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        segdsl.compile("age > 1", example_schema, as_of=as_of)


@pytest.mark.parametrize("spec", [42, None, b"schema.yml", ["table", "customers"]])
def test_load_schema_needs_a_path_or_a_mapping(spec: Any) -> None:
    with pytest.raises(TypeError, match=r"load_schema\(\) needs the path of a schema file or a mapping"):
        segdsl.load_schema(spec)


@pytest.mark.parametrize("call", [
    lambda schema: segdsl.compile(None, schema),
    lambda schema: segdsl.check(None, schema),
    lambda schema: segdsl.compile_segments(b"age > 1", schema),
    lambda schema: segdsl.parse_segments(42, schema),
])
def test_source_must_be_text(example_schema, call: Any) -> None:
    with pytest.raises(TypeError, match=r"source must be the segment text \(a str\)"):
        call(example_schema)


def test_dialect_must_be_a_name(example_schema) -> None:
    with pytest.raises(TypeError, match="dialect must be a dialect name"):
        segdsl.compile("age > 1", example_schema, dialect=None)  # type: ignore[arg-type]
    with pytest.raises(segdsl.SegdslError, match="unknown dialect 'oracle'"):
        segdsl.compile("age > 1", example_schema, dialect="oracle")


def test_segdsl_error_reads_like_the_first_diagnostic(example_schema) -> None:
    with pytest.raises(segdsl.SegdslError) as caught:
        segdsl.compile("agee > 1 and x > 2", example_schema)
    assert str(caught.value) == "<string>:1:1: error[SEG101]: unknown field 'agee' (and 1 more)"


def _problems(spec: dict[str, Any]) -> list[tuple[str, str]]:
    schema, problems = read_schema(spec)
    assert schema is None
    return [(d.code, d.message) for d in problems]


@pytest.mark.parametrize(("change", "message"), [
    ({"key": 5}, "'key' of the schema must be text, but YAML reads 5 as a number"),
    ({"table": True}, "'table' of the schema must be text, but YAML reads true as a yes/no value"),
    ({"fields": {"age": {"type": "int", "column": 7}}},
     "the column of field 'age' must be text, but YAML reads 7 as a number"),
    ({"relations": {"orders": {"table": "orders", "fields": {"amount": "int"}}}},
     "the relation 'orders' needs 'key'"),
    ({"relations": {"orders": {"table": "orders", "key": "id"}}},
     "the relation 'orders' needs 'fields'"),
    ({"relations": {"orders": {"table": 12, "key": "id", "fields": {"amount": "int"}}}},
     "'table' of the relation 'orders' must be text, but YAML reads 12 as a number"),
    ({"relations": {"orders": {"key": 1.5, "fields": {"amount": "int"}}}},
     "'key' of the relation 'orders' must be text, but YAML reads 1.5 as a number"),
    ({"relations": {"orders": {"key": "id", "time": 2024, "fields": {"amount": "int"}}}},
     "'time' of the relation 'orders' must be text, but YAML reads 2024 as a number"),
])
def test_schema_names_must_be_text_and_say_where_they_are_missing(change: dict[str, Any],
                                                                   message: str) -> None:
    assert ("SEG202", message) in _problems({**BASE, **change})


def test_schema_without_table_and_key_names_both() -> None:
    found = _problems({"entity": "customer", "fields": {"age": "int"}})
    assert ("SEG202", "the schema needs 'table'") in found
    assert ("SEG202", "the schema needs 'key'") in found


def test_quoted_numbers_are_names() -> None:
    schema, problems = read_schema({**BASE, "key": "5", "table": "2024"})
    assert problems == [] and schema is not None
    assert (schema.key, schema.table) == ("5", "2024")
