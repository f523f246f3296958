"""Shared helpers: paths, configuration, in-process timing, child processes with rusage."""

from __future__ import annotations

import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CACHE = BENCH / ".cache"
EXAMPLE_SCHEMA = ROOT / "examples" / "schema.yml"
PYTHON = sys.executable
SEGDSL = str(Path(sys.executable).with_name("segdsl"))  # the console script a user runs


@dataclass
class Config:
    quick: bool = False
    large: bool = False
    work: Path = CACHE / "work"  # generated inputs (segment files, schemas)
    proc_runs: int = 15  # whole-process timings: runs after warm-up
    proc_warmup: int = 3
    repeat: int = 9  # in-process timings: samples (each a calibrated loop)
    min_sample: float = 0.1  # seconds per in-process sample
    query_runs: int = 7  # DuckDB: timed runs after one warm-up run
    customers: int = 1_000_000
    large_customers: int = 10_000_000
    files: int = 2000
    fields: int = 1000
    conditions: tuple[int, ...] = (1000, 2000, 5000, 10_000)
    threads: int = 2
    memory_limit: str = "8GB"  # DuckDB; a shared machine (the 10M run would otherwise take ~80% of RAM)
    profile: bool = True
    notes: list[str] = field(default_factory=list)

    @classmethod
    def make(cls, quick: bool, large: bool) -> Config:
        if not quick:
            return cls(large=large)
        return cls(quick=True, large=False, work=CACHE / "work-quick", proc_runs=3, proc_warmup=1,
                   repeat=3, min_sample=0.02, query_runs=1, customers=5_000, files=50, fields=100,
                   conditions=(100, 200, 500), profile=False)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def time_call(fn: Callable[[], Any], repeat: int, min_sample: float, warmup: int = 3) -> dict[str, Any]:
    """Median seconds per call: warm-up calls, then ``repeat`` samples of a calibrated loop."""
    for _ in range(warmup):
        fn()
    number = 1
    while True:  # calibrate: a sample takes at least min_sample
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_sample or number >= 1 << 20:
            break
        number = max(number * 2, int(number * min_sample / max(elapsed, 1e-9) * 1.2))
    samples = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return {"median": median(samples), "min": min(samples), "max": max(samples), "number": number,
            "samples": len(samples)}


def interleaved(fns: dict[str, Callable[[], Any]], repeat: int, min_sample: float,
                warmup: int = 3) -> dict[str, dict[str, Any]]:
    """Like time_call for several functions, sampled round-robin so machine noise hits all alike."""
    numbers: dict[str, int] = {}
    for name, fn in fns.items():
        numbers[name] = time_call(fn, 1, min_sample, warmup)["number"]
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            gc.collect()
            start = time.perf_counter()
            for _ in range(numbers[name]):
                fn()
            samples[name].append((time.perf_counter() - start) / numbers[name])
    return {name: {"median": median(s), "min": min(s), "max": max(s), "number": numbers[name],
                   "samples": len(s)} for name, s in samples.items()}


@dataclass
class ProcResult:
    returncode: int
    wall: float
    cpu: float  # user + system seconds of the child
    maxrss_kb: int
    stdout: str
    stderr: str


# A tiny process that forks the command and reports its rusage. Linux carries a process's
# peak RSS across fork+exec (the child starts from the parent's RSS at fork), so measuring
# straight from this (large) process would report our own size; the wrapper is ~8 MB.
_WRAPPER = """\
import os, sys, time
t = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t
with open(sys.argv[1], "w") as f:
    f.write("%d %r %r %d" % (os.waitstatus_to_exitcode(status), wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss))
"""


def run_measured(argv: Sequence[str], cwd: Path | None = None, stdin: str | None = None,
                 env: dict[str, str] | None = None, timeout: float | None = None) -> ProcResult:
    """Run a process; its wall time, CPU time and peak RSS come from wait4 in a small wrapper."""
    import tempfile
    import threading

    with tempfile.TemporaryFile("w+") as out_f, tempfile.TemporaryFile("w+") as err_f, \
            tempfile.NamedTemporaryFile("r", suffix=".rusage") as stat_f:
        proc = subprocess.Popen([PYTHON, "-S", "-c", _WRAPPER, stat_f.name, *argv], cwd=cwd, env=env,
                                text=True, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                stdout=out_f, stderr=err_f, start_new_session=True)
        if stdin is not None and proc.stdin is not None:
            proc.stdin.write(stdin)
            proc.stdin.close()
        timer = None
        if timeout is not None:  # kill the wrapper and the command (its own process group)
            timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, 9))
            timer.start()
        try:
            proc.wait()
        finally:
            if timer is not None:
                timer.cancel()
        out_f.seek(0)
        err_f.seek(0)
        fields = stat_f.read().split()
        if len(fields) != 4:
            return ProcResult(proc.returncode or -9, float("nan"), float("nan"), 0, out_f.read(),
                              err_f.read() + f"\n[bench] no rusage (killed after {timeout} s?)")
        return ProcResult(int(fields[0]), float(fields[1]), float(fields[2]), int(fields[3]),
                          out_f.read(), err_f.read())


def python_child(code: str, payload: Any, timeout: float = 3600) -> Any:
    """Run ``python -c code`` with JSON on stdin; the child prints JSON on its last stdout line."""
    result = run_measured([PYTHON, "-c", code], cwd=ROOT, stdin=json.dumps(payload), timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"child failed ({result.returncode}): {result.stderr[-2000:]}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    data["_child"] = {"wall": result.wall, "cpu": result.cpu, "maxrss_kb": result.maxrss_kb}
    return data


def have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def hyperfine() -> str | None:
    return shutil.which("hyperfine")


def fmt_s(seconds: float) -> str:
    """Human time: µs, ms or s with three significant digits."""
    if seconds != seconds:  # NaN
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3g} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def fmt_x(ratio: float) -> str:
    return "–" if ratio != ratio else f"{ratio:.2f}×"


def mark(ok: bool | None) -> str:
    return {True: "✅ met", False: "❌ missed", None: "–"}[ok]
