"""4./5. Query quality on DuckDB: compiled SQL against hand-written SQL, and the membership query.

The demo database is generated once per size into bench/.cache/ (regenerated when the
generator changes). Every query runs in a child process (bench/query_worker.py) limited
to ``threads`` DuckDB threads; every form of a segment is verified to return the same
members (count and a hash of the keys) before it is timed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from bench.common import CACHE, EXAMPLE_SCHEMA, PYTHON, ROOT, Config, median, run_measured
from bench.segments import AS_OF, MEMBERSHIP_SEGMENTS, QUERY_SEGMENTS, segments_source

SEED = 42
TARGET_RATIO = 1.1  # compiled within 1.1x of the best hand-written form


def demo_db(customers: int, log: Any = print) -> tuple[Path, dict[str, Any]]:
    """The cached demo database for this size, generated when missing or stale."""
    import segdsl.demo

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"demo-{customers}.duckdb"
    meta_path = path.with_suffix(".json")
    demo_src = Path(segdsl.demo.__file__).read_bytes()
    want = {"customers": customers, "seed": SEED, "anchor_date": AS_OF.isoformat(),
            "generator_sha256": hashlib.sha256(demo_src).hexdigest()[:16]}
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if {k: meta.get(k) for k in want} == want:
            meta["cached"] = True
            return path, meta
    log(f"  generating the demo database: {customers:,} customers → {path.relative_to(ROOT)}")
    stats = segdsl.demo.generate_demo(path, customers=customers, seed=SEED, anchor_date=AS_OF)
    meta = {**want, "orders": stats.orders, "events": stats.events,
            "generate_seconds": round(stats.elapsed_seconds, 1), "bytes": path.stat().st_size}
    meta_path.write_text(json.dumps(meta, indent=1))
    meta["cached"] = False
    return path, meta


def _worker(payload: dict[str, Any]) -> dict[str, Any]:
    done = run_measured([PYTHON, "-m", "bench.query_worker"], cwd=ROOT, stdin=json.dumps(payload),
                        timeout=7200)
    if done.returncode != 0:
        raise RuntimeError(f"query worker failed ({done.returncode}): {done.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    data["child_maxrss_kb"] = done.maxrss_kb
    return data


def _memory(db: Path, threads: int, statements: list[str], memory_limit: str = "8GB") -> dict[str, float]:
    """Peak RSS of a fresh process that connects and runs these statements once."""
    got = _worker({"db": str(db), "threads": threads, "memory_limit": memory_limit, "runs": 1, "warmup": 0,
                   "groups": [{"name": "m", "jobs": [{"name": "m", "statements": statements}]}]})
    return {"peak_mb": got["child_maxrss_kb"] / 1024, "after_connect_mb": got["rss_start_kb"] / 1024}


def _verify(con: Any, sql: str) -> tuple[int, int]:
    row = con.execute(f"SELECT count(*), coalesce(sum(hash(customer_id)), 0) FROM ({sql.rstrip().rstrip(';')})").fetchone()
    return int(row[0]), int(row[1])


def compiled_segments(schema: Any) -> dict[str, str]:
    import segdsl

    return {q.name: segdsl.compile(q.text, schema, dialect="duckdb", as_of=AS_OF).rstrip().rstrip(";")
            for q in QUERY_SEGMENTS}


def membership_statements(schema: Any) -> tuple[str, list[str], list[str]]:
    """(one membership query, 20 separate queries, segment names)."""
    from segdsl.api import parse_segments
    from segdsl.compiler import membership_sql, segment_sql

    program = parse_segments(segments_source(MEMBERSHIP_SEGMENTS), schema)
    if program.errors:
        raise RuntimeError(f"membership segments do not check: {program.errors}")
    segs = [program.segments[name] for name in MEMBERSHIP_SEGMENTS]
    one = membership_sql(segs, program.schema, "duckdb", AS_OF)
    separate = [segment_sql(s, program.schema, "duckdb", AS_OF) for s in segs]
    return one, separate, list(MEMBERSHIP_SEGMENTS)


def run_quality(cfg: Config, log: Any = print) -> dict[str, Any]:
    import duckdb

    import segdsl

    db, meta = demo_db(cfg.customers, log)
    schema = segdsl.load_schema(EXAMPLE_SCHEMA)
    compiled = compiled_segments(schema)
    con = duckdb.connect(str(db), read_only=True)
    con.execute(f"SET threads = {cfg.threads}")
    con.execute(f"SET memory_limit = '{cfg.memory_limit}'")
    rows: list[dict[str, Any]] = []
    groups = []
    for q in QUERY_SEGMENTS:
        forms = {"compiled": compiled[q.name], **q.hand}
        expect = _verify(con, forms["compiled"])
        verified = {}
        for name, sql in forms.items():
            got = expect if name == "compiled" else _verify(con, sql)
            verified[name] = got == expect
        groups.append({"name": q.name, "jobs": [{"name": n, "statements": [s]} for n, s in forms.items()
                                                 if verified[n]]})
        rows.append({"segment": q.name, "kind": q.kind, "members": expect[0], "verified": verified,
                     "compiled_sql": forms["compiled"]})
    con.close()
    log(f"  timing {len(groups)} segments × their hand-written forms ({cfg.query_runs} runs each)")
    timed = _worker({"db": str(db), "threads": cfg.threads, "memory_limit": cfg.memory_limit, "runs": cfg.query_runs, "warmup": 1,
                     "groups": groups})["groups"]
    q_by_name = {q.name: q for q in QUERY_SEGMENTS}
    for row in rows:
        t = {name: median(v["times"]) for name, v in timed[row["segment"]].items()}
        cpu = {name: median(v["cpu"]) for name, v in timed[row["segment"]].items()}
        hand = {n: v for n, v in t.items() if n != "compiled"}
        best = min(hand, key=lambda n: hand[n])
        best_cpu = min((n for n in cpu if n != "compiled"), key=lambda n: cpu[n])
        row.update(times=t, cpu=cpu, best_hand=best, ratio=t["compiled"] / hand[best],
                   best_hand_cpu=best_cpu, ratio_cpu=cpu["compiled"] / cpu[best_cpu])
        if not cfg.quick:
            row["memory"] = _memory(db, cfg.threads, [row["compiled_sql"]])
        if cfg.profile and row["ratio"] > TARGET_RATIO:
            group = next(g for g in groups if g["name"] == row["segment"])
            jobs = [j for j in group["jobs"] if j["name"] in ("compiled", best)]
            got = _worker({"db": str(db), "threads": cfg.threads, "memory_limit": cfg.memory_limit, "runs": 0, "warmup": 0, "profile": True,
                           "groups": [{"name": "p", "jobs": jobs}]})["groups"]["p"]
            row["profile"] = {name: v["profile"] for name, v in got.items()}
            row["best_sql"] = q_by_name[row["segment"]].hand[best]
    return {"db": {**meta, "path": str(db.relative_to(ROOT))}, "segments": rows,
            "membership": run_membership(cfg, db, schema, log)}


def run_membership(cfg: Config, db: Path, schema: Any, log: Any = print, runs: int | None = None) -> dict[str, Any]:
    import duckdb

    one, separate, names = membership_statements(schema)
    con = duckdb.connect(str(db), read_only=True)
    con.execute(f"SET threads = {cfg.threads}")
    con.execute(f"SET memory_limit = '{cfg.memory_limit}'")
    sums = ", ".join(f'count(*) FILTER (WHERE "{n}")' for n in names)
    from_one = con.execute(f"SELECT {sums} FROM ({one})").fetchone()
    from_separate = tuple(con.execute(f"SELECT count(*) FROM ({s.rstrip().rstrip(';')})").fetchone()[0]
                          for s in separate)
    customers = con.execute("SELECT count(*) FROM customers").fetchone()[0]
    con.close()
    consistent = tuple(from_one) == from_separate
    runs = runs or cfg.query_runs
    log(f"  timing one membership query vs {len(separate)} separate queries ({runs} runs each)")
    timed = _worker({"db": str(db), "threads": cfg.threads, "memory_limit": cfg.memory_limit, "runs": runs, "warmup": 1, "profile": cfg.profile,
                     "groups": [{"name": "m", "jobs": [{"name": "membership", "statements": [one]},
                                                       {"name": "separate", "statements": separate}]}]}
                    )["groups"]["m"]
    t_one = median(timed["membership"]["times"])
    t_sep = median(timed["separate"]["times"])
    c_one = median(timed["membership"]["cpu"])
    c_sep = median(timed["separate"]["cpu"])
    return {
        "customers": customers, "segments": len(names), "consistent": consistent,
        "members": dict(zip(names, from_separate, strict=True)),
        "membership": t_one, "separate": t_sep, "speedup": t_sep / t_one,
        "membership_cpu": c_one, "separate_cpu": c_sep, "speedup_cpu": c_sep / c_one,
        "memory": {"membership": _memory(db, cfg.threads, [one]),
                   "separate": _memory(db, cfg.threads, separate),
                   "connect_only": _memory(db, cfg.threads, ["SELECT 1"])},
        "membership_sql": one,
        "profile": {k: v.get("profile") for k, v in timed.items()},
    }


def run_large(cfg: Config, log: Any = print) -> dict[str, Any]:
    import segdsl

    db, meta = demo_db(cfg.large_customers, log)
    schema = segdsl.load_schema(EXAMPLE_SCHEMA)
    result = run_membership(cfg, db, schema, log, runs=3)
    result["db"] = {**meta, "path": str(db.relative_to(ROOT))}
    return result


if __name__ == "__main__":  # pragma: no cover - manual use
    cfg = Config.make("--quick" in sys.argv, False)
    print(json.dumps(run_quality(cfg), indent=1, default=str)[:5000])
