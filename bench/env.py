"""The machine, the versions and the date a run was made on."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from typing import Any

from bench.common import ROOT, hyperfine


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def load() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:
        return (float("nan"),) * 3  # type: ignore[return-value]


def describe() -> dict[str, Any]:
    rev = _git("rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = _git("status", "--porcelain", "--", "segdsl")
    hf = hyperfine()
    hf_version = None
    if hf:
        hf_version = subprocess.run([hf, "--version"], capture_output=True, text=True).stdout.split()[-1]
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "cpu": _cpu_model(),
            "cores": os.cpu_count(),
            "ram_gb": round(_ram_gb() or 0, 1),
            "os": f"{platform.system()} {platform.release()}",
            "load_at_start": [round(x, 2) for x in load()],
        },
        "versions": {
            "python": platform.python_version(),
            "segdsl": rev + (" + uncommitted changes in segdsl/" if dirty else ""),
            "lark": _version("lark"),
            "sqlglot": _version("sqlglot"),
            "sqlglotc (compiled sqlglot)": _version("sqlglotc"),
            "duckdb": _version("duckdb"),
            "click": _version("click"),
            "PyYAML": _version("PyYAML"),
            "prqlc": _version("prqlc"),
            "ibis-framework": _version("ibis-framework"),
            "pyinstrument": _version("pyinstrument"),
            "hyperfine": hf_version,
        },
    }
