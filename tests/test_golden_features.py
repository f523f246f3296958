"""Golden SQL for every feature of the dialect matrix, in every dialect.

The example segments' goldens (tests/test_golden_sql.py) do not use every feature (no
`matches`, no list `is null`), so a ◐ cell of docs/dialects.md ("verified only by golden
SQL") would claim more than is checked. Here one segment per feature is pinned byte for byte
in every dialect (a refusal is pinned as the SEG140 message). Regenerate with
``SEGDSL_UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from segdsl import dialects
from segdsl.compiler import segment_sql
from segdsl.project import build_program
from segdsl.schema import Schema
from tests.differential.harness import features_used

GOLDEN = Path(__file__).parent / "golden" / "_features"
AS_OF = dt.date(2026, 6, 30)
UPDATE = os.environ.get("SEGDSL_UPDATE_GOLDEN") == "1"

FEATURE_SEGMENTS = {
    "compare": "age 18..65 and region in ('UK', 'IE') and phone is null and income != 0.5",
    "text_match": "email starts with 'a%' or city ends with '_x' or full_name contains 'O''Brien'",
    "regex": "email matches '^[a-z]+@gmail\\.com$' and not city matches '(UK|uk)'",
    "lists": "interests has any ('yoga', 'running') and not interests contains 'travel'",
    "missing_lists": "interests is null or (interests is not null and age > 60)",
    "relative_time": "last_seen_at in last 3 months and signup_date before 2 years ago",
    "aggregates": "count(orders in last 90 days where status = 'paid') >= 3 and avg(orders.amount) > 10",
    "percentile": "lifetime_value in top 10% or age in bottom 5%",
}


def test_one_segment_per_feature(example_schema: Schema) -> None:
    assert set(FEATURE_SEGMENTS) == set(dialects.FEATURES)
    for feature, text in FEATURE_SEGMENTS.items():
        program = build_program([("f.seg", f"segment f where {text}\n")], example_schema)
        assert program.ok, program.errors
        assert feature in features_used(program.segments["f"].pred), feature


@pytest.mark.parametrize("dialect", list(dialects.DIALECTS))
@pytest.mark.parametrize("feature", list(FEATURE_SEGMENTS))
def test_feature_golden_sql(example_schema: Schema, feature: str, dialect: str) -> None:
    chosen = dialects.DIALECTS[dialect]
    program = build_program([("f.seg", f"segment f where {FEATURE_SEGMENTS[feature]}\n")], example_schema, chosen)
    problems = program.dialect_diagnostics(["f"])
    assert bool(problems) == (not chosen.supports(feature)), (feature, dialect)
    if problems:
        actual = "-- refused: " + "; ".join(sorted({d.code + " " + d.message for d in problems})) + "\n"
    else:
        actual = segment_sql(program.segments["f"], example_schema, chosen, AS_OF) + "\n"
    path = GOLDEN / feature / f"{dialect}.sql"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden {path}; run with SEGDSL_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")
