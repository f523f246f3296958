"""``segdsl overlap``: pairwise counts, Jaccard and exact intersections, checked by hand.

Members (see tests/test_sizes.py for how they follow from tests/dataset.py):
uk_ie = {1, 2, 6}, women = {1, 5, 7, 8, 10}, subscribed = {1, 4, 5, 6, 8, 9}.

Each customer's exact combination:
  1: uk_ie & women & subscribed    2: uk_ie            3: none
  4: subscribed                    5: women & subscribed
  6: uk_ie & subscribed            7: women            8: women & subscribed
  9: subscribed                   10: women
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from segdsl.schema import Schema
from tests.test_sizes import AS_OF, make_small_db, segdsl, write_project

NAMES = ["uk_ie", "women", "subscribed"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, example_schema: Schema) -> Path:
    folder = write_project(tmp_path_factory.mktemp("overlap") / "project")
    make_small_db(folder / "small.duckdb", example_schema)
    return folder


@pytest.fixture(scope="module")
def result(project: Path) -> dict[str, Any]:
    args = [arg for name in NAMES for arg in ("--segment", name)]
    run = segdsl("overlap", "segments.seg", "--db", "small.duckdb", "--as-of", AS_OF, "--format", "json",
                 *args, cwd=project)
    assert run.returncode == 0, run.stderr
    data: dict[str, Any] = json.loads(run.stdout)
    return data


def test_sizes_and_pairwise_counts(result: dict[str, Any]) -> None:
    assert result["total"] == 10
    assert [(s["segment"], s["members"]) for s in result["segments"]] == [
        ("uk_ie", 3), ("women", 5), ("subscribed", 6)]
    # uk_ie ∩ women = {1}; uk_ie ∩ subscribed = {1, 6}; women ∩ subscribed = {1, 5, 8}
    assert result["counts"] == [[3, 1, 2],
                                [1, 5, 3],
                                [2, 3, 6]]


def test_jaccard(result: dict[str, Any]) -> None:
    # |A ∩ B| / |A ∪ B|: 1 / (3 + 5 - 1) = 1/7; 2 / (3 + 6 - 2) = 2/7; 3 / (5 + 6 - 3) = 3/8
    expected = [[1, Fraction(1, 7), Fraction(2, 7)],
                [Fraction(1, 7), 1, Fraction(3, 8)],
                [Fraction(2, 7), Fraction(3, 8), 1]]
    for row, wanted in zip(result["jaccard"], expected, strict=True):
        assert row == pytest.approx([float(x) for x in wanted])
    pairs = [(p["a"], p["b"], p["both"]) for p in result["pairs"]]
    assert pairs == [("women", "subscribed", 3), ("uk_ie", "subscribed", 2), ("uk_ie", "women", 1)]
    first = result["pairs"][0]
    assert first["share_of_a"] == pytest.approx(3 / 5) and first["share_of_b"] == pytest.approx(3 / 6)


def test_exact_intersections_largest_first(result: dict[str, Any]) -> None:
    # three combinations of two customers each (fewer segments first, then by segment order),
    # then three of one customer each; customer 3 is in none
    assert [(x["segments"], x["members"]) for x in result["intersections"]] == [
        (["women"], 2),                         # 7, 10
        (["subscribed"], 2),                    # 4, 9
        (["women", "subscribed"], 2),           # 5, 8
        (["uk_ie"], 1),                         # 2
        (["uk_ie", "subscribed"], 1),           # 6
        (["uk_ie", "women", "subscribed"], 1),  # 1
    ]
    assert result["intersections"][0]["share"] == pytest.approx(0.2)
    assert result["in_no_segment"] == 1
    assert result["combinations"] == 6
    assert sum(x["members"] for x in result["intersections"]) + result["in_no_segment"] == 10


def test_top_limits_pairs_and_intersections(project: Path) -> None:
    run = segdsl("overlap", "segments.seg", "--db", "small.duckdb", "--as-of", AS_OF, "--format", "json",
                 "--top", "2", cwd=project)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert len(data["intersections"]) == 2 and len(data["pairs"]) == 2
    assert len(data["counts"]) == 5  # every segment of the file
    nobody = [s["segment"] for s in data["segments"]].index("nobody")
    assert data["counts"][nobody] == [0, 0, 0, 0, 0]
    assert data["jaccard"][nobody][nobody] is None  # nobody ∪ nobody is empty


def test_text_output_has_matrix_pairs_and_intersections(project: Path) -> None:
    args = [arg for name in NAMES for arg in ("--segment", name)]
    run = segdsl("overlap", "segments.seg", "--db", "small.duckdb", "--as-of", AS_OF, *args, cwd=project)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "Members in both" in out and "1 (14%)" in out and "3 (38%)" in out
    assert "Most similar pairs" in out
    assert "uk_ie & women & subscribed" in out
    assert "1 customer (10.0%) is in none of these segments" in out


def test_overlap_from_the_compiled_membership_query(example_schema: Schema) -> None:
    from segdsl.insights.overlap import combinations_sql
    from segdsl.project import build_program
    from tests.test_sizes import SEGMENTS

    program = build_program([("s.seg", SEGMENTS)], example_schema)
    sql = combinations_sql(list(program.segments.values()), example_schema, None)
    assert sql.count("GROUP BY 1, 2, 3, 4, 5") == 1
    assert sql.count('FROM "customers"') == 1
