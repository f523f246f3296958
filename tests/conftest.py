"""Shared fixtures: the example schema and the small dataset loaded into every engine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import segdsl
from segdsl.schema import Schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def example_schema() -> Schema:
    return segdsl.load_schema(EXAMPLES / "schema.yml")


def _engine_names() -> list[str]:
    from tests.engines import available_engines

    selected = os.environ.get("SEGDSL_ENGINES")
    names = list(available_engines())
    return [n for n in names if not selected or n in selected.split(",")]


@pytest.fixture(scope="session")
def engine_pool():
    """One instance per engine per test session (Spark alone takes ~10 s to start)."""
    from tests.engines import available_engines

    created: dict[str, object] = {}
    yield created, available_engines()
    for engine in created.values():
        engine.close()  # type: ignore[attr-defined]


def get_engine(engine_pool, name: str):
    created, factories = engine_pool
    if name not in created:
        factory = factories[name]
        if isinstance(factory, str):
            if IN_CI:
                pytest.fail(f"engine {name} is required under CI but unavailable: {factory}")
            pytest.skip(f"engine {name} unavailable: {factory}")
        created[name] = factory()
    return created[name]


@pytest.fixture(scope="session", params=["duckdb", "sqlite"])
def core_engine(request, engine_pool):
    return get_engine(engine_pool, request.param)


@pytest.fixture(scope="session")
def loaded_engine(core_engine, example_schema):
    from tests.dataset import CUSTOMERS, RELATIONS

    core_engine.load(example_schema, CUSTOMERS, RELATIONS)
    return core_engine
