"""docs/dialects.md against reality: a dialect marked executed (✔) has an engine here that
runs it, every engine runs such a dialect, and a version the page names is the one running.

(test_differential.py checks that every ✔ feature is used by at least 20 generated segments
on that engine; test_golden_features.py that every ◐ feature has golden SQL.)
"""

from __future__ import annotations

import re

import pytest

from segdsl import dialects
from tests.engines import ENGINE_DIALECTS, ENGINE_NAMES, engine_or_skip


def test_executed_dialects_are_exactly_the_engines_dialects() -> None:
    executed = {name for name, d in dialects.DIALECTS.items() if d.executed}
    assert set(ENGINE_DIALECTS) == set(ENGINE_NAMES)
    assert set(ENGINE_DIALECTS.values()) == executed
    for name in executed:
        assert dialects.DIALECTS[name].engine, f"{name} is marked executed but names no engine"


def test_the_page_names_the_engine_of_every_executed_dialect() -> None:
    page = dialects.markdown()
    for name in ENGINE_DIALECTS.values():
        assert f"| {name} | {dialects.DIALECTS[name].engine} |" in page


@pytest.mark.parametrize("engine_name", ENGINE_NAMES)
def test_engine_runs_its_dialect_at_the_version_the_page_names(engine_name: str) -> None:
    engine = engine_or_skip(engine_name)
    assert engine.dialect == ENGINE_DIALECTS[engine_name]
    named = dialects.DIALECTS[engine.dialect].engine
    running = engine.version()
    for number in re.findall(r"\b\d+(?:\.\d+)*\b", named):
        assert re.match(re.escape(number) + r"(?![0-9])", running), (
            f"docs/dialects.md says {named!r}, but {engine_name} {running} runs here: "
            f"update the engine in segdsl/dialects.py (or leave the version out)")
