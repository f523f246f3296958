"""Every "Wrong:" example in the code registry (segdsl explain, docs/diagnostics.md) really
gives its code, run the way the registry's ``kind`` says; only examples that need a database
holding data are skipped, and the registry says which."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import segdsl
from segdsl import codes, dialects
from segdsl.lint import lint
from segdsl.project import build_program
from tests.conftest import EXAMPLES, ROOT

X_SEG = "segment vip where age > 30\n"


def _checked(text: str, schema: segdsl.Schema, dialect: str | None = None) -> set[str]:
    """Codes `segdsl check` would print: diagnostics, dialect problems and warnings."""
    program = build_program([("x.seg", text)], schema, dialects.get(dialect) if dialect else None)
    found = program.diagnostics + program.dialect_diagnostics() + lint(program)
    return {d.code for d in found}


def _merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _schema_codes(extra_yaml: str) -> set[str]:
    from segdsl.schema import read_schema

    base = yaml.safe_load((EXAMPLES / "schema.yml").read_text(encoding="utf-8"))
    schema, problems = read_schema(_merged(base, yaml.safe_load(extra_yaml)))
    if schema is None:
        return {d.code for d in problems}
    return _checked("age > 1", schema)


def _command_codes(command: str, folder: Path, files: dict[str, str]) -> set[str]:
    (folder / "schema.yml").write_text((EXAMPLES / "schema.yml").read_text(encoding="utf-8"))
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    words = command.split()
    assert words[0] == "segdsl", command
    result = subprocess.run([sys.executable, "-m", "segdsl", *words[1:]], cwd=folder, text=True,
                            capture_output=True, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin",
                                                      "PYTHONPATH": str(ROOT)}, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    output = result.stdout + result.stderr
    return {code for code in codes.CODES if f"[{code}]" in output}


def _database_codes(schema_yaml: str, folder: Path) -> set[str]:
    """`segdsl check --db` on a small demo database, with the example's schema lines merged in
    (the demo's regions are UK, IE, US, DE, FR and ES)."""
    snippet = schema_yaml.split("  (")[0]  # the example's note in parentheses is not YAML
    base = yaml.safe_load((EXAMPLES / "schema.yml").read_text(encoding="utf-8"))
    merged = _merged(base, {"fields": yaml.safe_load(snippet)})
    (folder / "schema.yml").write_text(yaml.safe_dump(merged, sort_keys=False), encoding="utf-8")
    (folder / "x.seg").write_text(X_SEG, encoding="utf-8")
    env = {"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    made = subprocess.run([sys.executable, "-m", "segdsl", "demo", "--db", "demo.duckdb", "--customers", "500"],
                          cwd=folder, text=True, capture_output=True, env=env, timeout=120)
    assert made.returncode == 0, made.stderr
    result = subprocess.run([sys.executable, "-m", "segdsl", "check", "x.seg", "--db", "demo.duckdb"], cwd=folder,
                            text=True, capture_output=True, env=env, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return {code for code in codes.CODES if f"[{code}]" in result.stdout + result.stderr}


def _python_codes(call: str, schema: segdsl.Schema) -> set[str]:
    try:
        eval(call, {"segdsl": segdsl, "schema": schema})  # the registry's own example text
    except segdsl.SegdslError as error:
        return {d.code for d in error.diagnostics}
    return set()


@pytest.mark.parametrize("code", [c for c, info in codes.CODES.items() if info.bad])
def test_bad_example_gives_its_code(code: str, example_schema, tmp_path: Path) -> None:
    info = codes.CODES[code]
    example = info.run or info.bad
    assert info.kind in codes.KINDS
    if info.kind == "database":
        found = _database_codes(example, tmp_path)
    elif info.kind == "segment":
        found = _checked(example, example_schema, info.dialect)
    elif info.kind == "schema":
        found = _schema_codes(example)
    elif info.kind == "command":
        found = _command_codes(example, tmp_path, {"x.seg": X_SEG})
    elif info.kind == "test-file":
        found = _command_codes("segdsl test x.test.yml", tmp_path,
                               {"x.seg": X_SEG, "x.test.yml": example})
    else:
        found = _python_codes(example, example_schema)
    assert code in found, f"{code}: {example!r} gave {sorted(found)}"


@pytest.mark.parametrize("code", [c for c, info in codes.CODES.items()
                                  if info.good and info.kind == "segment"])
def test_good_segment_example_is_clean(code: str, example_schema) -> None:
    info = codes.CODES[code]
    if info.code.startswith("SEG40"):
        return  # warnings: the good example may still warn about something else (unused traits)
    assert code not in _checked(info.good, example_schema, info.dialect), info.good


def test_only_examples_that_need_data_are_skipped() -> None:
    skipped = [c for c, info in codes.CODES.items() if info.kind == "database"]
    assert skipped == ["SEG403"]
