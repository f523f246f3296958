"""1. Start-up: ``segdsl check`` / ``segdsl compile`` of one file as whole processes.

Baselines in the same run: ``python -c pass``, ``python -c "import lark"`` and
``python -c "import sqlglot"``. With hyperfine installed it does the timing (warm-up runs,
then timed runs, split into rounds so slow drift of a busy machine hits every command alike);
otherwise an interleaved subprocess loop. ``python -X importtime`` shows what loads.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.common import EXAMPLE_SCHEMA, PYTHON, SEGDSL, Config, hyperfine, median, run_measured
from bench.segments import ONE_FILE

FORBIDDEN_ON_CHECK = ("sqlglot", "duckdb", "rich")
DEPS_CHECK = "deps of check: import lark, click, yaml"
DEPS_COMPILE = "deps of compile: + sqlglot, DuckDB generator"


def commands() -> dict[str, list[str]]:
    return {
        "python -c pass": [PYTHON, "-c", "pass"],
        'python -c "import lark"': [PYTHON, "-c", "import lark"],
        'python -c "import sqlglot"': [PYTHON, "-c", "import sqlglot"],
        # context: what the dependencies alone cost (the floor segdsl's own code sits on)
        DEPS_CHECK: [PYTHON, "-c", "import lark, click, yaml"],
        DEPS_COMPILE: [PYTHON, "-c", "import lark, click, yaml, sqlglot; "
                                     "from sqlglot.dialects.duckdb import DuckDB; DuckDB().generator()"],
        "segdsl check one.seg": [SEGDSL, "check", "one.seg"],
        "segdsl compile one.seg": [SEGDSL, "compile", "one.seg"],
    }


def prepare(work: Path, schema: Path = EXAMPLE_SCHEMA) -> Path:
    folder = work / "startup"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(schema, folder / "schema.yml")
    (folder / "one.seg").write_text(ONE_FILE, encoding="utf-8")
    (folder / ".git").mkdir(exist_ok=True)  # stop the schema search here
    return folder


def _hyperfine_round(cmds: dict[str, list[str]], cwd: Path, runs: int, warmup: int) -> dict[str, Any]:
    exe = hyperfine()
    assert exe
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        argv = [exe, "-N", "--style", "none", "--warmup", str(warmup), "--runs", str(runs),
                "--export-json", out.name]
        for name, cmd in cmds.items():
            argv += ["-n", name, subprocess.list2cmdline(cmd)]
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"hyperfine failed: {done.stderr[-2000:]}")
        data = json.loads(Path(out.name).read_text())
    return {r["command"]: r for r in data["results"]}


def time_processes(cmds: dict[str, list[str]], cwd: Path, runs: int, warmup: int) -> dict[str, Any]:
    """{name: {wall: median s, cpu: mean user+sys s, runs: n, tool: ...}}."""
    walls: dict[str, list[float]] = defaultdict(list)
    cpus: dict[str, list[float]] = defaultdict(list)
    if hyperfine():
        rounds = 3 if runs >= 6 else 1
        per_round = max(1, runs // rounds)
        for i in range(rounds):
            got = _hyperfine_round(cmds, cwd, per_round, warmup if i == 0 else 1)
            for name, r in got.items():
                walls[name] += r["times"]
                cpus[name].append(r["user"] + r["system"])
        tool = "hyperfine"
    else:
        for cmd in cmds.values():  # warm-up
            for _ in range(warmup):
                run_measured(cmd, cwd=cwd)
        for _ in range(runs):  # interleaved
            for name, cmd in cmds.items():
                r = run_measured(cmd, cwd=cwd)
                if r.returncode != 0:
                    raise RuntimeError(f"{name} exited {r.returncode}: {r.stderr[-1000:]}")
                walls[name].append(r.wall)
                cpus[name].append(r.cpu)
        tool = "subprocess loop (os.wait4)"
    return {name: {"wall": median(walls[name]), "cpu": median(cpus[name]), "runs": len(walls[name]),
                   "tool": tool} for name in cmds}


_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)")


def import_profile(cmd: list[str], cwd: Path, runs: int) -> dict[str, Any]:
    """Modules loaded by a command and the time spent loading each package (self times)."""
    per_run: list[dict[str, float]] = []
    modules: dict[str, float] = {}
    loaded: set[str] = set()
    for _ in range(runs):
        done = run_measured([PYTHON, "-X", "importtime", *cmd], cwd=cwd)
        by_pkg: dict[str, float] = defaultdict(float)
        for line in done.stderr.splitlines():
            m = _LINE.match(line)
            if not m:
                continue
            self_us, _cum_us, _indent, name = int(m[1]), int(m[2]), m[3], m[4]
            loaded.add(name)
            by_pkg[name.split(".")[0]] += self_us / 1e6
            modules[name] = min(modules.get(name, 1e9), self_us / 1e6)
        per_run.append(by_pkg)
    packages = sorted({p for r in per_run for p in r})
    pkg_times = {p: median([r.get(p, 0.0) for r in per_run]) for p in packages}
    roots = {name.split(".")[0] for name in loaded}
    return {
        "packages": dict(sorted(pkg_times.items(), key=lambda kv: -kv[1])),
        "total": sum(pkg_times.values()),
        "module_count": len(loaded),
        "slowest_modules": sorted(modules.items(), key=lambda kv: -kv[1])[:15],
        "forbidden_loaded": [p for p in FORBIDDEN_ON_CHECK if p in roots],
        "segdsl_modules": sorted(n for n in loaded if n.startswith("segdsl")),
    }


def run(cfg: Config) -> dict[str, Any]:
    cwd = prepare(cfg.work)
    for name, cmd in commands().items():  # they must work before they are timed
        done = run_measured(cmd, cwd=cwd)
        if done.returncode != 0:
            raise RuntimeError(f"{name} exited {done.returncode}: {done.stderr[-1000:]}")
    times = time_processes(commands(), cwd, cfg.proc_runs, cfg.proc_warmup)
    check = times["segdsl check one.seg"]
    comp = times["segdsl compile one.seg"]
    lark = times['python -c "import lark"']
    sqlglot = times['python -c "import sqlglot"']
    imp_runs = 1 if cfg.quick else 5
    deps_check, deps_compile = times[DEPS_CHECK], times[DEPS_COMPILE]
    return {
        "deps_check_vs_lark": deps_check["wall"] / lark["wall"],
        "deps_compile_vs_sqlglot": deps_compile["wall"] / sqlglot["wall"],
        "segdsl_own_check": check["wall"] - deps_check["wall"],
        "segdsl_own_compile": comp["wall"] - deps_compile["wall"],
        "times": times,
        "check_vs_lark": check["wall"] / lark["wall"],
        "check_vs_lark_cpu": check["cpu"] / lark["cpu"],
        "compile_vs_sqlglot": comp["wall"] / sqlglot["wall"],
        "compile_vs_sqlglot_cpu": comp["cpu"] / sqlglot["cpu"],
        "imports": {
            "check": import_profile([SEGDSL, "check", "one.seg"], cwd, imp_runs),
            "compile": import_profile([SEGDSL, "compile", "one.seg"], cwd, imp_runs),
            "lark": import_profile(["-c", "import lark"], cwd, imp_runs),
            "sqlglot": import_profile(["-c", "import sqlglot"], cwd, imp_runs),
        },
    }
