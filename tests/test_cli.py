"""The command line as users and CI call it: output, exit codes 0/1/2, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT


def segdsl(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "segdsl", *args], cwd=cwd, capture_output=True,
                          text=True, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}, timeout=120)


def test_check_examples_ok() -> None:
    result = segdsl("check", "examples/segments")
    assert result.returncode == 0, result.stderr
    assert "segments checked" in result.stderr


def test_check_three_mistakes_exits_1_with_carets() -> None:
    result = segdsl("check", "tests/diagnostics/three_mistakes.seg", "--schema", "examples/schema.yml")
    assert result.returncode == 1
    expected = (Path(__file__).parent / "diagnostics" / "three_mistakes.txt").read_text(encoding="utf-8")
    assert result.stderr == expected
    assert "Traceback" not in result.stderr


def test_check_github_format() -> None:
    result = segdsl("check", "tests/diagnostics/three_mistakes.seg", "--schema", "examples/schema.yml",
                    "--format", "github")
    assert result.returncode == 1
    assert result.stdout.count("::error file=tests/diagnostics/three_mistakes.seg,") == 3


def test_check_json_format() -> None:
    import json

    result = segdsl("check", "tests/diagnostics/names.seg", "--schema", "examples/schema.yml",
                    "--format", "json")
    assert result.returncode == 1
    codes = [d["code"] for d in json.loads(result.stdout)]
    assert codes == ["SEG101", "SEG101", "SEG102", "SEG103", "SEG104", "SEG130", "SEG131"]


def test_compile_expression_for_postgres() -> None:
    result = segdsl("compile", "-e", "region = 'UK' and age >= 18", "--schema", "examples/schema.yml",
                    "--dialect", "postgres")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        'SELECT\n  "e"."customer_id"\nFROM "customers" AS "e"\nWHERE\n'
        '  "e"."region" = \'UK\' AND "e"."age" >= 18;\n')


def test_compile_finds_schema_in_parent_folder() -> None:
    result = segdsl("compile", "examples/segments/geographic.seg", "--segment", "uk_ireland")
    assert result.returncode == 0, result.stderr
    assert "IN ('UK', 'IE')" in result.stdout


def test_compile_resolves_references_across_a_folder() -> None:
    result = segdsl("compile", "examples/segments", "--segment", "vip_keep_warm", "--as-of", "2026-06-30")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count('FROM "orders"') == 1


def test_compile_several_segments_needs_a_choice() -> None:
    result = segdsl("compile", "examples/segments/geographic.seg")
    assert result.returncode == 2
    assert "--segment" in result.stderr


def test_compile_unknown_segment_is_usage_error() -> None:
    result = segdsl("compile", "examples/segments", "--segment", "uk_irland")
    assert result.returncode == 2
    assert "did you mean 'uk_ireland'" in result.stderr.lower()


def test_compile_refuses_inexpressible_dialect() -> None:
    result = segdsl("compile", "examples/segments", "--segment", "wellness_enthusiasts", "--dialect", "tsql")
    assert result.returncode == 1
    assert "error[SEG140]" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("args", [
    ["compile", "-e", "age > 1", "--schema", "examples/schema.yml", "--dialect", "oracle9"],
    ["compile", "-e", "age > 1", "--schema", "examples/schema.yml", "--as-of", "2026-13-01"],
    ["run", "-e", "age > 1", "--schema", "examples/schema.yml"],
    ["check"],
    ["nonsense-command"],
])
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = segdsl(*args)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr


def test_missing_segment_file_is_diagnostic() -> None:
    result = segdsl("check", "nope.seg", "--schema", "examples/schema.yml")
    assert result.returncode == 1
    assert "error[SEG003]: no such file or folder: nope.seg" in result.stderr


def test_broken_schema_is_diagnostic(tmp_path: Path) -> None:
    schema = tmp_path / "schema.yml"
    schema.write_text("table: t\nkey: id\nfields:\n  age: integer\n  region: {type: enum}\n", encoding="utf-8")
    (tmp_path / "a.seg").write_text("age > 1\n", encoding="utf-8")
    result = segdsl("check", str(tmp_path / "a.seg"))
    assert result.returncode == 1
    assert "schema.yml:4:8: error[SEG203]: unknown type 'integer'" in result.stderr
    assert "did you mean 'int'?" in result.stderr
    assert "error[SEG202]: enum field 'region' needs a non-empty list of values" in result.stderr


def test_invalid_yaml_schema(tmp_path: Path) -> None:
    schema = tmp_path / "schema.yml"
    schema.write_text("table: [unclosed\n", encoding="utf-8")
    result = segdsl("check", "-", "--schema", str(schema))
    assert result.returncode == 1
    assert "error[SEG201]" in result.stderr


def test_trait_errors_point_into_the_schema(tmp_path: Path) -> None:
    schema = tmp_path / "schema.yml"
    schema.write_text("table: t\nkey: id\nfields:\n  age: int\ntraits:\n  adult: agee >= 18\n",
                      encoding="utf-8")
    (tmp_path / "a.seg").write_text("adult\n", encoding="utf-8")
    result = segdsl("check", str(tmp_path / "a.seg"))
    assert result.returncode == 1
    assert f"{schema}:6:10: error[SEG101]: unknown field 'agee'" in result.stderr
    assert "6 |   adult: agee >= 18" in result.stderr


def test_explain() -> None:
    result = segdsl("explain", "SEG112")
    assert result.returncode == 0
    assert result.stdout.startswith("SEG112: unknown enum value")
    assert segdsl("explain", "SEG999").returncode == 2


def test_run_on_missing_database(tmp_path: Path) -> None:
    result = segdsl("run", "-e", "age > 1", "--schema", "examples/schema.yml", "--db",
                    str(tmp_path / "none.duckdb"))
    assert result.returncode == 1
    assert "does not exist" in result.stderr and "segdsl demo" in result.stderr
    assert not (tmp_path / "none.duckdb").exists()


def test_demo_then_run(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    made = segdsl("demo", "--db", str(db), "--customers", "2000", "--anchor-date", "2026-06-30")
    assert made.returncode == 0, made.stderr
    result = segdsl("run", str(EXAMPLES / "segments"), "--segment", "uk_frequent", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("uk_frequent: ")
    assert "of 2,000 customers" in result.stdout


def test_run_with_table_missing_from_database(tmp_path: Path) -> None:
    import duckdb

    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    result = segdsl("run", "-e", "age > 1", "--schema", "examples/schema.yml", "--db", str(db))
    assert result.returncode == 1
    assert "customers" in result.stderr and "Traceback" not in result.stderr


def test_check_folder_without_segments_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a segment\n", encoding="utf-8")
    result = segdsl("check", str(tmp_path), "--schema", "examples/schema.yml")
    assert result.returncode == 1
    assert f"error[SEG003]: no .seg files in folder {tmp_path}" in result.stderr
    assert "segments checked" not in result.stderr


def test_files_saved_with_a_byte_order_mark(tmp_path: Path) -> None:
    bom = "\ufeff"
    schema = (EXAMPLES / "schema.yml").read_text(encoding="utf-8")
    (tmp_path / "schema.yml").write_text(bom + schema.replace("adult: age >= 18", "adult: agee >= 18"),
                                         encoding="utf-8")
    (tmp_path / "a.seg").write_text(bom + "segment grown_ups where adult and region = 'Uk'\n",
                                    encoding="utf-8")
    result = segdsl("check", str(tmp_path / "a.seg"))
    assert result.returncode == 1
    assert "schema.yml:41:10: error[SEG101]: unknown field 'agee'" in result.stderr
    assert "a.seg:1:44: error[SEG112]" in result.stderr
    assert "1 | segment grown_ups where adult and region = 'Uk'\n" in result.stderr
    assert "SEG002" not in result.stderr


def test_segment_key_must_be_text(tmp_path: Path) -> None:
    (tmp_path / "schema.yml").write_text("table: t\nkey: 5\nfields: {age: int}\n", encoding="utf-8")
    (tmp_path / "a.seg").write_text("age > 1\n", encoding="utf-8")
    result = segdsl("check", str(tmp_path / "a.seg"))
    assert result.returncode == 1
    assert "schema.yml:2:6: error[SEG202]: 'key' of the schema must be text, but YAML reads 5 as a number" \
        in result.stderr
    assert "put it in quotes: '5'" in result.stderr


@pytest.mark.parametrize("args", [
    ["run", "examples/segments", "--segment", "uk_frequent", "--db", "missing.duckdb", "--format", "json"],
    ["describe", "missing.seg", "--format", "json"],
    ["sizes", "examples/segments", "--db", "missing.duckdb", "--format=json"],
])
def test_json_format_gets_json_diagnostics(args: list[str], tmp_path: Path) -> None:
    """A problem found after the command started (a database that is not there) is JSON on stdout
    too when --format json was asked for: a tool reading stdout never gets text."""
    result = segdsl(*[str(ROOT / a) if a.startswith("examples") else a for a in args], cwd=tmp_path)
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert [p["code"] for p in problems] in (["SEG302"], ["SEG003"]) and result.stderr == ""


def test_no_segment_tests_in_json(tmp_path: Path) -> None:
    result = segdsl("test", str(tmp_path), "--format", "json")
    assert result.returncode == 1
    body = json.loads(result.stdout)
    assert (body["passed"], body["failed"], body["tests"]) == (0, 0, [])
    assert body["message"].startswith("no segment tests (*.test.yml) found")


def test_check_and_compile_read_standard_input(tmp_path: Path) -> None:
    """``-`` is the text an editor pipes in: checked against schema.yml in the current folder."""
    (tmp_path / "schema.yml").write_text((EXAMPLES / "schema.yml").read_text())

    def piped(*args: str, text: bytes) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "segdsl", *args], cwd=tmp_path, input=text.decode(),
                              capture_output=True, text=True, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
                              timeout=120)

    bad = piped("check", "-", text=b"age > 3 and\r\n  agee < 2\r\n")
    assert bad.returncode == 1 and "<stdin>:2:3: error[SEG101]: unknown field 'agee'" in bad.stderr
    good = piped("compile", "-", "--dialect", "sqlite", text=b"segment adults where age >= 18\n")
    assert good.returncode == 0 and '"e"."age" >= 18' in good.stdout
    binary = subprocess.run([sys.executable, "-m", "segdsl", "check", "-"], cwd=tmp_path, input=b"\xff\xfe",
                            capture_output=True, timeout=120)
    assert binary.returncode == 1 and b"cannot read <stdin>: not UTF-8 text" in binary.stderr
