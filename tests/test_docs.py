"""The docs stay true: examples in them check, generated pages match the code."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import segdsl
from segdsl import codes, dialects
from tests.conftest import ROOT

DOCS = ROOT / "docs"
UPDATE = os.environ.get("SEGDSL_UPDATE_GOLDEN") == "1"


def _seg_blocks(path: Path) -> list[str]:
    return re.findall(r"```seg\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def _checkable_units(block: str) -> list[str]:
    if re.search(r"^\s*segment\s", block, re.M):
        return [block]
    return [line for line in block.splitlines() if line.split("#")[0].strip()]


@pytest.mark.parametrize("page", ["language.md", "semantics.md"])
def test_every_seg_example_checks(example_schema, page: str) -> None:
    units = [u for block in _seg_blocks(DOCS / page) for u in _checkable_units(block)]
    if page == "language.md":
        assert len(units) > 50
    for unit in units:
        assert segdsl.check(unit, example_schema) == [], unit


@pytest.mark.parametrize(("page", "generate"), [
    ("diagnostics.md", codes.markdown),
    ("dialects.md", dialects.markdown),
])
def test_generated_pages_are_current(page: str, generate) -> None:
    path = DOCS / page
    if UPDATE:
        path.write_text(generate(), encoding="utf-8")
    assert path.read_text(encoding="utf-8") == generate(), f"run SEGDSL_UPDATE_GOLDEN=1 to refresh {page}"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    match = re.search(r"```sh\n# run the tests\n(.*?)```", readme, re.S)
    assert match, "README must show the test command in a block starting with '# run the tests'"
    command = match.group(1).strip().splitlines()[-1]
    assert command in ci


def test_readme_links_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in ["docs/language.md", "docs/semantics.md", "docs/diagnostics.md", "docs/dialects.md"]:
        assert page in readme
        assert (ROOT / page).exists()


def test_every_cli_command_is_in_the_readme() -> None:
    from segdsl.cli import cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    import click

    names = cli.list_commands(click.Context(cli))
    assert {"check", "compile", "run", "demo", "explain"} <= set(names)
    for name in names:
        assert f"segdsl {name}" in readme, name
