"""The benchmark suite (bench/, issue 7) still runs end to end: quick mode, tiny sizes.

This checks the structure of what the suite writes, never a wall-clock number: benchmarks
are not timed tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if not (ROOT / "bench" / "run.py").is_file():  # e.g. tests run from an sdist, which has no bench/
    pytest.skip("the benchmark suite (bench/) is not in this tree", allow_module_level=True)

SECTIONS = ["## Targets", "## Machine and versions", "## 1. Start-up", "## 2. Compile throughput",
            "## 3. Scale of inputs", "## 4. Query quality on DuckDB", "## 5. Scale of data",
            "## Profiles of missed targets", "## Analysis"]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:  # type: ignore[type-arg]
    out = tmp_path_factory.mktemp("bench")
    md, js = out / "BENCHMARKS.md", out / "results.json"
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--out", str(md), "--json", str(js)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return md.read_text(encoding="utf-8"), json.loads(js.read_text(encoding="utf-8"))


def test_markdown_has_every_section_in_order(quick_run: tuple[str, dict]) -> None:  # type: ignore[type-arg]
    text, _ = quick_run
    positions = [text.find(s) for s in SECTIONS]
    assert all(p >= 0 for p in positions), [s for s, p in zip(SECTIONS, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    assert "python -m bench" in text
    assert "Quick mode" in text


def test_machine_versions_and_date_are_recorded(quick_run: tuple[str, dict]) -> None:  # type: ignore[type-arg]
    text, results = quick_run
    env = results["env"]
    assert env["date"] and env["machine"]["cores"] >= 1 and env["machine"]["cpu"]
    assert env["machine"]["ram_gb"] > 0
    for package in ("python", "segdsl", "lark", "sqlglot", "duckdb"):
        assert env["versions"][package], package
        assert f"| {package} |" in text


def test_every_target_is_listed(quick_run: tuple[str, dict]) -> None:  # type: ignore[type-arg]
    _, results = quick_run
    keys = {t["key"] for t in results["targets"]}
    assert {"startup_check", "startup_compile", "startup_imports", "compile_typical", "compile_vs_prqlc",
            "compile_vs_ibis", "files_time", "files_memory", "conditions", "query_quality",
            "membership"} <= keys
    # quick mode measures tiny sizes: it must not claim a target met or missed
    assert all(t["ok"] is None for t in results["targets"])


def test_sections_hold_measurements(quick_run: tuple[str, dict]) -> None:  # type: ignore[type-arg]
    _, r = quick_run
    times = r["startup"]["times"]
    assert {"python -c pass", 'python -c "import lark"', 'python -c "import sqlglot"',
            "segdsl check one.seg", "segdsl compile one.seg"} <= set(times)
    assert all(t["wall"] > 0 for t in times.values())
    assert r["startup"]["imports"]["check"]["module_count"] > 0
    typical = [x for x in r["throughput"]["rows"] if x["shape"] == "typical"]
    assert typical and typical[0]["segdsl"] > 0
    assert r["inputs"]["files"]["returncode"] == 0 and r["inputs"]["files"]["peak_rss_mb"] > 0
    assert all(row.get("ok") for row in r["inputs"]["conditions"]["rows"])
    segments = r["queries"]["segments"]
    assert len(segments) >= 10
    for seg in segments:  # every hand-written form returned the compiled query's members
        assert all(seg["verified"].values()), seg["segment"]
        assert seg["times"]["compiled"] > 0
    membership = r["queries"]["membership"]
    assert membership["consistent"] and membership["segments"] == 20
