"""The documented limits (segdsl/limits.py): deep nesting and very long windows are
diagnostics, never RecursionError, ValueError or OverflowError, and everything up to the
limits works in every stage, with room to spare on the stack."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import segdsl
from segdsl import dialects, evaluate
from segdsl.compiler import segment_sql
from segdsl.describe import describe_segment
from segdsl.formatter import format_text
from segdsl.limits import MAX_NESTING, MAX_WINDOW
from segdsl.lint import lint
from segdsl.project import Program, build_program
from tests.dataset import AS_OF, CUSTOMERS, RELATIONS
from tests.test_cli import segdsl as run_cli

# Stack frames the deepest allowed segment may use in any stage: with Python's default limit
# of 1000, this leaves 400 frames for whatever calls segdsl.
STACK_BUDGET = 600


# ---- shapes of nesting: each builds .seg text whose deepest segment is `levels` deep ----------

def _nots(levels: int) -> str:
    return "not " * (levels - 1) + "age > 1"


def _and_or(levels: int) -> str:
    text = "age > 0"
    for level in range(2, levels + 1):
        text = f"age > {level} {'or' if level % 2 else 'and'} ({text})"
    return text


def _filter(levels: int) -> str:
    inner = "amount > 0"
    for level in range(2, levels):
        inner = f"amount > {level} {'or' if level % 2 else 'and'} ({inner})"
    return f"has orders in last 90 days where ({inner})"


def _segment_chain(levels: int) -> str:
    """s1 is 1 level deep, and each `in segment` adds one: the last segment is `levels` deep."""
    lines = ["segment s1 where age > 1"]
    lines += [f"segment s{i} where in segment s{i - 1}" for i in range(2, levels + 1)]
    return "\n".join(lines) + "\n"


SHAPES: dict[str, Callable[[int], str]] = {
    "not": _nots, "and_or": _and_or, "filter": _filter, "segment_chain": _segment_chain}


def _frames() -> int:
    frame, count = sys._getframe(), 0
    while frame is not None:
        frame, count = frame.f_back, count + 1
    return count


@contextmanager
def _stack_budget(frames: int) -> Iterator[None]:
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(_frames() + frames)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _program(text: str, schema: Any) -> Program:
    return build_program([("deep.seg", text)], schema)


# ---- up to the limit: everything works, within the stack budget ------------------------------

@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_stage_handles_the_deepest_allowed_segment(example_schema, shape: str) -> None:
    text = SHAPES[shape](MAX_NESTING)
    data = evaluate.Dataset(CUSTOMERS, RELATIONS)
    with _stack_budget(STACK_BUDGET):
        program = _program(text, example_schema)
        assert program.ok, program.errors[:1]
        lint(program)
        assert format_text(text, "deep.seg")[0] is not None
        for segment in program.segments.values():
            evaluate.evaluate_segment(segment, example_schema, data, AS_OF)
            describe_segment(segment, example_schema)
            for name, dialect in dialects.DIALECTS.items():
                if name == "duckdb" or not program.dialect_diagnostics([segment.name]):
                    segment_sql(segment, example_schema, dialect, AS_OF)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_one_level_more_is_a_diagnostic(example_schema, shape: str) -> None:
    program = _program(SHAPES[shape](MAX_NESTING + 1), example_schema)
    assert [d.code for d in program.errors] == ["SEG005"]
    assert f"more than {MAX_NESTING} levels deep" in program.errors[0].message


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_far_too_deep_is_still_a_diagnostic(example_schema, shape: str) -> None:
    program = _program(SHAPES[shape](1000), example_schema)
    assert {d.code for d in program.errors} == {"SEG005"}


def test_deep_segment_chain_in_any_order_and_a_long_loop(example_schema) -> None:
    """Segments are resolved dependencies first, so neither order nor length recurses."""
    chain = _segment_chain(500).splitlines()
    program = _program("\n".join(reversed(chain)), example_schema)
    assert [d.code for d in program.errors] == ["SEG005"]
    assert "'in segment s100'" in program.errors[0].message
    assert len(program.segments) == MAX_NESTING
    loop = "segment s1 where in segment s500\n" + "\n".join(chain[1:])
    program = _program(loop, example_schema)
    assert [d.code for d in program.errors] == ["SEG132"]
    assert len(program.errors[0].notes) == 500


def _trait_chain(length: int) -> segdsl.Schema:
    """t1 is 1 level deep; t{i} = not t{i-1} adds two (the 'not' and the use of the trait)."""
    traits = {"t1": "age > 1", **{f"t{i}": f"not t{i - 1}" for i in range(2, length + 1)}}
    return segdsl.load_schema({"entity": "c", "table": "c", "key": "id", "fields": {"age": "int"},
                               "traits": traits})


def test_trait_chains_count_their_depth() -> None:
    schema = _trait_chain(50)  # t50 is 99 levels deep
    assert _program("t50", schema).ok
    (problem,) = _program("not t50", schema).errors
    assert problem.code == "SEG005" and problem.path == "deep.seg"
    assert "the trait 't50'" in problem.message and "99 levels deep itself" in problem.message
    (problem,) = _program("age > 1", _trait_chain(300)).errors  # reported once, in the schema
    assert problem.code == "SEG005" and problem.path == "<schema>" and "'t50'" in problem.message


def test_ten_thousand_ands_are_one_level(example_schema) -> None:
    text = " and ".join(f"age > {i % 90}" for i in range(10_000))
    program = _program(text, example_schema)
    assert program.ok
    (segment,) = program.segments.values()
    sql = segment_sql(segment, example_schema, "duckdb", AS_OF)
    assert sql.count("age") >= 90
    assert format_text(text, "long.seg")[0] is not None


def test_cli_turns_deep_input_into_a_diagnostic() -> None:
    for text in ["not " * 1000 + "age > 1", "(age > 1 or " * 500 + "age > 1" + ")" * 500]:
        result = run_cli("compile", "--schema", "examples/schema.yml", "-e", text)
        assert result.returncode == 1
        assert "error[SEG005]" in result.stderr and "Traceback" not in result.stderr


def test_cli_turns_an_unexpected_recursion_error_into_a_diagnostic(monkeypatch, capsys) -> None:
    from segdsl import cli

    def explode(*args: Any, **kwargs: Any) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(cli.cli, "main", explode)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["check", "x.seg"])
    assert exit_info.value.code == 1
    assert "error[SEG005]: the input is nested too deeply to process" in capsys.readouterr().err


# ---- windows ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "count(orders in last 3000 years) > 1",
    "last_seen_at in last 9999999999 days",
    "signup_date before 1001 years ago",
    "max(orders.created_at) after 365001 days ago",
    "last_seen_at in last 52001 weeks",
    "has orders in last 12001 months",
])
def test_windows_beyond_the_calendar_are_diagnostics(example_schema, text: str) -> None:
    found = segdsl.check(text, example_schema)
    assert [d.code for d in found] == ["SEG120"]
    assert "more than 1,000 years" in found[0].message
    assert "365,000 days" in (found[0].hint or "")


WINDOWS_AT_THE_LIMIT = [f"last_seen_at in last {amount} {unit}s or signup_date before {amount} {unit}s ago"
                        for unit, amount in MAX_WINDOW.items()]


@pytest.mark.parametrize("as_of", [dt.date(1001, 1, 1), AS_OF, dt.date(9998, 12, 31)])
@pytest.mark.parametrize("text", WINDOWS_AT_THE_LIMIT)
def test_windows_at_the_limit_compile_for_every_dialect(example_schema, text: str, as_of: dt.date) -> None:
    for name in dialects.DIALECTS:
        if segdsl.check(text, example_schema, dialect=name) == []:
            assert segdsl.compile(text, example_schema, dialect=name, as_of=as_of)
    segment = next(iter(_program(text, example_schema).segments.values()))
    evaluate.evaluate_segment(segment, example_schema, evaluate.Dataset(CUSTOMERS, RELATIONS), as_of)


@pytest.mark.parametrize("engine_name", ["duckdb", "sqlite"])
def test_windows_at_the_limit_run(example_schema, engine_name: str) -> None:
    """The longest windows run on real engines and agree with the reference evaluator."""
    from tests.engines import engine_or_skip

    engine = engine_or_skip(engine_name)
    engine.load(example_schema, CUSTOMERS, RELATIONS)
    data = evaluate.Dataset(CUSTOMERS, RELATIONS)
    for text in WINDOWS_AT_THE_LIMIT:
        segment = next(iter(_program(text, example_schema).segments.values()))
        expected = evaluate.evaluate_segment(segment, example_schema, data, AS_OF)
        sql = segdsl.compile(text, example_schema, dialect=engine.dialect, as_of=AS_OF)
        assert engine.members(sql) == expected, text


@pytest.mark.parametrize("as_of", ["1000-12-31", "9999-01-01"])
def test_reference_dates_off_the_calendar_are_refused(example_schema, as_of: str) -> None:
    with pytest.raises(ValueError, match="between 1001-01-01 and 9998-12-31"):
        segdsl.compile("age > 1", example_schema, as_of=as_of)
    result = run_cli("compile", "--schema", "examples/schema.yml", "--as-of", as_of, "-e", "age > 1")
    assert result.returncode == 2 and "between 1001-01-01 and 9998-12-31" in result.stderr
