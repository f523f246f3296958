"""segdsl test: YAML rows + expected members, run on DuckDB, failures explained."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from segdsl.evaluate import Dataset, evaluate
from segdsl.project import build_program, read_sources
from segdsl.schema import Schema
from segdsl.segment_tests import find_tests, read_test
from tests.conftest import EXAMPLES, ROOT

SEGMENTS = EXAMPLES / "segments"


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "segdsl", *args], cwd=cwd, capture_output=True, text=True,
                          env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of examples/ to break things in."""
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    return tmp_path / "examples"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---- the examples ------------------------------------------------------------------------------


def example_expectations() -> int:
    """How many segment expectations the example test files hold (one per segment named)."""
    return sum(len(yaml.safe_load(f.read_text(encoding="utf-8"))["expect"])
               for f in SEGMENTS.glob("*.test.yml"))


def test_every_example_segment_file_has_a_test() -> None:
    for seg in SEGMENTS.glob("*.seg"):
        assert seg.with_suffix(".test.yml").is_file(), seg


def test_examples_pass() -> None:
    result = cli("test", "examples/segments")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "examples/segments/churn.test.yml ...." in result.stdout
    assert result.stdout.splitlines()[-1].startswith(f"{example_expectations()} passed in ")
    assert "failed" not in result.stdout


def test_examples_agree_with_the_reference_evaluator(example_schema: Schema) -> None:
    """The expectations were computed by hand; the evaluator (no SQL) must agree too."""
    tests, paths, problems = find_tests([str(SEGMENTS)])
    assert problems == []
    sources, _ = read_sources(paths)
    program = build_program(sources, example_schema)
    assert program.errors == []
    covered = set()
    for path in tests:
        test, diagnostics = read_test(path, example_schema, program)
        assert test is not None, diagnostics
        data = Dataset(test.entities, test.relations)
        for expectation in test.expectations:
            covered.add(expectation.segment)
            members = evaluate(program.segments[expectation.segment].pred, example_schema, data,
                               test.as_of or dt.date(2026, 6, 30))
            assert members == set(expectation.members or ()), (path, expectation.segment)
    assert covered == set(program.segments)  # every example segment is tested


# ---- failures ------------------------------------------------------------------------------------


def test_failure_names_the_entity_and_the_deciding_condition(project: Path) -> None:
    test = project / "segments" / "behavioural.test.yml"
    write(test, test.read_text(encoding="utf-8")
          .replace("uk_frequent: [1] ", "uk_frequent: [1, 2, 3]")
          .replace("new_customers: [2] ", "new_customers: []"))
    result = cli("test", str(project / "segments"))
    assert result.returncode == 1
    out = result.stdout
    assert f"{test} F..F" in out
    seg = project / "segments" / "behavioural.seg"
    assert (f"FAILED {test}:23: uk_frequent\n"
            f"  customer 2 is not in uk_frequent, but the test expects it in; it failed:\n"
            f"    {seg}:5: age 25..40 → false (age is 41)\n"
            f"  customer 3 is not in uk_frequent, but the test expects it in; it failed:\n"
            f"    {seg}:7: orders_90d >= 3 → false\n") in out
    assert (f"FAILED {test}:26: new_customers\n"
            f"  customer 2 is in new_customers, but the test expects it out; its condition held:\n"
            f"    {seg}:19: min(orders.created_at) in last 30 days → true\n") in out
    assert out.splitlines()[-1].startswith(f"{example_expectations() - 2} passed, 2 failed in ")


def test_json_output_for_ci(project: Path) -> None:
    """--format json: one document on stdout with the counts, the misses and their deciding
    conditions, and problems in test files as diagnostics; exit 1 when anything failed."""
    import json

    ok = cli("test", str(SEGMENTS), "--format", "json")
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert (data["passed"], data["failed"], data["errors"]) == (example_expectations(), 0, 0)
    assert all(t["passed"] and t["misses"] == [] for t in data["tests"])

    test = project / "segments" / "behavioural.test.yml"
    write(test, test.read_text(encoding="utf-8").replace("uk_frequent: [1] ", "uk_frequent: [1, 2]"))
    write(project / "segments" / "bad.test.yml", "customers: []\nexpect:\n  uk_frequnt: [1]\n")
    failed = cli("test", str(project / "segments"), "--format", "json")
    assert failed.returncode == 1
    data = json.loads(failed.stdout)
    assert (data["failed"], data["errors"]) == (1, 1)
    miss = next(t for t in data["tests"] if not t["passed"])
    assert (miss["segment"], miss["line"]) == ("uk_frequent", 23)
    seg = project / "segments" / "behavioural.seg"
    assert miss["misses"] == [{"key": 2, "expected": "in", "deciding": [
        {"location": f"{seg}:5", "condition": "age 25..40", "held": False, "detail": "age is 41"}]}]
    assert [p["code"] for p in data["problems"]] == ["SEG410"]
    assert "no segment named 'uk_frequnt'" in data["problems"][0]["message"]


def test_or_segments_and_partial_expectations(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "schema.yml", tmp_path / "schema.yml")
    write(tmp_path / "either.seg", "segment either where region = 'UK' or age > 60\n")
    write(tmp_path / "either.test.yml", """\
customers:
  - {customer_id: a-1, region: UK, age: 20}
  - {customer_id: b-2, region: NO, age: 30}   # NO stays the text NO
  - {customer_id: c-3, age: 61}
expect:
  either: {in: [a-1, b-2], out: [c-3]}
""")
    result = cli("test", str(tmp_path / "either.seg"), "-v")
    assert result.returncode == 1
    assert f"{tmp_path}/either.test.yml::either FAILED" in result.stdout
    assert ("  customer b-2 is not in either, but the test expects it in; no alternative held:\n"
            f"    {tmp_path}/either.seg:1: region = 'UK' → false (region is 'NO')\n"
            f"    {tmp_path}/either.seg:1: age > 60 → false (age is 30)\n") in result.stdout
    assert ("  customer c-3 is in either, but the test expects it out; it matched:\n"
            f"    {tmp_path}/either.seg:1: age > 60 → true (age is 61)\n") in result.stdout
    assert result.stdout.splitlines()[-1].startswith("1 failed in ")


def test_a_test_file_given_alone_sees_its_folder(project: Path) -> None:
    # churn.test.yml expects vip_keep_warm, which needs high_value from value.seg
    result = cli("test", str(project / "segments" / "churn.test.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("4 passed in ")


def test_relation_rows_under_the_table_name_and_column_names(tmp_path: Path) -> None:
    schema = write(tmp_path / "schema.yml", """\
table: people
key: id
fields:
  full_name: {type: string, column: name}
  score: decimal
  tags: list<string>
  born: date
relations:
  purchases: {table: sales, key: person, time: at, fields: {total: decimal, at: timestamp}}
""")
    write(tmp_path / "s.seg", "segment s where sum(purchases.total) > 10.5 and full_name starts with 'A'"
                              " and tags has any ('x') and born < 2000-01-01 and score >= 0.25\n")
    write(tmp_path / "s.test.yml", """\
people:
  - {id: 1, name: Ann, tags: [x, y], born: 1990-05-01, score: 0.25}
  - {id: 2, full_name: Al, tags: [x], born: 1990-05-01, score: 1_000}
  - {id: 3, full_name: Bo, tags: [x], born: 1990-05-01, score: 1}
sales:
  - {person: 1, total: 10.25, at: 2024-01-01}
  - {person: 1, total: 0.5, at: 2024-01-02 10:00:00}
  - {person: 2, total: 10.5}
  - {person: 3, total: 99}
  - {total: 99}
expect:
  s: [1]
""")
    result = cli("test", str(tmp_path), "--schema", str(schema))
    assert result.returncode == 0, result.stdout + result.stderr


# ---- mistakes in test files ----------------------------------------------------------------------


def test_bad_test_files_are_diagnostics_with_lines(project: Path) -> None:
    write(project / "segments" / "bad.test.yml", """\
customers:
  - {customer_id: 1, agee: 30, signup_date: 2026-13-01}
  - {customer_id: 1, age: thirty, is_subscribed: maybe, last_seen_at: 2026-01-01T10:00:00+02:00}
  - {age: 3, interests: yoga}
orderz: []
expect:
  uk_frequnt: [1]
  uk_ireland: [7]
  uk_frequent: {in: [1], maybe: [2]}
""")
    result = cli("test", str(project / "segments" / "bad.test.yml"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    bad = project / "segments" / "bad.test.yml"
    for expected in [
        f"{bad}:2:22: error[SEG410]: customers has no column 'agee'",
        "= hint: did you mean 'age'?",
        f"{bad}:2:45: error[SEG410]: 'signup_date' is a date; write a date such as 2026-06-01, not 2026-13-01",
        f"{bad}:3:19: error[SEG410]: two customers rows have customer_id 1",
        f"{bad}:3:27: error[SEG410]: 'age' is an int; write a number, not 'thirty'",
        f"{bad}:3:50: error[SEG410]: 'is_subscribed' is a bool; write true or false, not maybe",
        f"{bad}:3:71: error[SEG410]: 'last_seen_at' is a timestamp; timestamps have no time zone",
        f"{bad}:4:25: error[SEG410]: 'interests' is a list<string>; write a list such as [a, b]",
        f"{bad}:4:5: error[SEG410]: customers row 3 needs its key 'customer_id'",
        f"{bad}:5:1: error[SEG410]: unknown key 'orderz' in the test file",
        f"{bad}:7:3: error[SEG410]: no segment named 'uk_frequnt'",
        f"{bad}:8:16: error[SEG410]: customer 7 is not among the customers rows of this test",
        f"{bad}:9:3: error[SEG410]: segment 'uk_frequent' uses relative time",
        f"{bad}:9:26: error[SEG410]: expected 'in' or 'out' here, not 'maybe'",
    ]:
        assert expected in result.stderr, expected
    assert result.stdout.splitlines()[-1].startswith("1 error in ")


@pytest.mark.parametrize(("text", "message"), [
    ("customers: [\n  {customer_id: 1\n", ":3:1: error[SEG410]: this test file is not valid YAML"),
    ("- 1\n- 2\n", ":1:1: error[SEG410]: a test file is a mapping with the rows and 'expect'"),
    ("customers: [{customer_id: 1}]\n", "the test file has no 'expect'"),
    ("expect: {uk_ireland: [1]}\n", "the test file gives no entity rows"),
    ("customers: [{customer_id: 1}]\nexpect: []\n", "'expect' must map segment names to their members"),
    ("customers: [{customer_id: 1}]\nexpect: {uk_ireland: 1}\n", "write the members as a list of keys"),
    ("customers: {customer_id: 1}\nexpect: {uk_ireland: []}\n", "'customers' must be a list of rows"),
    ("as_of: soon\ncustomers: []\nexpect: {uk_ireland: []}\n", "as_of must be a date such as 2026-06-30"),
    ("customers: [{customer_id: 1}]\ncustomers: []\nexpect: {uk_ireland: []}\n",
     "'customers' appears twice in the test file"),
    ("customers: [{customer_id: true}]\nexpect: {uk_ireland: []}\n", "a key must be a whole number or a text"),
    ("customers: [{customer_id: 1, interests: [1, [2]]}]\nexpect: {uk_ireland: []}\n",
     "'interests' is a list<string>; write a single value here"),
    ("customers: [{customer_id: 1}]\nexpect: {uk_ireland: {in: [1], out: [1]}}\n", "1 is both in and out"),
    # beyond what the test database (and every engine) holds: a diagnostic, not DuckDB's error
    ("as_of: 0001-01-01\ncustomers: []\nexpect: {uk_ireland: []}\n",
     ":1:8: error[SEG410]: as_of must be between 1001-01-01 and 9998-12-31"),
    ("customers: [{customer_id: 99999999999999999999999}]\nexpect: {uk_ireland: []}\n",
     "a whole-number key must fit in 64 bits"),
    ("customers: [{customer_id: 1, age: -9223372036854775809}]\nexpect: {uk_ireland: []}\n",
     "'age' is an int; write a whole number that fits in 64 bits"),
    ("customers: [{customer_id: 1, income: 123456789012345678901234567890.5}]\nexpect: {uk_ireland: []}\n",
     "'income' is a decimal; write a number with at most 28 digits before the point"),
])
def test_test_file_mistakes(tmp_path: Path, text: str, message: str) -> None:
    shutil.copy(EXAMPLES / "schema.yml", tmp_path / "schema.yml")
    shutil.copy(SEGMENTS / "geographic.seg", tmp_path / "geographic.seg")
    write(tmp_path / "t.test.yml", text)
    result = cli("test", str(tmp_path))
    assert result.returncode == 1
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_usage_and_path_errors(tmp_path: Path) -> None:
    assert cli("test").returncode == 2
    missing = cli("test", str(tmp_path / "nope"))
    assert missing.returncode == 1 and "no such file or folder" in missing.stderr
    none = cli("test", str(tmp_path))
    assert none.returncode == 1 and "no segment tests (*.test.yml) found" in none.stderr
    write(tmp_path / "x.txt", "hello")
    other = cli("test", str(tmp_path / "x.txt"))
    assert other.returncode == 1 and "neither a folder, a .seg file nor a *.test.yml file" in other.stderr


def test_segment_errors_stop_the_run(project: Path) -> None:
    write(project / "segments" / "broken.seg", "segment broken where agee > 3\n")
    result = cli("test", str(project / "segments"))
    assert result.returncode == 1
    assert "error[SEG101]: unknown field 'agee'" in result.stderr


def test_a_wrong_as_of_is_one_mistake(tmp_path: Path) -> None:
    """An as_of that is not a date is reported once, not also as a missing reference date."""
    shutil.copy(EXAMPLES / "schema.yml", tmp_path / "schema.yml")
    write(tmp_path / "recent.seg", "segment recent where has orders in last 30 days\n")
    write(tmp_path / "t.test.yml", "as_of: 2026-13-01\ncustomers: [{customer_id: 1}]\nexpect: {recent: []}\n")
    result = cli("test", str(tmp_path))
    assert result.returncode == 1 and "as_of must be a date such as 2026-06-30" in result.stderr
    assert "uses relative time" not in result.stderr and result.stderr.count("error[SEG410]") == 1
