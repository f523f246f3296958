"""Same answer on every engine: generated segments, generated data, one oracle.

Hypothesis draws batches of random well-typed segments (tests/differential/strategies.py)
and a dataset full of edge cases; every available engine runs the whole batch in ONE query
(the membership query, unpivoted to key*100+index so any engine returns one column) and
must return exactly what the reference evaluator (segdsl/evaluate.py) says. A failing
batch shrinks to the smallest failing segment; keep it in REGRESSIONS below.

Invariants that need no oracle (|X| + |not X| = |all|, X and Y ⊆ X, in segment s = s) are
checked on the same batches.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from segdsl import dialects, ir
from segdsl.compiler import builder_for, render
from segdsl.evaluate import Dataset, evaluate_segment
from segdsl.project import Program, build_program
from tests.differential.strategies import make_dataset, segment_batches
from tests.engines import ENGINE_NAMES, engine_or_skip

BATCH = 50
BATCHES = int(os.environ.get("SEGDSL_DIFFERENTIAL_BATCHES", "10"))  # 10 x 50 = 500 segments per run

# Shrunk failures found by this test, kept as fixed cases: (dataset seed, segment text).
REGRESSIONS: list[tuple[int, str]] = []


@pytest.fixture(scope="module")
def engines() -> list[Any]:
    return [engine_or_skip(name) for name in ENGINE_NAMES if _wanted(name)]


def _wanted(name: str) -> bool:
    selected = os.environ.get("SEGDSL_ENGINES")
    return not selected or name in selected.split(",")


def _engine_data(engine: Any, people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the engine can store: ClickHouse keeps a missing list as an empty one."""
    if getattr(engine, "null_lists_supported", True):
        return people
    return [{**p, "interests": p["interests"] if p["interests"] is not None else []} for p in people]


def batch_sql(program: Program, names: list[str], dialect: dialects.Dialect, as_of: Any) -> str:
    """One query returning key * 100 + i for every member of segment names[i]."""
    builder = builder_for(program.schema, dialect, as_of)
    membership = builder.membership_query({name: program.segments[name].pred for name in names})
    ctes = membership.args.pop("with_", None)
    key = program.schema.key
    index = exp.select(exp.alias_(exp.Literal.number(0), "i", quoted=True))
    for i in range(1, len(names)):
        index = exp.union(index, exp.select(exp.alias_(exp.Literal.number(i), "i", quoted=True)),
                          distinct=False)  # type: ignore[assignment]
    chosen = exp.Case(this=exp.column("i", table="idx", quoted=True), ifs=[
        exp.If(this=exp.Literal.number(i), true=exp.column(name, table="m", quoted=True))
        for i, name in enumerate(names)])
    value = exp.Add(this=exp.Mul(this=exp.column(key, table="m", quoted=True),
                                 expression=exp.Literal.number(100)),
                    expression=exp.column("i", table="idx", quoted=True))
    outer = (exp.select(value)
             .from_(exp.alias_(exp.Subquery(this=membership), "m", table=True, quoted=True))
             .join(exp.alias_(exp.Subquery(this=index), "idx", table=True, quoted=True), join_type="CROSS")
             .where(exp.EQ(this=chosen, expression=exp.true())))
    if ctes is not None:
        outer.set("with_", ctes)
    return render(outer, dialect, pretty=False)


def run_batch(engine: Any, program: Program, as_of: Any) -> tuple[dict[str, set[int]], list[str]]:
    dialect = dialects.DIALECTS[engine.dialect]
    names = _expressible(program, dialect)
    if not names:
        return {}, []
    found = engine.members(batch_sql(program, names, dialect, as_of))
    result: dict[str, set[int]] = {name: set() for name in names}
    for value in found:
        key, index = divmod(int(value), 100)
        result[names[index]].add(key)
    return result, names


def _expressible(program: Program, dialect: dialects.Dialect) -> list[str]:
    """Segments the dialect can express; the others are refused with SEG140, nothing to compare."""
    rebuilt = build_program([(f.path, f.source) for f in program.files], program.schema, dialect)
    return [name for name in program.segments if not rebuilt.dialect_diagnostics([name])]


def _oracle(program: Program, people: list[dict[str, Any]], relations: dict[str, Any], as_of: Any,
            names: list[str]) -> dict[str, set[int]]:
    data = Dataset(people, relations)
    return {name: evaluate_segment(program.segments[name], program.schema, data, as_of) for name in names}


def check_batch(engines: list[Any], schema: Any, text: str, data_seed: int) -> None:
    as_of, people, relations = make_dataset(data_seed)
    program = build_program([("generated.seg", text)], schema)
    assert program.ok, [f"{d.span.line}:{d.message}" for d in program.errors]
    everyone = {p["customer_id"] for p in people}
    for engine in engines:
        stored = _engine_data(engine, people)
        engine.load(schema, stored, relations)
        actual, names = run_batch(engine, program, as_of)
        expected = _oracle(program, stored, relations, as_of, names)
        wrong = {n: (sorted(actual[n] - expected[n]), sorted(expected[n] - actual[n]))
                 for n in names if actual[n] != expected[n]}
        if wrong:
            name = next(iter(wrong))
            line = next(line for line in text.splitlines() if line.startswith(f"segment {name} "))
            extra, missing = wrong[name]
            pytest.fail(f"{engine.name} disagrees with the evaluator on {line!r} (data seed {data_seed}): "
                        f"extra {extra}, missing {missing}; {len(wrong)} segments differ")
    _check_invariants(program, people, relations, as_of, everyone)


def _check_invariants(program: Program, people: list[dict[str, Any]], relations: dict[str, Any],
                      as_of: Any, everyone: set[int]) -> None:
    data = Dataset(people, relations)
    segments = list(program.segments.values())
    for segment, other in itertools.pairwise(segments):
        x = evaluate_segment(segment, program.schema, data, as_of)
        not_x = evaluate_segment(ir.Segment("n", None, ir.Not(segment.pred), "", 0), program.schema, data, as_of)
        assert x | not_x == everyone and not (x & not_x)
        y_pred = other.pred
        both = evaluate_segment(ir.Segment("a", None, ir.And((segment.pred, y_pred)), "", 0),
                                program.schema, data, as_of)
        either = evaluate_segment(ir.Segment("o", None, ir.Or((segment.pred, y_pred)), "", 0),
                                  program.schema, data, as_of)
        assert both <= x <= either


@pytest.mark.parametrize(("data_seed", "text"), REGRESSIONS or [pytest.param(0, "", marks=pytest.mark.skip(
    reason="no regression cases recorded yet"))])
def test_regressions(engines, example_schema, data_seed: int, text: str) -> None:
    check_batch(engines, example_schema, f"segment s0 where {text}\n", data_seed)


@settings(max_examples=BATCHES, deadline=None, derandomize=os.environ.get("CI", "") == "true",
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(text=segment_batches(BATCH), data_seed=st.integers(min_value=0, max_value=10_000))
def test_engines_agree_on_generated_segments(engines, example_schema, text: str, data_seed: int) -> None:
    check_batch(engines, example_schema, text, data_seed)


def test_batch_query_decodes(engines, example_schema) -> None:
    """The unpivot trick itself: two segments with known members on the fixed dataset."""
    from tests.dataset import AS_OF, CUSTOMERS, RELATIONS

    text = "segment s0 where age >= 60\nsegment s1 where region = 'UK'\n"
    program = build_program([("t.seg", text)], example_schema)
    for engine in engines:
        engine.load(example_schema, _engine_data(engine, CUSTOMERS), RELATIONS)
        actual, _ = run_batch(engine, program, AS_OF)
        assert actual == {"s0": {5}, "s1": {1, 6}}, engine.name



_LITERALS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\n"), max_size=12)


@settings(max_examples=int(os.environ.get("SEGDSL_LITERAL_EXAMPLES", "5")), deadline=None,
          derandomize=os.environ.get("CI", "") == "true",
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(values=st.lists(_LITERALS, min_size=1, max_size=40, unique=True))
def test_any_string_literal_matches_exactly_itself(engines, example_schema, values: list[str]) -> None:
    """Quotes, backslashes, --, ;, % and _, control characters, unicode: each literal matches
    exactly the one row holding that text, on every engine."""
    fixed = ["x'; drop table customers; --", "a\\'b", "%", "_", "", " ", "a ", "ß", "\t"]
    values = list(dict.fromkeys([*fixed, *values]))
    people = [{"customer_id": i + 1, "email": v} for i, v in enumerate(values)]
    text = "".join(f"segment s{i} where email = '{v.replace(chr(39), chr(39) * 2)}'\n"
                   for i, v in enumerate(values))
    program = build_program([("literals.seg", text)], example_schema)
    assert program.ok, program.errors
    for engine in engines:
        engine.load(example_schema, people, {"orders": [], "events": []})
        actual, names = run_batch(engine, program, None)
        assert names == list(program.segments)
        wrong = {n: sorted(m) for n, m in actual.items() if m != {int(n[1:]) + 1}}
        assert not wrong, (engine.name, {n: values[int(n[1:])] for n in wrong})
