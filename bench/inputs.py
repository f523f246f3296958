"""3. Scale of inputs: a 1,000-field schema, 2,000 segment files in one ``segdsl check``,
and segments of 1k/2k/5k/10k conditions (no recursion error, time linear in the size).
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import (
    EXAMPLE_SCHEMA,
    PYTHON,
    ROOT,
    SEGDSL,
    Config,
    interleaved,
    median,
    run_measured,
)
from bench.segments import AS_OF, ONE_FILE, TYPICAL, long_segment, segment_files, wide_schema
from bench.startup import time_processes


def prepare_files(work: Path, n: int) -> Path:
    folder = work / f"files{n}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copyfile(EXAMPLE_SCHEMA, folder / "schema.yml")
    (folder / ".git").mkdir()
    for rel, text in segment_files(n).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    marker.write_text("")
    return folder


def wide(cfg: Config) -> dict[str, Any]:
    import segdsl

    folder = cfg.work / "wide"
    folder.mkdir(parents=True, exist_ok=True)
    wide_path = folder / "wide.yml"
    wide_path.write_text(wide_schema(cfg.fields), encoding="utf-8")
    shutil.copyfile(EXAMPLE_SCHEMA, folder / "schema.yml")
    (folder / "one.seg").write_text(ONE_FILE, encoding="utf-8")
    (folder / ".git").mkdir(exist_ok=True)
    small = segdsl.load_schema(EXAMPLE_SCHEMA)
    big = segdsl.load_schema(wide_path)
    timed = interleaved({
        "load example schema (15 fields)": lambda: segdsl.load_schema(EXAMPLE_SCHEMA),
        f"load wide schema ({cfg.fields} fields)": lambda: segdsl.load_schema(wide_path),
        "typical compile, example schema": lambda: segdsl.compile(TYPICAL, small, as_of=AS_OF),
        "typical compile, wide schema": lambda: segdsl.compile(TYPICAL, big, as_of=AS_OF),
    }, cfg.repeat, cfg.min_sample)
    procs = time_processes({"segdsl check one.seg (example schema)": [SEGDSL, "check", "one.seg"],
                            f"segdsl check one.seg --schema wide.yml ({cfg.fields} fields)":
                                [SEGDSL, "check", "one.seg", "--schema", "wide.yml"]},
                           folder, max(3, cfg.proc_runs // 2), cfg.proc_warmup)
    return {"fields": cfg.fields, "in_process": {k: v["median"] for k, v in timed.items()},
            "processes": procs}


def many_files(cfg: Config) -> dict[str, Any]:
    from bench.startup import prepare

    folder = prepare_files(cfg.work, cfg.files)
    one = prepare(cfg.work)
    runs = 1 if cfg.quick else 5
    big: list[Any] = []
    small: list[Any] = []
    first = run_measured([SEGDSL, "check", "."], cwd=folder)  # warm the page cache
    for _ in range(runs):
        big.append(run_measured([SEGDSL, "check", "."], cwd=folder))
        small.append(run_measured([SEGDSL, "check", "one.seg"], cwd=one))
    summary = first.stderr.strip().splitlines()[-1] if first.stderr.strip() else ""
    wall = median([r.wall for r in big])
    base = median([r.wall for r in small])
    return {
        "files": cfg.files, "returncode": first.returncode, "summary": summary,
        "diagnostic_lines": first.stderr.count("\n"),
        "wall": wall, "cpu": median([r.cpu for r in big]),
        "peak_rss_mb": max(r.maxrss_kb for r in big) / 1024,
        "one_file_wall": base, "one_file_rss_mb": max(r.maxrss_kb for r in small) / 1024,
        "per_file": (wall - base) / max(cfg.files - 1, 1), "runs": runs,
    }


def _conditions_child(n: int, reps: int) -> dict[str, Any]:
    """Parse, check and compile an n-condition segment (in a child process)."""
    import segdsl
    from segdsl import dialects
    from segdsl.compiler import segment_sql
    from segdsl.parser import parse_file
    from segdsl.project import build_program

    schema = segdsl.load_schema(EXAMPLE_SCHEMA)
    text = long_segment(n)
    dialect = dialects.DIALECTS["duckdb"]
    out: dict[str, Any] = {"n": n, "chars": len(text), "recursion_limit": sys.getrecursionlimit()}
    phases: dict[str, list[float]] = {"parse": [], "parse + check": [], "SQL": [], "total (segdsl.compile)": []}
    segdsl.compile(long_segment(10), schema, as_of=AS_OF)  # warm: grammar, imports, caches
    try:
        for _ in range(reps):
            t = time.perf_counter()
            parse_file(text, "<string>")
            phases["parse"].append(time.perf_counter() - t)
            t = time.perf_counter()
            program = build_program([("<string>", text)], schema, dialect)
            phases["parse + check"].append(time.perf_counter() - t)
            seg = next(iter(program.segments.values()))
            t = time.perf_counter()
            sql = segment_sql(seg, schema, dialect, AS_OF)
            phases["SQL"].append(time.perf_counter() - t)
            t = time.perf_counter()
            segdsl.compile(text, schema, as_of=AS_OF)
            phases["total (segdsl.compile)"].append(time.perf_counter() - t)
        out["sql_chars"] = len(sql)
        out["ok"] = True
        import gc  # diagnosis: the same compile with Python's cyclic garbage collector paused

        gc.collect()
        gc.disable()
        try:
            for _ in range(reps):
                t = time.perf_counter()
                segdsl.compile(text, schema, as_of=AS_OF)
                phases.setdefault("total, gc disabled", []).append(time.perf_counter() - t)
        finally:
            gc.enable()
    except RecursionError as error:
        import traceback

        out["ok"] = False
        out["error"] = f"RecursionError: {error}"
        frames = traceback.extract_tb(error.__traceback__)
        out["where"] = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in frames[-6:]]
    out["phases"] = {k: median(v) for k, v in phases.items() if v}
    return out


def conditions(cfg: Config) -> dict[str, Any]:
    rows = []
    for n in cfg.conditions:
        reps = 1 if cfg.quick else (5 if n <= 2000 else 3)
        done = run_measured([PYTHON, "-m", "bench.inputs", "conditions", str(n), str(reps)], cwd=ROOT,
                            timeout=1800)
        if done.returncode != 0:
            rows.append({"n": n, "ok": False, "error": f"exit {done.returncode}: {done.stderr[-600:]}"})
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        row["peak_rss_mb"] = done.maxrss_kb / 1024
        rows.append(row)
    ok = [r for r in rows if r.get("ok")]
    if ok:
        base = ok[0]
        for r in ok:
            for phase, t in r["phases"].items():
                r.setdefault("growth", {})[phase] = (t / base["phases"][phase]) / (r["n"] / base["n"])
    return {"rows": rows}


def _memory_child(folder: str) -> dict[str, Any]:
    """Where the memory of checking a folder goes (tracemalloc, by source line)."""
    import tracemalloc

    tracemalloc.start(1)
    from segdsl.lint import lint
    from segdsl.project import build_program, read_sources
    from segdsl.schema import read_schema

    schema, _ = read_schema(str(Path(folder) / "schema.yml"))
    sources, _ = read_sources([folder])
    program = build_program(sources, schema)
    lint(program)
    current, peak = tracemalloc.get_traced_memory()
    snapshot = tracemalloc.take_snapshot()
    top = snapshot.statistics("lineno")[:12]
    return {"current_mb": current / 2**20, "peak_traced_mb": peak / 2**20,
            "top": [{"where": f"{Path(st.traceback[0].filename).name}:{st.traceback[0].lineno}",
                     "file": st.traceback[0].filename.replace(str(ROOT) + "/", ""),
                     "mb": st.size / 2**20, "blocks": st.count} for st in top]}


def memory_top(cfg: Config) -> dict[str, Any]:
    folder = prepare_files(cfg.work, cfg.files)
    done = run_measured([PYTHON, "-m", "bench.inputs", "memory", str(folder)], cwd=ROOT)
    if done.returncode != 0:
        return {"error": done.stderr[-1500:]}
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def profile_conditions(cfg: Config) -> dict[str, Any] | None:
    done = run_measured([PYTHON, "-m", "bench.inputs", "profile-conditions", str(cfg.conditions[-1])], cwd=ROOT)
    if done.returncode != 0:
        return {"error": done.stderr[-1500:]}
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _profile_conditions_child(n: int) -> dict[str, Any] | None:
    import segdsl
    from bench.profiles import profile_calls

    schema = segdsl.load_schema(EXAMPLE_SCHEMA)
    text = long_segment(n)
    return profile_calls(lambda: segdsl.compile(text, schema, as_of=AS_OF), seconds=6.0, interval=0.0005)


def run(cfg: Config) -> dict[str, Any]:
    return {"wide": wide(cfg), "files": many_files(cfg), "conditions": conditions(cfg)}


if __name__ == "__main__":
    if sys.argv[1] == "conditions":
        print(json.dumps(_conditions_child(int(sys.argv[2]), int(sys.argv[3]))))
    elif sys.argv[1] == "memory":
        print(json.dumps(_memory_child(sys.argv[2])))
    elif sys.argv[1] == "profile-conditions":
        print(json.dumps(_profile_conditions_child(int(sys.argv[2]))))
