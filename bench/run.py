"""Run the benchmark suite and write BENCHMARKS.md.

    .venv/bin/python -m bench                 # the full suite (~6 min; the first run also builds
                                              #   the 1M-customer demo database, ~40 s)
    .venv/bin/python -m bench --quick         # CI smoke: tiny sizes, < 1 min, writes
                                              #   bench/.cache/BENCHMARKS-quick.md
    .venv/bin/python -m bench --large         # also 5.: the membership query at 10M customers
    .venv/bin/python -m bench --only startup,throughput   # re-run some sections, keep the rest

Sections: startup, throughput, inputs, queries, large. Results also go to a JSON file
(bench/.cache/results.json) that ``--only`` merges into. Nothing here asserts a time: a
missed target is reported, with a profile, not raised.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench import env
from bench.common import CACHE, ROOT, Config

SECTIONS = ("startup", "throughput", "inputs", "queries", "large")
PROFILE_SECTION = {"startup_check": "startup", "startup_compile": "startup", "compile_typical": "throughput",
                   "files": "inputs", "files_memory": "inputs", "conditions": "inputs"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def targets(r: dict[str, Any], quick: bool) -> list[dict[str, Any]]:
    """Every target of issue 7 with its measured value; ok is None when not measured/comparable."""
    rows: list[dict[str, Any]] = []

    def add(name: str, measured: str, ok: bool | None, key: str) -> None:
        rows.append({"target": name, "measured": measured, "ok": None if quick else ok, "key": key})

    s = r.get("startup")
    if s:
        add("`segdsl check` one file ≤ 1.7× `python -c \"import lark\"`",
            f"{s['check_vs_lark']:.2f}× (CPU {s['check_vs_lark_cpu']:.2f}×)", s["check_vs_lark"] <= 1.7,
            "startup_check")
        add("`segdsl compile` one file ≤ 1.5× `python -c \"import sqlglot\"`",
            f"{s['compile_vs_sqlglot']:.2f}× (CPU {s['compile_vs_sqlglot_cpu']:.2f}×)",
            s["compile_vs_sqlglot"] <= 1.5, "startup_compile")
        bad = s["imports"]["check"]["forbidden_loaded"]
        add("`segdsl check` loads no sqlglot, duckdb or rich",
            "loads " + ", ".join(bad) if bad else "none of them load", not bad, "startup_imports")
    t = r.get("throughput")
    if t:
        row = next(x for x in t["rows"] if x["shape"] == "typical" and x["dialect"] == "duckdb")
        add("typical segment compile (warm) < 0.5 ms", f"{row['segdsl'] * 1e3:.3f} ms",
            row["segdsl"] < 0.5e-3, "compile_typical")
        for other in ("prqlc", "ibis"):
            ratio = row.get(f"{other}_ratio")
            if ratio is not None:
                add(f"typical compile ≥ 5× faster than {other}", f"{ratio:.1f}×", ratio >= 5,
                    f"compile_vs_{other}")
            else:
                add(f"typical compile ≥ 5× faster than {other}", "not installed: skipped", None,
                    f"compile_vs_{other}")
    i = r.get("inputs")
    if i:
        f = i["files"]
        add(f"{f['files']:,} files checked in one `segdsl check` < 2 s", f"{f['wall']:.2f} s",
            f["wall"] < 2 and f["files"] >= 2000, "files_time")
        add(f"checking {f['files']:,} files: peak RSS < 150 MB", f"{f['peak_rss_mb']:.0f} MB",
            f["peak_rss_mb"] < 150 and f["files"] >= 2000, "files_memory")
        c = [x for x in i["conditions"]["rows"]]
        ok_all = all(x.get("ok") for x in c)
        biggest = c[-1]
        if ok_all:
            growth = biggest["growth"]["total (segdsl.compile)"]
            add(f"{biggest['n']:,}-condition segment: no recursion error, linear time",
                f"{biggest['phases']['total (segdsl.compile)']:.2f} s; time per condition "
                f"{growth:.2f}× that at {c[0]['n']:,}", growth <= 1.5 and biggest["n"] >= 10_000,
                "conditions")
        else:
            failed = next(x for x in c if not x.get("ok"))
            add(f"{biggest['n']:,}-condition segment: no recursion error, linear time",
                f"fails at {failed['n']:,}: {failed.get('error', '')[:80]}", False, "conditions")
    q = r.get("queries")
    if q:
        worst = max(q["segments"], key=lambda x: x["ratio"])
        missed = [x["segment"] for x in q["segments"] if x["ratio"] > 1.1]
        add("compiled SQL within 1.1× of the best hand-written, every segment",
            f"worst {worst['ratio']:.2f}× ({worst['segment']}); "
            + (f"{len(missed)} of {len(q['segments'])} over: {', '.join(missed)}" if missed else "all within"),
            not missed, "query_quality")
        m = q["membership"]
        add("20-segment membership query ≥ 4× faster than 20 separate queries",
            f"{m['speedup']:.2f}×", m["speedup"] >= 4, "membership")
    lg = r.get("large")
    if lg:
        add(f"membership at {lg['customers']:,} customers (reported, no target)", f"{lg['speedup']:.2f}×", None,
            "large")
    return rows


def profiles(r: dict[str, Any], cfg: Config, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Profile what missed its target (pyinstrument for Python; DuckDB's profiler for SQL)."""
    from bench import profiles as prof

    missed = {row["key"] for row in rows if row["ok"] is False}
    ran = set(r.get("_sections_run", SECTIONS))
    section_of = {"startup_check": "startup", "startup_compile": "startup", "startup_imports": "startup",
                  "compile_typical": "throughput", "compile_vs_prqlc": "throughput",
                  "compile_vs_ibis": "throughput", "files_time": "inputs", "files_memory": "inputs",
                  "conditions": "inputs"}
    missed = {k for k in missed if section_of.get(k, "queries") in ran}  # profile only what ran now
    out: dict[str, Any] = {}
    if not cfg.profile:
        return out
    startup_dir = cfg.work / "startup"
    if "startup_check" in missed or "startup_imports" in missed:
        log("  profiling: segdsl check one.seg")
        out["startup_check"] = prof.profile_cli(["check", "one.seg"], startup_dir)
    if "startup_compile" in missed:
        log("  profiling: segdsl compile one.seg")
        out["startup_compile"] = prof.profile_cli(["compile", "one.seg"], startup_dir)
    if missed & {"compile_typical", "compile_vs_prqlc", "compile_vs_ibis"}:
        from bench.throughput import profile_typical

        log("  profiling: typical compile")
        out["compile_typical"] = profile_typical()
    if missed & {"files_time", "files_memory"}:
        log(f"  profiling: segdsl check of {cfg.files} files")
        out["files"] = prof.profile_cli(["check", "."], cfg.work / f"files{cfg.files}")
        if "files_memory" in missed:
            from bench.inputs import memory_top

            out["files_memory"] = memory_top(cfg)
    if "conditions" in missed:
        from bench.inputs import profile_conditions

        log("  profiling: the largest condition segment")
        out["conditions"] = profile_conditions(cfg)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="tiny sizes, few runs: a smoke test for CI")
    ap.add_argument("--large", action="store_true", help="also the membership query at 10M customers")
    ap.add_argument("--only", help="comma-separated sections to run: " + ",".join(SECTIONS))
    ap.add_argument("--out", type=Path, help="Markdown results (default BENCHMARKS.md; "
                                             "with --quick bench/.cache/BENCHMARKS-quick.md)")
    ap.add_argument("--json", type=Path, help="JSON results (default bench/.cache/results[-quick].json)")
    ap.add_argument("--no-profile", action="store_true", help="skip profiling missed targets")
    args = ap.parse_args(argv)

    cfg = Config.make(args.quick, args.large)
    if args.no_profile:
        cfg.profile = False
    suffix = "-quick" if cfg.quick else ""
    out = args.out or (CACHE / "BENCHMARKS-quick.md" if cfg.quick else ROOT / "BENCHMARKS.md")
    json_path = args.json or CACHE / f"results{suffix}.json"
    chosen = set(SECTIONS) - {"large"} if not args.only else set(args.only.split(","))
    if args.large:
        chosen.add("large")
    unknown = chosen - set(SECTIONS)
    if unknown:
        ap.error(f"unknown sections: {', '.join(sorted(unknown))}")
    cfg.work.mkdir(parents=True, exist_ok=True)
    # Start-up is measured as installed code runs: from .pyc files (pip writes them at install;
    # an editable checkout writes them on first import unless PYTHONDONTWRITEBYTECODE is set,
    # and then every process compiles segdsl's sources again, ~10 ms).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(str(ROOT / "segdsl"), quiet=1)

    results: dict[str, Any] = {}
    previous_profiles: dict[str, Any] = {}
    if json_path.exists():  # keep sections not re-run (always keep the on-demand large run)
        previous = json.loads(json_path.read_text())
        keep = SECTIONS if args.only else ("large",)
        results = {k: v for k, v in previous.items() if k in keep and k not in chosen}
        previous_profiles = previous.get("profiles", {}) if args.only else {}
    results["env"] = env.describe()
    results["mode"] = "quick" if cfg.quick else "full"
    started = time.perf_counter()
    from bench import inputs, queries, startup, throughput

    for name, fn in (("startup", startup.run), ("throughput", throughput.run), ("inputs", inputs.run),
                     ("queries", lambda c: queries.run_quality(c, log)),
                     ("large", lambda c: queries.run_large(c, log))):
        if name not in chosen:
            continue
        log(f"[bench] {name} ...")
        t = time.perf_counter()
        results[name] = fn(cfg)
        results[name]["_measured_at"] = results["env"]["date"]
        log(f"[bench] {name} done in {time.perf_counter() - t:.0f} s")
    results["_sections_run"] = sorted(chosen)
    rows = targets(results, cfg.quick)
    results["targets"] = rows
    kept = {k: v for k, v in previous_profiles.items() if PROFILE_SECTION.get(k.split(":")[0]) not in chosen}
    results["profiles"] = {**kept, **profiles(results, cfg, rows)}
    results["env"]["load_at_end"] = [round(x, 2) for x in env.load()]
    results["elapsed"] = time.perf_counter() - started
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=1, default=str))
    from bench.report import write

    write(results, out, cfg)
    log(f"[bench] wrote {out} and {json_path} in {results['elapsed']:.0f} s")
    for row in rows:
        log(f"  {'ok  ' if row['ok'] else ('MISS' if row['ok'] is False else '    ')} {row['target']}: "
            f"{row['measured']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
