"""Same answer on every engine: generated segments, generated data, one oracle.

Each test is parametrized by engine, so a missing engine skips alone, with its reason
(under CI=true it fails instead: tests/engines.engine_or_skip).

- Generated: Hypothesis draws seeds; each seed builds a dataset full of edge cases and a
  batch of random segments (tests/differential/strategies.py). Every engine runs each batch
  in both query shapes (tests/differential/harness.py) and must return exactly what the
  reference evaluator (segdsl/evaluate.py) says; the metamorphic laws (|X| + |not X| = |all|,
  X and Y ⊆ X ⊆ X or Y, `in segment X` = X) are checked on the engine's own answers. At least
  500 distinct segments must run on every engine, and every feature the dialect claims.
- A divergence, or a segment the engine fails on (an error instead of an answer), is shrunk
  and written to tests/differential/regressions/ (the path is in the failure);
  test_recorded_regressions replays every file there on every engine.
- Fixed corpus: every example segment and every hand-written case of test_execution, on the
  hand-made dataset and on generated ones, against the evaluator.
- Literal safety: any string used with =, in, starts/ends with, contains and not contains
  matches exactly what Python's string operations say, on every engine.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from segdsl import dialects
from segdsl.project import Program, build_program, read_sources
from segdsl.schema import Schema
from tests.conftest import EXAMPLES
from tests.differential import harness
from tests.differential.harness import Regression
from tests.differential.strategies import make_case, make_dataset, quote
from tests.engines import ENGINE_NAMES, engine_or_skip, in_ci

# Every engine runs generated batches until MIN_DISTINCT distinct segments (after the
# dialect's refusals) have run and agreed; at most MAX_BATCHES. SEGDSL_DIFFERENTIAL_SEGMENTS
# lowers the bar for a quick local run, never under CI.
MIN_DISTINCT = 500 if in_ci() else int(os.environ.get("SEGDSL_DIFFERENTIAL_SEGMENTS", "500"))
BATCH_SIZE = 130
MAX_BATCHES = 10
MIN_PER_FEATURE = 20  # generated segments using each feature the dialect supports
LITERAL_EXAMPLES = int(os.environ.get("SEGDSL_LITERAL_EXAMPLES", "3"))


def _engine(name: str) -> Any:
    chosen = os.environ.get("SEGDSL_ENGINES")
    if chosen and name not in chosen.split(","):
        pytest.skip(f"engine {name} not in SEGDSL_ENGINES={chosen}")
    return engine_or_skip(name)


def _settings(examples: int) -> settings:
    # No shrinking: a seed has no smaller form; harness.shrink reduces the data instead.
    return settings(max_examples=examples, deadline=None, derandomize=in_ci(),
                    phases=(Phase.explicit, Phase.reuse, Phase.generate),
                    suppress_health_check=list(HealthCheck))


# ---- one batch on one engine ----------------------------------------------------------------

CHUNK = {"spark": 60}  # segments per query (default 40): wider queries get slower than linear
# Spark spends about 0.2 s per segment in the members shape (each segment's own query, with
# its own scans), so it runs every segment in the membership shape but only MEMBERS_SAMPLE of
# each check in the members shape (spread over the list): the representative subset the issue
# allows for Spark.
MEMBERS_SAMPLE = {"spark": 10}
INVARIANTS_EVERY = 8  # not X, X and Y, X or Y, in segment X: for every 8th segment


@dataclass
class Batch:
    """A generated case with its program (base segments + invariant segments) and the
    evaluator's answer for every segment."""

    seed: int
    as_of: dt.date
    customers: list[dict[str, Any]]
    relations: dict[str, list[dict[str, Any]]]
    base: list[str]
    segments: list[tuple[str, str]]
    program: Program
    expected: dict[str, set[Any]]


_batches: dict[int, Batch] = {}  # by seed: under CI every engine runs the same seeds


def _batch(seed: int, schema: Schema) -> Batch:
    if seed not in _batches:
        if len(_batches) > 64:
            _batches.clear()
        _batches[seed] = _new_batch(seed, schema)
    return _batches[seed]


def _new_batch(seed: int, schema: Schema) -> Batch:
    case = make_case(seed, BATCH_SIZE)
    base = [name for name, _ in case.segments]
    extra = dict(harness.invariant_segments(base[::INVARIANTS_EVERY]))
    segments = []
    for name, condition in case.segments:  # X, then its invariant segments: one chunk holds both
        segments.append((name, condition))
        segments += [(f"{law}_{name}", extra[f"{law}_{name}"]) for law in harness.LAWS if f"{law}_{name}" in extra]
    program = build_program([("generated.seg", harness.source(segments))], schema)
    assert program.ok, [f"{d.span.line}: {d.message}" for d in program.errors]
    expected = harness.evaluator(program, case.relations, case.people, case.as_of, program.segments)
    return Batch(seed, case.as_of, case.people, case.relations, base, segments, program, expected)


@dataclass
class Tally:
    """What ran on one engine: distinct resolved segments and the features they use."""

    distinct: set[Any] = field(default_factory=set)
    refused: int = 0
    batches: int = 0
    features: Counter[str] = field(default_factory=Counter)


_failures: dict[tuple[str, int], str] = {}  # (engine, seed) -> message, so a replay does not shrink again


def check(engine: Any, schema: Schema, segments: list[tuple[str, str]], as_of: dt.date,
          customers: list[dict[str, Any]], relations: dict[str, list[dict[str, Any]]],
          expected: dict[str, set[Any]] | None = None, program: Program | None = None,
          invariants_for: list[str] | None = None, found_by: str = "") -> list[str]:
    """Run the segments on the engine in both shapes; fail (after recording regression cases)
    on any divergence from the evaluator or broken invariant. Returns the names that ran."""
    text = harness.source(segments)
    if program is None:
        program = build_program([("case.seg", text)], schema)
        assert program.ok, [f"{d.span.line}: {d.message}" for d in program.errors]
    if expected is None:
        expected = harness.evaluator(program, relations, customers, as_of, program.segments)
    names, _ = harness.expressible(program, dialects.DIALECTS[engine.dialect])
    if not names:
        return names
    engine.load(schema, customers, relations)
    everyone = {c[schema.key] for c in customers}
    size = CHUNK.get(engine.name, 40)
    divergences, broken = [], []
    for shape in harness.SHAPES:
        chosen = names
        if shape == "members" and len(names) > MEMBERS_SAMPLE.get(engine.name, len(names)):
            chosen = names[::math.ceil(len(names) / MEMBERS_SAMPLE[engine.name])]
        actual: dict[str, set[Any]] = {}
        for start in range(0, len(chosen), size):
            chunk = chosen[start:start + size]
            try:
                actual.update(harness.run_shape(engine, shape, program, chunk, as_of, everyone))
            except Exception as error:  # the engine refused or crashed: which segment, and keep it
                if not found_by:
                    raise
                failed = _run_alone(engine, shape, program, chunk, as_of, everyone, actual)
                divergences += failed or [harness.Divergence(shape, chunk[0], (), (), harness.engine_failure(error))]
        divergences += harness.compare(shape, actual, expected)
        if invariants_for:
            broken += [f"{shape}: {v}" for v in harness.invariant_violations(actual, invariants_for, everyone)]
    if divergences or broken:
        paths = _record(engine, schema, segments, as_of, customers, relations, divergences, found_by)
        lines = [f"{engine.name} disagrees with the reference evaluator ({found_by or 'fixed case'}):"]
        lines += [f"  {d}: segment {d.segment} where {dict(segments)[d.segment]}" for d in divergences[:6]]
        lines += [f"  invariant broken on the engine, {b}" for b in broken[:6]]
        lines += [f"  regression case written to {p}" for p in paths]
        pytest.fail("\n".join(lines), pytrace=False)
    return names


def _run_alone(engine: Any, shape: str, program: Program, names: list[str], as_of: dt.date,
               everyone: set[Any], actual: dict[str, set[Any]]) -> list[harness.Divergence]:
    """After a chunk failed: run its segments one by one; those the engine fails on."""
    failed = []
    for name in names:
        try:
            actual.update(harness.run_shape(engine, shape, program, [name], as_of, everyone))
        except Exception as error:
            failed.append(harness.Divergence(shape, name, (), (), harness.engine_failure(error)))
    return failed


@dataclass
class _Rerun:
    """Runs one target segment again on the engine, for shrinking a divergence."""

    engine: Any
    schema: Schema
    as_of: dt.date
    target: str
    shape: str

    def diverges(self, defs: list[tuple[str, str]], people: list[dict[str, Any]],
                 rows: dict[str, list[dict[str, Any]]], load: bool) -> bool | None:
        """Whether the engine still disagrees; None when ``defs`` is not a valid program here."""
        text = harness.source(defs)
        program = build_program([("case.seg", text)], self.schema)
        if not program.ok or harness.expressible(program, dialects.DIALECTS[self.engine.dialect])[1]:
            return None
        if load:
            self.engine.load(self.schema, people, rows)
        want = harness.evaluator(program, rows, people, self.as_of, [self.target])
        try:
            got = harness.run_shape(self.engine, self.shape, program, [self.target], self.as_of,
                                    {p[self.schema.key] for p in people})
        except Exception:
            return True  # still fails on the engine
        return got != want


def _record(engine: Any, schema: Schema, segments: list[tuple[str, str]], as_of: dt.date,
            customers: list[dict[str, Any]], relations: dict[str, list[dict[str, Any]]],
            divergences: list[harness.Divergence], found_by: str) -> list[str]:
    """Shrink (the condition, then the rows) and write up to three divergences as regression
    cases, simplest first."""
    if not found_by:  # a fixed case diverged: it is already a file or a test of its own
        return []
    chosen: list[harness.Divergence] = []
    simplest_first = sorted(harness.roots(divergences, segments), key=lambda d: len(harness.needed(segments, [d.segment])))
    for divergence in simplest_first:
        if all(d.segment != divergence.segment for d in chosen) and len(chosen) < 3:
            chosen.append(divergence)
    paths = []
    for divergence in chosen:
        rerun = _Rerun(engine, schema, as_of, divergence.segment, divergence.shape)
        engine.load(schema, customers, relations)
        condition = harness.shrink_condition(dict(segments)[rerun.target], lambda c, r=rerun: r.diverges(
            harness.needed([(n, c if n == r.target else old) for n, old in segments], [r.target]),
            customers, relations, load=False))
        defs = harness.needed([(n, condition if n == rerun.target else c) for n, c in segments], [rerun.target])
        people, rows = harness.shrink(lambda p, r, d=defs, x=rerun: bool(x.diverges(d, p, r, load=True)),
                                      customers, relations, schema.key)
        program = build_program([("case.seg", harness.source(defs))], schema)
        want = harness.evaluator(program, rows, people, as_of, [rerun.target])
        engine.load(schema, people, rows)
        try:
            got = harness.run_shape(engine, rerun.shape, program, [rerun.target], as_of, {p[schema.key] for p in people})
            note = (f"{engine.name} returned {sorted(got[rerun.target], key=repr)} in the {rerun.shape} shape, "
                    f"the evaluator {sorted(want[rerun.target], key=repr)}")
        except Exception as error:
            note = f"{engine.name} failed in the {rerun.shape} shape: {harness.engine_failure(error)}"
        case = Regression(harness.canonical(defs, rerun.target), ["x"], as_of, people, rows, [engine.name],
                          [rerun.shape], found_by, note=note,
                          expected={"x": sorted(want[rerun.target], key=repr)})
        path = harness.record(case)
        print(f"regression case written to {path}")
        paths.append(str(path))
    return paths


def _run_batch(engine: Any, schema: Schema, seed: int, tally: Tally) -> None:
    if (engine.name, seed) in _failures:
        pytest.fail(_failures[(engine.name, seed)], pytrace=False)
    batch = _batch(seed, schema)
    try:
        ran = check(engine, schema, batch.segments, batch.as_of, batch.customers, batch.relations,
                    batch.expected, batch.program, invariants_for=batch.base,
                    found_by=f"tests/test_differential.py, generated seed {seed}")
    except pytest.fail.Exception as error:
        _failures[(engine.name, seed)] = str(error)
        raise
    ran_base = set(ran) & set(batch.base)
    tally.refused += len(batch.base) - len(ran_base)
    for name in ran_base:
        pred = batch.program.segments[name].pred
        if pred not in tally.distinct:
            tally.distinct.add(pred)
            tally.features.update(harness.features_used(pred))


# ---- tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("engine_name", ENGINE_NAMES)
def test_generated_segments_agree(engine_name: str, example_schema: Schema) -> None:
    engine = _engine(engine_name)
    tally = Tally()

    @_settings(MAX_BATCHES)
    @given(seed=st.integers(min_value=0, max_value=2**32 - 1))
    def batch(seed: int) -> None:
        if len(tally.distinct) < MIN_DISTINCT:
            tally.batches += 1
            _run_batch(engine, example_schema, seed, tally)

    batch()
    print(f"{engine_name}: {len(tally.distinct)} distinct generated segments agreed in {tally.batches} "
          f"batches, {tally.refused} refused by the dialect; features {dict(tally.features)}")
    assert len(tally.distinct) >= MIN_DISTINCT, (
        f"only {len(tally.distinct)} distinct generated segments ran on {engine_name}")
    dialect = dialects.DIALECTS[engine.dialect]
    if MIN_DISTINCT >= 500:  # the dialect matrix's ✔ means: executed here, this often
        for feature in dialects.FEATURES:
            if dialect.supports(feature):
                assert tally.features[feature] >= MIN_PER_FEATURE, (feature, tally.features[feature])
            else:
                assert tally.features[feature] == 0, feature


_REGRESSION_CASES = harness.load_regressions()


def test_regression_cases_exist() -> None:
    """The replay below is not vacuous: real divergences found (and fixed) are on file."""
    assert _REGRESSION_CASES, f"no regression cases in {harness.REGRESSIONS}"


@pytest.mark.parametrize("engine_name", ENGINE_NAMES)
@pytest.mark.parametrize("case", [c for _, c in _REGRESSION_CASES],
                         ids=[name.removesuffix(".json") for name, _ in _REGRESSION_CASES])
def test_recorded_regressions(engine_name: str, case: Regression, example_schema: Schema) -> None:
    """Every recorded case, on every engine (not only where it was found), against the evaluator."""
    engine = _engine(engine_name)
    program = build_program([("case.seg", harness.source(case.segments))], example_schema)
    assert program.ok, program.errors
    expected = harness.evaluator(program, case.relations, case.customers, case.as_of, program.segments)
    for name, members in case.expected.items():  # the oracle still says what was recorded
        assert sorted(expected[name], key=repr) == members, name
    check(engine, example_schema, case.segments, case.as_of, case.customers, case.relations,
          expected, program)


# ---- fixed corpus ----------------------------------------------------------------------------


def _examples(schema: Schema) -> tuple[Program, list[tuple[str, str]]]:
    """The example program and each example segment as (name, condition on one line)."""
    sources, problems = read_sources([str(EXAMPLES / "segments")])
    assert not problems
    program = build_program(sources, schema)
    assert program.ok
    segments = []
    for file in program.files:
        for definition in file.segments:
            text = file.source[definition.expr.span.start:definition.expr.span.end]
            assert "#" not in text, "a comment inside an example's condition"
            segments.append((definition.name.text, " ".join(text.splitlines())))
    return program, segments


def _corpus(schema: Schema) -> list[tuple[str, str]]:
    """Every example segment, and every hand-written case of test_execution, as (name, condition)."""
    from tests import test_execution as hand

    _, examples = _examples(schema)
    cases = [(f"case_{i}", text) for i, (text, _) in enumerate(hand.CASES + hand.REGEX_CASES)]
    library = re.sub(r"\b(adults|uk_adults|not_adults|cart_abandoners)\b", r"lib_\1", hand.LIBRARY)
    library_defs = re.findall(r"segment (\w+)\s+where\s+(.*?)(?=\nsegment |\Z)", library, re.S)
    return examples + cases + [(n, " ".join(c.split())) for n, c in library_defs]


@pytest.mark.parametrize("engine_name", ENGINE_NAMES)
def test_corpus_agrees_with_evaluator(engine_name: str, example_schema: Schema) -> None:
    from tests.dataset import AS_OF, CUSTOMERS, RELATIONS

    engine = _engine(engine_name)
    segments = _corpus(example_schema)
    datasets = [(AS_OF, CUSTOMERS, RELATIONS), make_dataset(7), make_dataset(8)]
    for as_of, customers, relations in datasets:
        check(engine, example_schema, segments, as_of, customers, relations)


def test_corpus_holds_every_example(example_schema: Schema) -> None:
    """The corpus is every example, unchanged (same resolved meaning), and every hand case."""
    from tests import test_execution as hand

    examples, _ = _examples(example_schema)
    corpus = build_program([("corpus.seg", harness.source(_corpus(example_schema)))], example_schema)
    assert corpus.ok
    for name, segment in examples.segments.items():
        assert corpus.segments[name].pred == segment.pred, name
    assert set(examples.segments) == set(hand.EXAMPLE_MEMBERS)
    assert len(corpus.segments) == len(examples.segments) + len(hand.CASES) + len(hand.REGEX_CASES) + 4


@pytest.mark.parametrize("engine_name", ENGINE_NAMES)
def test_both_shapes_decode(engine_name: str, example_schema: Schema) -> None:
    """The harness itself: known members on the hand-made dataset, in both query shapes."""
    from tests.dataset import AS_OF, CUSTOMERS, RELATIONS

    engine = _engine(engine_name)
    text = "segment s0 where age >= 60\nsegment s1 where region = 'UK'\nsegment s2 where no orders\n"
    program = build_program([("t.seg", text)], example_schema)
    engine.load(example_schema, CUSTOMERS, RELATIONS)
    everyone = {c["customer_id"] for c in CUSTOMERS}
    for shape in harness.SHAPES:
        found = harness.run_shape(engine, shape, program, ["s0", "s1", "s2"], AS_OF, everyone)
        assert found == {"s0": {5}, "s1": {1, 6}, "s2": {3, 6}}, shape


def test_the_generator_is_varied(example_schema: Schema) -> None:
    """Batches are not Hypothesis's simplest examples: nearly every segment differs, and the
    generator writes each construct the audit asked for, often."""
    bodies, counts = [], Counter[str]()
    patterns = {
        "percentile": r" in (top|bottom) ", "in segment": r"in segment", "sum": r"sum\(", "avg": r"avg\(",
        "not in a filter": r"where \(*not ", "in (…)": r" in \(", "number in (…)": r" in \(-?[0-9]",
        "before 1970": r"19[0-6]\d-", "microseconds": r"T\d\d:\d\d:\d\d\.\d{6}", "matches": r" matches ",
        "not contains": r"not \w+ contains", "list": r"interests ",
    }
    for seed in range(5):
        for _, condition in make_case(seed, BATCH_SIZE).segments:
            bodies.append(condition)
            counts.update(k for k, p in patterns.items() if re.search(p, condition))
    assert len(set(bodies)) >= 0.9 * len(bodies)
    for construct in patterns:
        assert counts[construct] >= 20, (construct, counts)


def test_the_data_has_the_edge_cases() -> None:
    seen: Counter[str] = Counter()
    for seed in range(5):
        _, people, relations = make_dataset(seed)
        orders, events = relations["orders"], relations["events"]
        seen["null order key"] += sum(o["customer_id"] is None for o in orders)
        seen["null created_at"] += sum(o["created_at"] is None for o in orders)
        seen["null ts"] += sum(e["ts"] is None for e in events)
        seen["null list element"] += sum(None in (p["interests"] or []) for p in people)
        seen["case variant status"] += sum(o["status"] in ("Paid", "PAID") for o in orders)
        seen["case variant event"] += sum(e["name"] == "PURCHASE" for e in events)
        seen["case variant region"] += sum(p["region"] in ("uk", "Uk") for p in people)
        seen["before 1970"] += sum(p["signup_date"] is not None and p["signup_date"].year < 1970 for p in people)
        seen["1900"] += sum(p["signup_date"] == dt.date(1900, 1, 1) for p in people)
        seen["last microsecond"] += sum(o["created_at"] is not None and o["created_at"].time()
                                        == dt.time(23, 59, 59, 999999) for o in orders)
        seen["midnight"] += sum(o["created_at"] is not None and o["created_at"].time() == dt.time() for o in orders)
        seen["no orders"] += sum(all(o["customer_id"] != p["customer_id"] for o in orders) for p in people)
    assert all(seen[k] > 0 for k in seen), seen


# ---- literal safety ---------------------------------------------------------------------------

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=10)
FIXED_LITERALS = [
    "x'; drop table customers; --", "a\\'b", "'", '"', "\\", "\\\\", "--", ";", "%", "_", "a%", "%a",
    "a_b", "[a]", "[!a]", "[^a]", "!", "!%", "\\%", "\\_", "", " ", "a ", " a", "ß", "SS", "ss",
    "é", "e\u0301", "\u0301", "İ", "i", "ﬁ", "\t", "\r", "\x01", "\x1b[0m", "\x7f", "\u200b", "\ufeff",
    "🙂", "a\nb", "日本",
]


def _literal_segments(values: list[str]) -> list[tuple[str, str]]:
    """For value i: =, in (value, next value), starts with, ends with, contains, not contains."""
    segments = []
    for i, value in enumerate(values):
        if "\n" in value:
            continue  # a literal cannot hold a line break (SEG002); such text stays in the data
        other = values[(i + 1) % len(values)]
        pair = quote(other) if "\n" not in other else quote("x")
        segments += [(f"eq_{i}", f"email = {quote(value)}"), (f"in_{i}", f"email in ({quote(value)}, {pair})"),
                     (f"sw_{i}", f"email starts with {quote(value)}"), (f"ew_{i}", f"email ends with {quote(value)}"),
                     (f"ct_{i}", f"email contains {quote(value)}"), (f"nc_{i}", f"not email contains {quote(value)}")]
    return segments


def _python_says(name: str, values: list[str], rows: list[dict[str, Any]]) -> set[int]:
    kind, index = name.split("_")
    value = values[int(index)]
    other = values[(int(index) + 1) % len(values)]
    pair = {value, other if "\n" not in other else "x"}
    test = {"eq": lambda e: e == value, "in": lambda e: e in pair, "sw": lambda e: e.startswith(value),
            "ew": lambda e: e.endswith(value), "ct": lambda e: value in e,
            "nc": lambda e: value not in e}[kind]
    return {r["customer_id"] for r in rows
            if (r["email"] is not None and test(r["email"])) or (kind == "nc" and r["email"] is None)}


@pytest.mark.parametrize("engine_name", ENGINE_NAMES)
def test_any_string_literal_matches_exactly_itself(engine_name: str, example_schema: Schema) -> None:
    engine = _engine(engine_name)

    @_settings(LITERAL_EXAMPLES)
    @given(drawn=st.lists(_TEXT, min_size=1, max_size=30, unique=True))
    def literals(drawn: list[str]) -> None:
        values = list(dict.fromkeys([*FIXED_LITERALS, *drawn]))
        rows = [{"customer_id": i + 1, "email": v} for i, v in enumerate(values)]
        rows.append({"customer_id": len(values) + 1, "email": None})
        segments = _literal_segments(values)
        program = build_program([("literals.seg", harness.source(segments))], example_schema)
        assert program.ok, [d.message for d in program.errors]
        python = {name: _python_says(name, values, rows) for name, _ in segments}
        oracle = harness.evaluator(program, {"orders": [], "events": []}, rows, dt.date(2026, 1, 1), python)
        assert oracle == python  # the evaluator states the same meaning
        check(engine, example_schema, segments, dt.date(2026, 1, 1), rows, {"orders": [], "events": []},
              python, program)

    literals()


def test_postgres_literals_do_not_depend_on_standard_conforming_strings(example_schema: Schema) -> None:
    """With standard_conforming_strings off, PostgreSQL reads a backslash in '…' as an escape:
    'x\\'' would end later than written. segdsl writes such strings as E'…', so every literal
    still matches exactly itself (and a crafted one cannot end early and add SQL)."""
    engine = _engine("postgres")
    values = [*FIXED_LITERALS, "a\\", "x\\'') or true --", "\\'; select 1; --"]
    rows = [{"customer_id": i + 1, "email": v} for i, v in enumerate(values)]
    segments = _literal_segments(values)
    program = build_program([("literals.seg", harness.source(segments))], example_schema)
    assert program.ok, [d.message for d in program.errors]
    python = {name: _python_says(name, values, rows) for name, _ in segments}
    engine.execute("SET standard_conforming_strings = off")
    try:
        check(engine, example_schema, segments, dt.date(2026, 1, 1), rows, {"orders": [], "events": []},
              python, program)
    finally:
        engine.execute("SET standard_conforming_strings = on")


def test_a_line_break_cannot_be_a_literal(example_schema: Schema) -> None:
    program = build_program([("t.seg", "segment s where email = 'a\nb'\n")], example_schema)
    assert [d.code for d in program.errors] == ["SEG002"]


def test_an_engine_failure_is_kept_as_a_regression_case(example_schema: Schema,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A generated segment the engine fails on (DataFusion's "Invalid comparison operation")
    is found among its batch, shrunk and written like a wrong answer, not only reported."""
    duckdb = _engine("duckdb")

    class FailsOnStartsWith:  # DuckDB, with a bug: any query using STARTS_WITH fails
        name, dialect = "duckdb", "duckdb"

        def load(self, *args: Any) -> None:
            duckdb.load(*args)

        def rows(self, sql: str) -> list[tuple[Any, ...]]:
            if "STARTS_WITH" in sql:
                raise RuntimeError("Binder Error: STARTS_WITH is broken\nLINE 1: …")
            return list(duckdb.rows(sql))

    written: list[Regression] = []
    monkeypatch.setattr(harness, "record", lambda case: written.append(case) or Path(f"case{len(written)}.json"))
    _, customers, relations = make_dataset(3)
    segments = [("fine", "age > 30"), ("broken", "age > 20 and (city starts with 'A' or age < 5)")]
    with pytest.raises(pytest.fail.Exception) as failure:
        check(FailsOnStartsWith(), example_schema, segments, dt.date(2025, 12, 31), customers, relations,
              found_by="a test")
    assert "broken (membership query): the engine failed: RuntimeError: Binder Error: STARTS_WITH is broken" \
        in str(failure.value)
    assert "regression case written to case1.json" in str(failure.value)
    case = written[0]
    assert case.segments == [("x", "city starts with 'A'")]  # the smallest condition that still fails
    assert case.note == "duckdb failed in the membership shape: RuntimeError: Binder Error: STARTS_WITH is broken"
    assert "fine" not in str(failure.value)
