"""Profiles for missed targets (pyinstrument): the top frames by self and inclusive time.

``profile_calls(fn)`` samples a warm function in this process; ``profile_cli(args, cwd)``
samples a whole ``segdsl`` command, imports included, in a fresh process
(``python -m bench.profiles cli ARGS...``).
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import PYTHON, ROOT, have, run_measured

TOP = 12


def _short(path: str | None) -> str:
    if not path:
        return "?"
    p = path.replace(str(ROOT) + "/", "")
    if "site-packages/" in p:
        p = p.split("site-packages/", 1)[1]
    if "/lib/python3" in p:
        p = "stdlib/" + p.split("/lib/python3", 1)[1].split("/", 1)[-1]
    return p


def _aggregate(profiler: Any, calls: int, tree_lines: int = 45) -> dict[str, Any]:
    session = profiler.last_session
    root = session.root_frame()
    self_t: dict[tuple[str, str], float] = defaultdict(float)
    incl_t: dict[tuple[str, str], float] = defaultdict(float)

    def walk(frame: Any, ancestors: frozenset[tuple[str, str]]) -> None:
        if frame.is_synthetic:
            return
        key = (frame.function or "?", f"{_short(frame.file_path)}:{frame.line_no}")
        self_t[key] += frame.total_self_time
        if key not in ancestors:
            incl_t[key] += frame.time
        for child in frame.children:
            walk(child, ancestors | {key})

    if root is not None:
        walk(root, frozenset())
    total = root.time if root is not None else 0.0

    def top(table: dict[tuple[str, str], float]) -> list[dict[str, Any]]:
        rows = sorted(table.items(), key=lambda kv: -kv[1])[:TOP]
        return [{"function": f, "where": w, "per_call": t / max(calls, 1), "share": t / total if total else 0}
                for (f, w), t in rows]

    text = profiler.output_text(unicode=True, color=False, show_all=False)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return {"calls": calls, "sampled": total, "top_self": top(self_t), "top_inclusive": top(incl_t),
            "tree": "\n".join(lines[:tree_lines])}


def profile_calls(fn: Callable[[], Any], seconds: float = 3.0, interval: float = 0.0001) -> dict[str, Any] | None:
    if not have("pyinstrument"):
        return None
    from pyinstrument import Profiler

    fn()
    profiler = Profiler(interval=interval)
    calls = 0
    profiler.start()
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        calls += 1
    profiler.stop()
    return _aggregate(profiler, calls)


def profile_cli(args: list[str], cwd: Path) -> dict[str, Any] | None:
    """A whole segdsl command in a fresh process, imports included."""
    if not have("pyinstrument"):
        return None
    done = run_measured([PYTHON, "-m", "bench.profiles", "cli", *args], cwd=cwd,
                        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _cli_child(args: list[str]) -> None:
    import contextlib
    import io

    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0001)
    profiler.start()
    sys.argv = ["segdsl", *args]
    from segdsl.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            contextlib.suppress(SystemExit):
        main()
    profiler.stop()
    print(json.dumps(_aggregate(profiler, 1, tree_lines=60)))


if __name__ == "__main__":
    if sys.argv[1:2] == ["cli"]:
        _cli_child(sys.argv[2:])
