"""Child process that runs SQL on the demo database: ``python -m bench.query_worker < job.json``.

A separate process so its peak RSS belongs to the queries it ran, and so the parent's
imports and caches never share an address space with DuckDB's buffers.

Input: {"db", "threads", "mode": "time"|"memory", "runs", "warmup",
        "groups": [{"name", "jobs": [{"name", "statements": [sql, ...]}]}]}
In "time" mode the jobs of a group are run round-robin (the order rotating every round) so
noise from a busy machine hits all of them alike. Every result is fetched to Arrow.
Output (last stdout line): JSON {"groups": {group: {job: {"times": [...], "rows": [...]}}},
"rss_start_kb", "maxrss_kb"}.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from typing import Any


def _rss_kb() -> int:
    with open("/proc/self/status", encoding="utf-8") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _fetch(con: Any, sql: str) -> int:
    """Run and fetch every row as an Arrow table (how results reach Python fastest)."""
    relation = con.sql(sql)
    if relation is None:
        return 0
    for method in ("to_arrow_table", "fetch_arrow_table", "arrow"):
        fetch = getattr(relation, method, None)
        if fetch is not None:
            return int(fetch().num_rows)
    return len(relation.fetchall())


def _walk(node: Any, depth: int, out: list[dict[str, Any]]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, depth, out)
        return
    kind = node.get("type") or node.get("operator_type") or node.get("operator_name")
    if kind:
        extra = node.get("extra_info") or {}
        brief = {k: (v if isinstance(v, str) else json.dumps(v))[:160] for k, v in extra.items()
                 if k in ("Table", "Filters", "Aggregates", "Groups", "Conditions", "Join Type",
                          "Projections", "Function", "Estimated Cardinality") and v}
        out.append({"operator": kind, "depth": depth, "seconds": node.get("timing") or node.get("operator_timing") or 0.0,
                    "rows": node.get("intermediate_rows", node.get("operator_cardinality")), "info": brief})
    for child in node.get("children", []):
        _walk(child, depth + 1, out)


def _profile(con: Any, statements: list[str]) -> dict[str, Any]:
    """DuckDB's own profile of one run: totals and the operators, slowest first."""
    import os
    import tempfile

    totals = {"seconds": 0.0, "cpu_seconds": 0.0, "rows_scanned": 0, "intermediate_rows": 0,
              "peak_buffer_mb": 0.0}
    operators: list[dict[str, Any]] = []
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    try:
        for sql in statements:
            con.execute("PRAGMA enable_profiling = 'json'")
            con.execute(f"PRAGMA profiling_output = '{path}'")
            _fetch(con, sql)
            con.execute("PRAGMA disable_profiling")
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            query = data.get("query", {})
            totals["seconds"] += query.get("total_time", 0.0)
            totals["cpu_seconds"] += query.get("cpu_time", 0.0)
            totals["rows_scanned"] += query.get("total_rows_scanned", 0)
            totals["intermediate_rows"] += query.get("total_intermediate_rows", 0)
            peak = data.get("system", {}).get("peak_buffer_memory", 0) / 2**20
            totals["peak_buffer_mb"] = max(totals["peak_buffer_mb"], peak)
            _walk(data.get("operator", data), 0, operators)
    finally:
        os.unlink(path)
    operators.sort(key=lambda o: -o["seconds"])
    return {**totals, "operators": operators[:8]}


def main() -> None:
    import duckdb

    job = json.load(sys.stdin)
    con = duckdb.connect(job["db"], read_only=True)
    con.execute(f"SET threads = {int(job['threads'])}")
    if job.get("memory_limit"):
        con.execute(f"SET memory_limit = '{job['memory_limit']}'")
    con.execute("SET enable_progress_bar = false")
    rss_start = _rss_kb()
    out: dict[str, Any] = {}
    for group in job["groups"]:
        jobs = group["jobs"]
        res: dict[str, Any] = {j["name"]: {"times": [], "cpu": [], "rows": []} for j in jobs}
        for _ in range(job.get("warmup", 1)):
            for j in jobs:
                res[j["name"]]["rows"] = [_fetch(con, s) for s in j["statements"]]
        for r in range(job.get("runs", 1)):
            order = jobs[r % len(jobs):] + jobs[: r % len(jobs)]
            for j in order:
                start, cpu = time.perf_counter(), time.process_time()
                rows = [_fetch(con, s) for s in j["statements"]]
                res[j["name"]]["times"].append(time.perf_counter() - start)
                res[j["name"]]["cpu"].append(time.process_time() - cpu)  # every DuckDB thread
                res[j["name"]]["rows"] = rows
        if job.get("profile"):
            for j in jobs:
                res[j["name"]]["profile"] = _profile(con, j["statements"])
        out[group["name"]] = res
    print(json.dumps({"groups": out, "rss_start_kb": rss_start,
                      "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


if __name__ == "__main__":
    main()
