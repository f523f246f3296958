"""Shared fixtures: the example schema and the small dataset loaded into every engine."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import segdsl
from segdsl.schema import Schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def example_schema() -> Schema:
    return segdsl.load_schema(EXAMPLES / "schema.yml")


def _selected_engines() -> list[str]:
    from tests.engines import ENGINE_NAMES

    chosen = os.environ.get("SEGDSL_ENGINES")
    return [n for n in ENGINE_NAMES if not chosen or n in chosen.split(",")]


def _count_loads(engine: Any) -> None:
    """Count every load() on a shared engine, whoever calls it, so a stale dataset is noticed."""
    if hasattr(engine, "segdsl_loads"):
        return
    original = engine.load

    def load(*args: Any, **kwargs: Any) -> Any:
        engine.segdsl_loads += 1
        return original(*args, **kwargs)

    engine.segdsl_loads = 0
    engine.load = load


@pytest.fixture(params=_selected_engines())
def loaded_engine(request: pytest.FixtureRequest, example_schema: Schema) -> Any:
    """Each engine, holding the hand-made dataset of tests/dataset.py."""
    from tests.dataset import CUSTOMERS, RELATIONS
    from tests.engines import engine_or_skip

    engine = engine_or_skip(request.param)
    _count_loads(engine)
    if getattr(engine, "segdsl_fixed_at", None) != engine.segdsl_loads:
        engine.load(example_schema, CUSTOMERS, RELATIONS)
        engine.segdsl_fixed_at = engine.segdsl_loads
    return engine
