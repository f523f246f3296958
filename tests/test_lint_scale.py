"""segdsl check on long 'and' chains: work linear in the number of conditions, same warnings.

docs/language.md promises that ten thousand conditions joined by 'and' are fine. The lint
once compared every pair of conditions on a subject (minutes for a few thousand on one
field); these tests count the pairwise checks instead of timing anything, so they fail on
that version at once and do not depend on the machine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from segdsl import lint as lint_module
from segdsl.lint import lint
from segdsl.project import build_program
from segdsl.schema import Schema

N = 2000
LONG_CHAINS = {
    "rising bounds": [f"age > {i}" for i in range(N)],
    "exclusions": [f"age != {i}" for i in range(N)],
    "text exclusions": [f"city != 'c{i}'" for i in range(N)],
    "filtered counts": [f"has orders where amount != {i}" for i in range(N)],
    "nested windows": [f"has orders in last {i + 1} days" for i in range(N)],
    "one condition repeated": ["age > 5"] * N,
    "two fields interleaved": [f"age > {i // 2}" if i % 2 else f"income < {N - i}" for i in range(N)],
}


def _warnings(conditions: list[str], schema: Schema) -> list[tuple[str, str, str]]:
    """(code, message, the text the warning points at), SEG404 left out."""
    text = "segment s where " + " and ".join(conditions)
    program = build_program([("x.seg", text)], schema)
    assert program.errors == [], program.errors
    return [(d.code, d.message, text[d.span.start:d.span.end]) for d in lint(program) if d.code != "SEG404"]


def _count_pair_checks(monkeypatch: pytest.MonkeyPatch, limit: int) -> list[int]:
    """Counts calls of the checks on a few conjuncts together (``_never``, ``_implied_by``);
    the call past ``limit`` fails at once."""
    calls = [0]

    def counted(check: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any) -> Any:
            calls[0] += 1
            assert calls[0] <= limit, f"more than {limit} pairwise checks"
            return check(*args)
        return wrapper

    monkeypatch.setattr(lint_module, "_never", counted(lint_module._never))
    monkeypatch.setattr(lint_module, "_implied_by", counted(lint_module._implied_by))
    return calls


@pytest.mark.parametrize("shape", sorted(LONG_CHAINS))
def test_pairwise_checks_grow_linearly(example_schema: Schema, monkeypatch: pytest.MonkeyPatch,
                                       shape: str) -> None:
    calls = _count_pair_checks(monkeypatch, limit=10 * N)
    _warnings(LONG_CHAINS[shape], example_schema)
    assert 0 < calls[0] <= 10 * N


def test_pairwise_checks_grow_linearly_with_a_clash_at_the_end(example_schema: Schema,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding which two conditions clash is linear too, however far apart they are."""
    calls = _count_pair_checks(monkeypatch, limit=10 * N)
    found = _warnings([f"age > {i}" for i in range(N)] + ["age < 1500"], example_schema)
    assert [(code, at) for code, _, at in found] == [("SEG401", "age < 1500")]
    assert found[0][1].startswith('"age > 1499" and "age < 1500" can never both be true')
    assert calls[0] <= 10 * N


def test_x_and_not_x_in_a_long_chain(example_schema: Schema) -> None:
    found = _warnings([f"age != {i}" for i in range(N)] + ["age = 1234"], example_schema)
    assert [(code, at) for code, _, at in found] == [("SEG401", "age = 1234")]
    assert found[0][1].startswith('"age != 1234" and "age = 1234" can never both be true')


def test_rising_bounds_name_the_last_one(example_schema: Schema) -> None:
    found = _warnings(LONG_CHAINS["rising bounds"], example_schema)
    assert len(found) == N - 1
    assert {code for code, _, _ in found} == {"SEG402"}
    assert found[0] == ("SEG402", f'"age > 0" is implied by "age > {N - 1}" (line 1), so it changes nothing',
                        "age > 0")
    assert [at for _, _, at in found] == [f"age > {i}" for i in range(N - 1)]


def test_falling_bounds_name_the_first_one(example_schema: Schema) -> None:
    found = _warnings([f"age > {i}" for i in reversed(range(N))], example_schema)
    assert [at for _, _, at in found] == [f"age > {i}" for i in reversed(range(N - 1))]
    assert all(f'is implied by "age > {N - 1}"' in message for _, message, _ in found)


def test_a_repeated_condition_repeats_the_first(example_schema: Schema) -> None:
    found = _warnings(LONG_CHAINS["one condition repeated"], example_schema)
    assert len(found) == N - 1
    assert {message for _, message, _ in found} == {'"age > 5" repeats "age > 5" (line 1), so it changes nothing'}


@pytest.mark.parametrize("shape", ["exclusions", "text exclusions", "filtered counts"])
def test_long_chains_that_hold_raise_nothing(example_schema: Schema, shape: str) -> None:
    assert _warnings(LONG_CHAINS[shape], example_schema) == []


def test_two_fields_interleaved_name_the_last_of_each(example_schema: Schema) -> None:
    found = _warnings(LONG_CHAINS["two fields interleaved"], example_schema)
    assert len(found) == N - 2
    assert {message.split(" is implied by ")[1] for _, message, _ in found} == {
        f'"age > {N // 2 - 1}" (line 1), so it changes nothing', '"income < 2" (line 1), so it changes nothing'}


def test_related_counts_are_still_related_in_a_long_chain(example_schema: Schema) -> None:
    windows = ["has orders in last 7 days", "has orders in last 30 days"]
    found = _warnings(windows + LONG_CHAINS["exclusions"], example_schema)
    assert found == [("SEG402", '"has orders in last 30 days" is implied by "has orders in last 7 days" (line 1), '
                                "so it changes nothing", "has orders in last 30 days")]
    found = _warnings(windows + LONG_CHAINS["exclusions"] + ["no orders in last 60 days"], example_schema)
    assert [(code, at) for code, _, at in found] == [("SEG401", "no orders in last 60 days")]
    assert found[0][1].startswith('"has orders in last 7 days" and "no orders in last 60 days" can never both')


def test_one_condition_implies_thousands(example_schema: Schema) -> None:
    found = _warnings([f"age != {i}" for i in range(N)] + ["age > 5000"], example_schema)
    assert len(found) == N
    assert all(code == "SEG402" and 'is implied by "age > 5000"' in message for code, message, _ in found)


@pytest.mark.parametrize(("extra", "first", "at"), [
    ("age < 0", "age > 0", "age < 0"),
    ("age = 1234.5", None, "age = 1234.5"),  # a whole number never equals a fraction
])
def test_a_clash_at_the_end_of_a_long_chain(example_schema: Schema, extra: str, first: str | None,
                                            at: str) -> None:
    found = _warnings([f"age > {i}" for i in range(N)] + [extra], example_schema)
    assert [(code, where) for code, _, where in found] == [("SEG401", at)]
    quoted = f'"{first}" and "{at}" can never both be true' if first else f'"{at}" can never be true'
    assert found[0][1].startswith(quoted)


def test_a_filtered_count_clashes_with_its_opposite(example_schema: Schema) -> None:
    conditions = LONG_CHAINS["filtered counts"] + ["no orders where amount != 7"]
    found = _warnings(conditions, example_schema)
    assert [(code, at) for code, _, at in found] == [("SEG401", "no orders where amount != 7")]
    assert found[0][1].startswith('"has orders where amount != 7" and "no orders where amount != 7" can never both')
