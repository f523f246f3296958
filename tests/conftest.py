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
FIXED_DATASET = "tests/dataset.py"


@pytest.fixture(scope="session")
def example_schema() -> Schema:
    return segdsl.load_schema(EXAMPLES / "schema.yml")


def _selected_engines() -> list[str]:
    from tests.engines import ENGINE_NAMES

    chosen = os.environ.get("SEGDSL_ENGINES")
    return [n for n in ENGINE_NAMES if not chosen or n in chosen.split(",")]


def mark_loaded(engine: Any, dataset: str | None) -> None:
    """Engines are shared per process; remember which dataset each one holds."""
    engine.segdsl_dataset = dataset


@pytest.fixture(params=_selected_engines())
def loaded_engine(request: pytest.FixtureRequest, example_schema: Schema) -> Any:
    """Each engine, holding the hand-made dataset of tests/dataset.py."""
    from tests.dataset import CUSTOMERS, RELATIONS
    from tests.engines import engine_or_skip

    engine = engine_or_skip(request.param)
    if getattr(engine, "segdsl_dataset", None) != FIXED_DATASET:
        engine.load(example_schema, CUSTOMERS, RELATIONS)
        mark_loaded(engine, FIXED_DATASET)
    return engine
