"""The README's first screen shows real output: the commands it shows print exactly that."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def shown_output(command: str) -> str:
    """The lines under ``$ command`` in the README's console blocks, up to the next blank line."""
    match = re.search(re.escape(f"$ {command}\n") + r"(.*?)\n(?:\n|```)", README, re.S)
    assert match, f"the README does not show `{command}`"
    return match.group(1)


def segdsl(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "segdsl", *args], cwd=cwd, capture_output=True, text=True,
                          env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}, timeout=300)


def test_check_and_compile_print_what_the_readme_shows() -> None:
    check = segdsl("check", "examples/segments")
    assert check.returncode == 0 and check.stderr.strip() == shown_output("segdsl check examples/segments")
    command = "segdsl compile examples/segments --segment uk_frequent --dialect postgres"
    compiled = segdsl(*command.split()[1:])
    assert compiled.stdout.rstrip("\n") == shown_output(command)


def test_three_mistakes_are_shown_as_the_readme_says() -> None:
    command = "segdsl check tests/diagnostics/three_mistakes.seg --schema examples/schema.yml"
    result = segdsl(*command.split()[1:])
    assert result.returncode == 1
    shown = shown_output(command).split("\n…\n")
    assert result.stderr.startswith(shown[0]) and result.stderr.rstrip().endswith(shown[-1])


def test_run_on_the_demo_database_counts_what_the_readme_shows(tmp_path: Path) -> None:
    made = segdsl("demo", "--db", str(tmp_path / "demo.duckdb"))
    assert made.returncode == 0, made.stderr
    command = "segdsl run examples/segments --segment uk_frequent --db demo.duckdb"
    result = segdsl("run", str(ROOT / "examples/segments"), "--segment", "uk_frequent", "--db", "demo.duckdb",
                    cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    counted = re.sub(r" in [0-9.]+ s$", "", shown_output(command))  # the time differs run to run
    assert result.stdout.startswith(counted)


def test_readme_links_the_benchmarks() -> None:
    assert "BENCHMARKS.md" in README and (ROOT / "BENCHMARKS.md").is_file()
