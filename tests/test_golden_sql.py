"""Golden SQL: every example segment, in every dialect, byte for byte.

Regenerate with ``SEGDSL_UPDATE_GOLDEN=1 pytest tests/test_golden_sql.py`` and review the
diff. Goldens pin the *shape* of the SQL per dialect (the execution tests prove meaning
on the engines that run here; see docs/dialects.md).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from segdsl import dialects
from segdsl.compiler import segment_sql
from segdsl.project import build_program, read_sources
from tests.conftest import EXAMPLES

GOLDEN = Path(__file__).parent / "golden"
AS_OF = dt.date(2026, 6, 30)
UPDATE = os.environ.get("SEGDSL_UPDATE_GOLDEN") == "1"


_PROGRAMS: dict[int, object] = {}


def _program(example_schema):
    if id(example_schema) in _PROGRAMS:
        return _PROGRAMS[id(example_schema)]
    sources, problems = read_sources([str(EXAMPLES / "segments")])
    assert not problems
    program = build_program(sources, example_schema)
    assert program.ok, program.errors
    _PROGRAMS[id(example_schema)] = program
    return program


def _cases() -> list[tuple[str, str]]:
    from segdsl.parser import parse_file

    names = []
    for path in sorted((EXAMPLES / "segments").glob("*.seg")):
        parsed, _ = parse_file(path.read_text(encoding="utf-8"), str(path))
        names += [s.name.text for s in parsed.segments]
    return [(name, dialect) for name in sorted(names) for dialect in dialects.DIALECTS]


@pytest.mark.parametrize(("segment", "dialect"), _cases())
def test_golden_sql(example_schema, segment: str, dialect: str) -> None:
    program = _program(example_schema)
    problems = program.dialect_diagnostics([segment])
    if problems:
        # the dialect refuses this segment: the golden records the refusal
        actual = "-- refused: " + "; ".join(sorted({d.code + " " + d.message for d in problems})) + "\n"
    else:
        chosen = dialects.DIALECTS[dialect]
        actual = segment_sql(program.segments[segment], example_schema, chosen, AS_OF) + "\n"
    path = GOLDEN / segment / f"{dialect}.sql"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden {path}; run with SEGDSL_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")


def test_live_reference_date_goldens(example_schema) -> None:
    """Without --as-of the SQL computes the window from the engine's current date."""
    program = _program(example_schema)
    for dialect in ("duckdb", "sqlite", "postgres", "tsql", "bigquery", "snowflake", "spark"):
        actual = segment_sql(program.segments["uk_frequent"], example_schema,
                             dialects.DIALECTS[dialect], None) + "\n"
        path = GOLDEN / "_live" / f"uk_frequent.{dialect}.sql"
        if UPDATE:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
        assert actual == path.read_text(encoding="utf-8")
