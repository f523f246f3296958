"""segdsl check warnings: never-true conditions, implied conditions, unused traits, enum data."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import segdsl
from segdsl import ir
from segdsl import syntax as s
from segdsl.evaluate import Dataset, evaluate
from segdsl.lint import lint, top_level_parts
from segdsl.project import build_program
from segdsl.schema import Schema
from tests.conftest import EXAMPLES, ROOT


def warnings(text: str, schema: Schema) -> list[tuple[str, str, str]]:
    """(code, message, the text the warning points at) for one file."""
    program = build_program([("x.seg", text)], schema)
    assert program.errors == [], program.errors
    return [(d.code, d.message, text[d.span.start:d.span.end]) for d in lint(program) if d.code != "SEG404"]


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "segdsl", *args], cwd=cwd, capture_output=True, text=True,
                          env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}, timeout=120)


# ---- never true ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "at"), [
    ("age < 18 and age > 65", "age > 65"),
    ("region = 'UK' and region = 'IE'", "region = 'IE'"),
    ("age 25..40 and age > 50", "age > 50"),
    ("age > 3 and age < 4", "age < 4"),  # whole numbers
    ("phone is null and phone = 'x'", "phone = 'x'"),
    ("phone is null and phone is not null", "phone is not null"),
    ("email contains 'a' and email is null", "email is null"),
    ("is_subscribed and not is_subscribed", "not is_subscribed"),
    ("is_subscribed and is_subscribed = false", "is_subscribed = false"),
    ("has orders and no orders", "no orders"),
    ("count(orders) < 0", "count(orders) < 0"),
    ("age = 30.5", "age = 30.5"),
    ("region not in ('UK') and region = 'UK'", "region = 'UK'"),
    ("signup_date >= 2024-01-01 and signup_date < 2023-06-01", "signup_date < 2023-06-01"),
    ("signup_date > 2024-01-01 and signup_date <= 2024-01-01", "signup_date <= 2024-01-01"),
    ("last_seen_at in last 30 days and last_seen_at before 90 days ago", "last_seen_at before 90 days ago"),
    ("adult and age < 10", "age < 10"),  # traits are seen through
    ("orders_90d >= 3 and count(orders in last 90 days) = 0", "count(orders in last 90 days) = 0"),
    # negated ranges and sets, or-groups on one subject
    ("age 30..40 and not age 20..50", "not age 20..50"),
    ("not age 20..50 and age 30..40", "age 30..40"),
    ("age > 5 and (age < 3 or age < 2)", "age < 3 or age < 2"),
    ("(region = 'UK' or region = 'IE') and region not in ('UK', 'IE')", "region not in ('UK', 'IE')"),
    ("region in ('UK', 'IE') and not (region = 'UK' or region = 'IE' or region is null)",
     "not (region = 'UK' or region = 'IE' or region is null"),  # the parser's span leaves out ')'
    ("last_seen_at in last 7 days and not last_seen_at in last 30 days", "not last_seen_at in last 30 days"),
    ("(age < 10 or age > 90) and age 20..80", "age 20..80"),
    ("not (age > 3) and age = 5", "age = 5"),
    # counts over nested windows and filters
    ("has orders in last 30 days and no orders in last 90 days", "no orders in last 90 days"),
    ("has orders in last 2 weeks and no orders in last 14 days", "no orders in last 14 days"),
    ("has orders where status = 'paid' and no orders", "no orders"),
    ("has orders in last 7 days where status = 'paid' and no orders in last 30 days where status = 'paid'",
     "no orders in last 30 days where status = 'paid'"),
    ("count(orders in last 30 days) > 5 and count(orders) < 3", "count(orders) < 3"),
    ("orders_90d = 0 and has orders in last 30 days", "has orders in last 30 days"),
])
def test_never_true(example_schema: Schema, text: str, at: str) -> None:
    found = warnings(f"segment s where {text}", example_schema)
    assert [(code, where) for code, _, where in found] == [("SEG401", at)]
    assert "segment 's' matches nobody" in found[0][1]


def test_never_true_with_three_conditions(example_schema: Schema) -> None:
    found = warnings("segment s where region in ('UK', 'IE') and region != 'UK' and region != 'IE'",
                     example_schema)
    assert found == [("SEG401", "\"region in ('UK', 'IE')\", \"region != 'UK'\" and \"region != 'IE'\" "
                      "can never all be true, so segment 's' matches nobody", "region != 'IE'")]


def test_never_true_inside_or_not_and_filters(example_schema: Schema) -> None:
    text = ("segment s where (age < 18 and age > 65) or region = 'UK' or "
            "has orders where (status = 'paid' and status = 'refunded') or "
            "count(orders where amount > 10 and amount < 5) > 1")
    found = warnings(text, example_schema)
    assert [(code, where) for code, _, where in found] == [
        ("SEG401", "age > 65"), ("SEG401", "status = 'refunded'"), ("SEG401", "amount < 5")]
    assert all("this part is always false" in message for _, message, _ in found)


def test_inlined_segment_contradicts_a_condition(example_schema: Schema) -> None:
    text = "segment young where age < 30\nsegment s where in segment young and age > 40\n"
    assert [(c, w) for c, _, w in warnings(text, example_schema)] == [("SEG401", "age > 40")]


@pytest.mark.parametrize("text", [
    "age < 18 or age > 65",
    "income > 3 and income < 4",  # decimals: 3.5 fits
    "region != 'UK' and region != 'IE'",  # a missing region passes both
    "last_seen_at = 2024-01-01 and last_seen_at >= 2024-01-01T10:00:00",
    "last_seen_at in last 3 months and last_seen_at before 90 days ago",  # months vary: not claimed
    "has orders in last 30 days and no orders in last 7 days",
    "age 18..18",
    "age > 3 and not (age > 3 and region = 'UK')",
    "age 30..40 and not age 20..35",
    "age > 5 and (age < 3 or region = 'UK')",  # the 'or' is on two subjects
    "has orders and no orders in last 90 days and no orders before 90 days ago",  # orders after today
    "has orders in last 90 days and no orders in last 30 days",
    "has orders and no orders where status = 'paid'",  # the filtered count is the smaller one
    "has orders where status = 'paid' and no orders where status = 'refunded'",
    "has orders in last 1 month and no orders in last 30 days",  # months vary: not claimed
    "sum(orders.amount in last 30 days) > 5 and sum(orders.amount) < 3",  # amounts may be negative
    "has orders between 2024-01-01 and 2024-03-31 and no orders in last 30 days",
])
def test_no_false_alarm(example_schema: Schema, text: str) -> None:
    assert warnings(f"segment s where {text}", example_schema) == []


# ---- implied ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "at", "word"), [
    ("age > 30 and age > 20", "age > 20", "is implied by"),
    ("age > 20 and age > 30", "age > 20", "is implied by"),
    ("age > 30 and age > 30", "age > 30", "repeats"),
    ("adult and age >= 18", "age >= 18", "means the same as"),
    ("age 25..40 and age > 20", "age > 20", "is implied by"),
    ("region = 'UK' and region in ('UK', 'IE')", "region in ('UK', 'IE')", "is implied by"),
    ("age > 30 and age != 10", "age != 10", "is implied by"),
    ("age > 3 and age is not null", "age is not null", "is implied by"),
    ("signup_date >= 2024-01-01 and signup_date > 2023-12-31", "signup_date > 2023-12-31", "is implied by"),
    ("lifetime_value in top 10% and lifetime_value in top 10%", "lifetime_value in top 10%", "repeats"),
    ("has orders and count(orders) >= 1", "count(orders) >= 1", "is implied by"),
    ("orders_90d >= 3 and count(orders in last 90 days) > 2", "count(orders in last 90 days) > 2",
     "is implied by"),
    ("age > 5 and (age > 3 or age < 2)", "age > 3 or age < 2", "is implied by"),
    ("age 30..40 and not age 10..20", "not age 10..20", "is implied by"),
    ("region = 'UK' and not (region = 'IE' or region = 'US')", "not (region = 'IE' or region = 'US'",
     "is implied by"),
    ("age is null and not age 20..50", "not age 20..50", "is implied by"),  # missing: outside the range
    ("has orders in last 30 days and has orders in last 90 days", "has orders in last 90 days",
     "is implied by"),
    ("has orders in last 30 days and has orders", "has orders", "is implied by"),
    ("no orders in last 90 days and no orders in last 30 days", "no orders in last 30 days", "is implied by"),
    ("has orders where status = 'paid' and has orders", "has orders", "is implied by"),
    ("count(orders in last 30 days) >= 3 and orders_90d > 1", "orders_90d > 1", "is implied by"),
])
def test_implied(example_schema: Schema, text: str, at: str, word: str) -> None:
    found = warnings(f"segment s where {text}", example_schema)
    assert [(code, where) for code, _, where in found] == [("SEG402", at)]
    assert f" {word} " in found[0][1]


def test_implied_by_an_inlined_segment(example_schema: Schema) -> None:
    text = "segment mid where age 25..40\nsegment s where in segment mid and age > 20\n"
    found = warnings(text, example_schema)
    assert found == [("SEG402", '"age > 20" is implied by "in segment mid" (line 2), so it changes nothing',
                      "age > 20")]


def test_examples_and_docs_raise_no_false_alarms(example_schema: Schema) -> None:
    sources = [(str(p), p.read_text(encoding="utf-8")) for p in sorted((EXAMPLES / "segments").glob("*.seg"))]
    assert [d for d in lint(build_program(sources, example_schema)) if d.code != "SEG404"] == []
    page = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    for block in re.findall(r"```seg\n(.*?)```", page, re.S):
        units = [block] if re.search(r"^\s*segment\s", block, re.M) else [
            line for line in block.splitlines() if line.split("#")[0].strip()]
        for unit in units:
            assert warnings(unit, example_schema) == [], unit


# ---- soundness, by brute force against the reference evaluator ------------------------------------

_AGE_CONDITIONS = st.builds(lambda op, v: f"age {op} {v}", st.sampled_from(["=", "!=", "<", "<=", ">", ">="]),
                            st.sampled_from(["-1", "0", "17", "18", "18.5", "30", "65", "99"]))
_AGE_MORE = st.one_of(
    _AGE_CONDITIONS,
    st.builds(lambda a, b: f"age {min(a, b)}..{max(a, b)}", st.integers(0, 99), st.integers(0, 99)),
    st.builds(lambda vs, neg: f"age {'not in' if neg else 'in'} ({', '.join(map(str, vs))})",
              st.lists(st.integers(0, 99), min_size=1, max_size=3), st.booleans()),
    st.sampled_from(["age is null", "age is not null", "adult", "not adult"]),
)
_REGION = st.one_of(
    st.builds(lambda op, v: f"region {op} '{v}'", st.sampled_from(["=", "!="]), st.sampled_from(["UK", "IE", "US"])),
    st.builds(lambda vs, neg: f"region {'not in' if neg else 'in'} ({', '.join(repr(v) for v in vs)})",
              st.lists(st.sampled_from(["UK", "IE", "US"]), min_size=1, max_size=3), st.booleans()),
    st.sampled_from(["region is null", "region is not null"]),
)
_SEEN = st.one_of(
    st.builds(lambda n, u: f"last_seen_at in last {n} {u}", st.integers(1, 40), st.sampled_from(["days", "weeks"])),
    st.builds(lambda w, n: f"last_seen_at {w} {n} days ago", st.sampled_from(["before", "after"]), st.integers(0, 60)),
    st.builds(lambda op, d: f"last_seen_at {op} 2026-06-{d:02d}", st.sampled_from(["<", "<=", ">", ">=", "="]),
              st.integers(1, 30)),
    st.sampled_from(["last_seen_at before today", "last_seen_at after today", "last_seen_at is null"]),
)


_SIGNUP = st.one_of(
    st.builds(lambda n: f"signup_date in last {n} days", st.integers(1, 40)),
    st.builds(lambda w, n: f"signup_date {w} {n} days ago", st.sampled_from(["before", "after"]), st.integers(0, 60)),
    st.builds(lambda op, d: f"signup_date {op} 2026-06-{d:02d}", st.sampled_from(["<", ">=", "="]),
              st.integers(1, 30)),
)
_WINDOW = st.one_of(
    st.just(""),
    st.builds(lambda n, u: f" in last {n} {u}", st.sampled_from([1, 2, 7, 14, 30, 90]),
              st.sampled_from(["days", "weeks", "months"])),
    st.builds(lambda w, n: f" {w} {n} days ago", st.sampled_from(["before", "after"]), st.sampled_from([0, 30, 90])),
    st.just(" between 2026-01-01 and 2026-06-30"),
)
_FILTER = st.sampled_from(["", " where status = 'paid'", " where amount > 20", " where status != 'paid'"])
_ORDERS = st.one_of(
    st.builds(lambda word, window, where: f"{word} orders{window}{where}", st.sampled_from(["has", "no"]),
              _WINDOW, _FILTER),
    st.builds(lambda window, where, op, n: f"count(orders{window}{where}) {op} {n}", _WINDOW, _FILTER,
              st.sampled_from(["=", "<", ">=", ">"]), st.integers(0, 3)),
    st.builds(lambda window, op, n: f"count distinct(orders.category{window}) {op} {n}", _WINDOW,
              st.sampled_from(["=", "<", ">="]), st.integers(0, 2)),
    st.builds(lambda op, n: f"orders_90d {op} {n}", st.sampled_from(["=", "<", ">="]), st.integers(0, 3)),
)


@st.composite
def _lint_condition(draw: st.DrawFn, depth: int = 1) -> str:
    """An atom, a negated one, or a group of atoms (mostly on one subject) joined by 'or'/'and'."""
    family = draw(st.sampled_from([_AGE_MORE, _REGION, _SEEN, _SIGNUP, _ORDERS]))
    kind = draw(st.integers(0, 5)) if depth else 0
    if kind <= 2:
        return draw(family)
    if kind == 3:
        return f"not {draw(family)}" if draw(st.booleans()) else f"not ({draw(family)})"
    parts = draw(st.lists(st.one_of(family, _lint_condition(depth - 1)) if draw(st.booleans()) else family,
                          min_size=2, max_size=3))
    joiner = f" {draw(st.sampled_from(['or', 'and']))} "
    group = f"({joiner.join(parts)})"
    return f"not {group}" if kind == 5 else group


def _dataset(as_of: dt.date, rng: random.Random) -> Dataset:
    """Every value of each field alone, orders at the edges of the windows, and random customers."""
    rows: list[dict[str, object]] = []
    orders: list[dict[str, object]] = []

    def moment(days: int, hour: int) -> dt.datetime:
        return dt.datetime.combine(as_of + dt.timedelta(days=days), dt.time(hour))

    for age in [None, *range(-3, 102)]:
        rows.append({"age": age})
    for region in [None, "UK", "IE", "US", "DE"]:
        rows.append({"region": region})
    for days in [None, *range(-120, 40)]:
        rows.append({"signup_date": None if days is None else as_of + dt.timedelta(days=days)})
        for hour in (0, 13):
            rows.append({"last_seen_at": None if days is None else moment(days, hour)})
    edges = [-400, -200, -95, -91, -90, -89, -60, -31, -30, -29, -14, -13, -7, -6, -1, 0, 1, 30]
    picks = [[d] for d in edges] + [[a, b] for a in edges for b in edges if a < b] + [[d] * 4 for d in edges]
    for index, days in enumerate(picks):
        rows.append({})
        for offset, day in enumerate(days):
            orders.append({"customer_id": len(rows), "created_at": moment(day, (index + offset) % 24),
                           "status": ["paid", "refunded", None][(index + offset) % 3],
                           "amount": [5, 25, None][(index + 2 * offset) % 3], "category": ["a", "b"][offset % 2]})
    for _ in range(150):
        rows.append({"age": rng.choice([None, *range(0, 100)]), "region": rng.choice([None, "UK", "IE", "US"]),
                     "last_seen_at": rng.choice([None, moment(rng.randint(-120, 40), rng.randint(0, 23))]),
                     "signup_date": rng.choice([None, as_of + dt.timedelta(days=rng.randint(-120, 40))])})
        for _ in range(rng.choice([0, 0, 1, 2, 3, 6])):
            orders.append({"customer_id": len(rows), "created_at": moment(rng.randint(-200, 5), rng.randint(0, 23)),
                           "status": rng.choice([None, "paid", "refunded", "cancelled"]),
                           "amount": rng.choice([None, 5, 20, 21, 100]), "category": rng.choice([None, "a", "b"])})
    for key, row in enumerate(rows, start=1):
        row["customer_id"] = key
    return Dataset(rows, {"orders": orders, "events": []})


def _index(expr: s.Expr, pred: ir.Pred, out: dict[tuple[int, int], tuple[s.Expr, ir.Pred, list[Any]]]) -> None:
    """Every condition outside filters by span: its syntax, its IR and the 'and' chain it is part of."""
    def flat(node: s.Expr, part: ir.Pred) -> list[tuple[s.Expr, ir.Pred]]:
        if isinstance(node, s.And) and isinstance(part, ir.And) and len(node.items) == len(part.preds):
            return [pair for item, p in zip(node.items, part.preds, strict=True) for pair in flat(item, p)]
        return [(node, part)]

    chain = flat(expr, pred)
    for node, part in chain:
        out[(node.span.start, node.span.end)] = (node, part, chain)
        if isinstance(node, s.Or) and isinstance(part, ir.Or):
            for item, p in zip(node.items, part.preds, strict=True):
                _index(item, p, out)
        elif isinstance(node, s.Not) and isinstance(part, ir.Not):
            _index(node.operand, part.pred, out)


def _written(text: str, node: s.Expr) -> str:
    """As the linter quotes a condition."""
    def whole(node: s.Expr) -> str:
        if isinstance(node, s.Not):
            opened = text[node.span.start:node.operand.span.start].count("(") - isinstance(node.operand, (s.And, s.Or))
            return "not " + "(" * opened + whole(node.operand) + ")" * opened
        words = " ".join(text[node.span.start:node.span.end].split())
        return f"({words})" if isinstance(node, (s.And, s.Or)) else words

    words = whole(node)
    return words if len(words) <= 60 else words[:57] + "…"


@settings(max_examples=int(os.environ.get("SEGDSL_LINT_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_lint_condition(), min_size=1, max_size=4), st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
       st.integers(0, 2**32))
def test_property_warnings_are_never_wrong(example_schema: Schema, conditions: list[str], as_of: dt.date,
                                          seed: int) -> None:
    """SEG401: the named conditions together have no member. SEG402: the implied condition
    holds for every member of the one implying it, so removing it changes no members."""
    text = "segment s where " + " and ".join(conditions)
    program = build_program([("x.seg", text)], example_schema)
    if program.errors:  # e.g. an empty range
        return
    data = _dataset(as_of, random.Random(seed))
    segment = program.segments["s"]
    expr = program.files[0].segments[0].expr
    where: dict[tuple[int, int], tuple[s.Expr, ir.Pred, list[Any]]] = {}
    _index(expr, segment.pred, where)

    def members(pred: ir.Pred) -> set[Any]:
        return evaluate(pred, example_schema, data, as_of)

    everyone = members(segment.pred)
    for diagnostic in lint(program):
        if diagnostic.code not in ("SEG401", "SEG402"):
            continue
        node, pred, chain = where[(diagnostic.span.start, diagnostic.span.end)]
        if diagnostic.code == "SEG401":
            named = [pred]
            for note in diagnostic.notes:
                found = re.fullmatch(r'x\.seg:1:(\d+): "(.*)" is here', note)
                assert found is not None, note
                start = int(found.group(1)) - 1
                named += [p for n, p in chain if n.span.start == start and _written(text, n) == found.group(2)][:1]
            assert len(named) == len(diagnostic.notes) + 1, diagnostic.message
            assert members(ir.And(tuple(named))) == set(), diagnostic.message
            if "matches nobody" in diagnostic.message:
                assert everyone == set(), diagnostic.message
        else:
            other = re.search(r'(?:implied by|repeats|means the same as) "(.*)" \(line', diagnostic.message)
            assert other is not None
            by = [p for n, p in chain if n is not node and _written(text, n) == other.group(1)]
            assert by, diagnostic.message
            assert members(by[0]) <= members(pred), diagnostic.message
            rest = tuple(p for n, p in chain if n is not node)
            if chain == top_level_parts(expr, segment.pred)[1]:
                assert members(ir.And(rest)) == everyone, diagnostic.message


def test_pairs_of_bounds_on_whole_numbers_are_always_caught(example_schema: Schema) -> None:
    """Completeness where it is cheap to know: two bounds on an int field."""
    ops = ["=", "<", "<=", ">", ">="]
    data = _dataset(dt.date(2026, 6, 30), random.Random(0))
    for op1 in ops:
        for op2 in ops:
            for v1 in (10, 11):
                for v2 in (10, 11):
                    text = f"segment s where age {op1} {v1} and age {op2} {v2}"
                    program = build_program([("x.seg", text)], example_schema)
                    empty = evaluate(program.segments["s"].pred, example_schema, data, dt.date(2026, 6, 30)) == set()
                    codes = [d.code for d in lint(program) if d.code != "SEG404"]
                    assert ("SEG401" in codes) == empty, text


# ---- unused traits, --strict, --db -------------------------------------------------------------------


def test_unused_traits_follow_uses_through_traits(tmp_path: Path) -> None:
    schema = segdsl.load_schema({
        "table": "t", "key": "id", "fields": {"age": "int"},
        "traits": {"adult": "age >= 18", "senior": "adult and age >= 65", "unused": "age < 3"},
    })
    program = build_program([("x.seg", "segment s where senior")], schema)
    found = [(d.code, d.message, d.severity) for d in lint(program)]
    assert found == [("SEG404", "trait 'unused' is not used by any of the checked segments", "warning")]


def test_check_warnings_exit_0_unless_strict(tmp_path: Path) -> None:
    (tmp_path / "schema.yml").write_text((EXAMPLES / "schema.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a.seg").write_text("segment a where age < 18 and age > 65 and adult\n", encoding="utf-8")
    plain = cli("check", str(tmp_path))
    assert plain.returncode == 0, plain.stderr
    assert "warning[SEG401]" in plain.stderr and "ok: 1 segment checked, 4 warnings" in plain.stderr
    assert "= note:" in plain.stderr and '"age < 18" is here' in plain.stderr
    strict = cli("check", "--strict", str(tmp_path))
    assert strict.returncode == 1
    github = cli("check", "--format", "github", str(tmp_path))
    assert github.returncode == 0
    assert github.stdout.count("::warning ") == 4  # SEG401 and three unused traits
    as_json = json.loads(cli("check", "--format", "json", str(tmp_path)).stdout)
    assert {d["code"] for d in as_json} == {"SEG401", "SEG404"}
    assert all(d["severity"] == "warning" for d in as_json)


def test_examples_use_every_trait() -> None:
    result = cli("check", "examples/segments", "--format", "github")
    assert (result.returncode, result.stdout) == (0, "")


def test_unused_trait_is_reported_relative_to_cwd(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    schema = tmp_path / "examples" / "schema.yml"
    text = schema.read_text(encoding="utf-8")
    schema.write_text(text.replace("traits:\n", "traits:\n  teen: age 13..19\n"), encoding="utf-8")
    line = text.splitlines().index("traits:") + 2
    result = cli("check", "examples/segments", "--format", "github", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith(f"::warning file=examples/schema.yml,line={line},col=9,")  # at the definition
    assert "trait 'teen' is not used" in result.stdout


def test_check_db_reports_undeclared_enum_values(tmp_path: Path) -> None:
    import duckdb

    schema = tmp_path / "schema.yml"
    schema.write_text(
        "table: people\nkey: id\nfields:\n  region: {type: enum, values: [UK, IE]}\n"
        "  tier: {type: enum, values: [gold], column: level}\n"
        "relations:\n  orders:\n    key: id\n    fields:\n      status: {type: enum, values: [paid]}\n",
        encoding="utf-8")
    (tmp_path / "a.seg").write_text("segment a where region = 'UK' and tier = 'gold'\n", encoding="utf-8")
    db = tmp_path / "data.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE people (id INT, region VARCHAR, level VARCHAR)")
        con.execute("INSERT INTO people VALUES (1, 'UK', 'gold'), (2, 'uk', 'gold'), (3, 'GB', NULL), (4, NULL, 'gold')")
        con.execute("CREATE TABLE orders (id INT, status VARCHAR)")
        con.execute("INSERT INTO orders VALUES (1, 'paid')")
    result = cli("check", str(tmp_path), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("warning[SEG403]") == 1
    assert "people.region holds values the schema does not declare for 'region': 'GB', 'uk'" in result.stderr
    assert "'uk' → 'UK'" in result.stderr
    with duckdb.connect(str(db)) as con:
        con.execute("INSERT INTO orders VALUES (2, 'lost')")
    assert "orders.status holds values the schema does not declare for 'status': 'lost'" in cli(
        "check", str(tmp_path), "--db", str(db)).stderr
    assert cli("check", str(tmp_path), "--db", str(db), "--strict").returncode == 1
    missing = cli("check", str(tmp_path), "--db", str(tmp_path / "nope.duckdb"))
    assert missing.returncode == 1 and "error[SEG302]" in missing.stderr and "Traceback" not in missing.stderr
    with duckdb.connect(str(db)) as con:
        con.execute("DROP TABLE orders")
        con.execute("ALTER TABLE people DROP COLUMN level")
    gone = cli("check", str(tmp_path), "--db", str(db))  # a missing table or column is a warning
    assert gone.returncode == 0 and "Traceback" not in gone.stderr, gone.stderr
    assert gone.stderr.count("warning[SEG302]") == 2 and "has no table orders" in gone.stderr
    assert "table people in " in gone.stderr and "has no column 'level'" in gone.stderr
    assert "warning[SEG403]" in gone.stderr  # region is still checked
    assert cli("check", str(tmp_path), "--db", str(db), "--strict").returncode == 1
    usage = cli("check", str(tmp_path), "--db", "oracle://x")
    assert usage.returncode == 2 and "oracle" in usage.stderr


_ENUM_SCHEMA = ("table: people\nkey: id\nfields:\n"
                "  region: {type: enum, values: [UK, IE, \"it's\"]}\n"
                "  tier: {type: enum, values: [gold], column: level}\n")


def _enum_target(kind: str, tmp_path: Path) -> str:
    from tests.test_runners import mysql_url, postgres_url

    return {"duckdb": lambda: str(tmp_path / "data.duckdb"),
            "sqlite": lambda: f"sqlite:///{tmp_path / 'data.db'}",
            "postgres": lambda: postgres_url("segdsl_check_test"),
            "mysql": lambda: mysql_url("segdsl_check_test")}[kind]()


@pytest.mark.parametrize("kind", ["duckdb", "sqlite", "postgres", "mysql"])
def test_check_db_on_every_database_run_can_use(kind: str, tmp_path: Path) -> None:
    """Undeclared enum values on each database run supports, compared exactly as segments
    compare (MariaDB's default collation would call 'uk' equal to 'UK'); a column the
    database lacks is a warning at the field, and the other columns are still checked."""
    import sqlite3

    import duckdb

    from segdsl.runners import open_database

    (tmp_path / "schema.yml").write_text(_ENUM_SCHEMA, encoding="utf-8")
    (tmp_path / "a.seg").write_text("segment a where region = 'UK' and tier = 'gold'\n", encoding="utf-8")
    url = _enum_target(kind, tmp_path)
    if kind == "duckdb":
        duckdb.connect(url).close()
    elif kind == "sqlite":
        sqlite3.connect(tmp_path / "data.db").close()
    with open_database(url) as db:
        db.execute("DROP TABLE IF EXISTS people")
        db.execute("CREATE TABLE people (id INTEGER, region VARCHAR(20))")
        db.execute("INSERT INTO people VALUES (1, 'UK'), (2, 'uk'), (3, 'UK '), (4, 'it''s'), (5, NULL),"
                   " (6, 'GB')")
    try:
        result = cli("check", str(tmp_path), "--db", url, "--format", "json")
        assert result.returncode == 0, result.stderr
        found = {d["code"]: d for d in json.loads(result.stdout)}
        assert set(found) == {"SEG302", "SEG403"}, found
        assert found["SEG403"]["message"] \
            == "people.region holds values the schema does not declare for 'region': 'GB', 'UK ', 'uk'"
        assert "level" in found["SEG302"]["message"] and found["SEG302"]["severity"] == "warning"
        assert found["SEG302"]["line"] == 5  # at the field whose column is missing
    finally:
        with open_database(url) as db:
            db.execute("DROP TABLE IF EXISTS people")


def test_unused_traits_only_when_a_folder_is_checked(tmp_path: Path) -> None:
    """An editor or a pre-commit hook checks files one by one: the traits those files do not
    use are used elsewhere, so SEG404 would be noise there."""
    (tmp_path / "schema.yml").write_text((EXAMPLES / "schema.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a.seg").write_text("segment a where adult\n", encoding="utf-8")
    one_file = cli("check", "--format", "json", str(tmp_path / "a.seg"))
    assert (one_file.returncode, json.loads(one_file.stdout)) == (0, [])
    folder = json.loads(cli("check", "--format", "json", str(tmp_path)).stdout)
    assert folder and {d["code"] for d in folder} == {"SEG404"}
    assert "adult" not in " ".join(d["message"] for d in folder)
    mixed = json.loads(cli("check", "--format", "json", str(tmp_path / "a.seg"), str(tmp_path)).stdout)
    assert {d["code"] for d in mixed} == {"SEG404"}
