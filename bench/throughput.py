"""2. Compile throughput, warm, in one process: text → parse → check → SQL, per dialect.

Against prqlc (PRQL's compiler) and Ibis (build the expression + ``ibis.to_sql``) compiling
the same filter, sampled round-robin with segdsl so machine noise hits all alike. Both are
optional: skipped when not installed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.common import EXAMPLE_SCHEMA, Config, have, interleaved
from bench.segments import (
    AS_OF,
    IBIS_DIALECTS,
    PRQL_TARGETS,
    TYPICAL,
    TYPICAL_BEHAVIOURAL,
    TYPICAL_BEHAVIOURAL_PRQL,
    TYPICAL_PRQL,
    ibis_behavioural,
    ibis_long,
    ibis_tables,
    ibis_typical,
    long_prql,
    long_segment,
)

SHAPES = {
    "typical": "typical filter (attributes, {n} chars)",
    "behavioural": "typical behavioural filter ({n} chars)",
    "conditions50": "50-condition filter ({n} chars)",
}


def _segdsl_fn(text: str, schema: Any, dialect: str) -> Callable[[], Any]:
    import segdsl

    def run() -> str:
        return segdsl.compile(text, schema, dialect=dialect, as_of=AS_OF)

    return run


def _prql_fn(text: str, target: str) -> Callable[[], Any]:
    import prqlc

    options = prqlc.CompileOptions(target=target)

    def run() -> str:
        return prqlc.compile(text, options)

    return run


def _ibis_fn(build: Callable[[], Any], dialect: str) -> Callable[[], Any]:
    import ibis

    def run() -> str:
        return ibis.to_sql(build(), dialect=dialect)

    return run


def _works(fn: Callable[[], Any]) -> str | None:
    try:
        fn()
    except Exception as error:
        return f"{type(error).__name__}: {str(error).splitlines()[0][:120]}"
    return None


def breakdown(text: str, schema: Any, cfg: Config) -> dict[str, Any]:
    """Where a typical compile goes: parse, check, build the sqlglot tree, render it."""
    from segdsl import dialects
    from segdsl.compiler import builder_for, render
    from segdsl.parser import parse_file
    from segdsl.project import build_program

    dialect = dialects.DIALECTS["duckdb"]
    program = build_program([("<string>", text)], schema, dialect)
    seg = next(iter(program.segments.values()))
    query = builder_for(schema, dialect, AS_OF).members_query(seg.pred)
    fns = {
        "parse (parse_file)": lambda: parse_file(text, "<string>"),
        "parse + check (build_program)": lambda: build_program([("<string>", text)], schema, dialect),
        "build sqlglot tree (QueryBuilder.members_query)":
            lambda: builder_for(schema, dialect, AS_OF).members_query(seg.pred),
        "render SQL (sqlglot generate)": lambda: render(query, dialect),
    }
    return {k: v["median"] for k, v in interleaved(fns, cfg.repeat, cfg.min_sample).items()}


def run(cfg: Config) -> dict[str, Any]:
    import segdsl
    from segdsl import dialects

    schema = segdsl.load_schema(EXAMPLE_SCHEMA)
    long50 = long_segment(50)
    texts = {"typical": TYPICAL, "behavioural": TYPICAL_BEHAVIOURAL, "conditions50": long50}
    prql = {"typical": TYPICAL_PRQL, "behavioural": TYPICAL_BEHAVIOURAL_PRQL, "conditions50": long_prql(50)}
    tools = {"prqlc": have("prqlc"), "ibis": have("ibis")}
    ibis_build: dict[str, Callable[[], Any]] = {}
    if tools["ibis"]:
        customers, orders = ibis_tables()
        ibis_build = {"typical": lambda: ibis_typical(customers),
                      "behavioural": lambda: ibis_behavioural(customers, orders),
                      "conditions50": lambda: ibis_long(customers, 50)}
    dialect_names = ["duckdb"] if cfg.quick else list(dialects.DIALECTS)
    rows: list[dict[str, Any]] = []
    for shape, text in texts.items():
        for d in dialect_names:
            fns: dict[str, Callable[[], Any]] = {"segdsl": _segdsl_fn(text, schema, d)}
            if tools["prqlc"] and d in PRQL_TARGETS:
                fns["prqlc"] = _prql_fn(prql[shape], PRQL_TARGETS[d])
            if tools["ibis"] and d in IBIS_DIALECTS:
                fns["ibis"] = _ibis_fn(ibis_build[shape], IBIS_DIALECTS[d])
            errors = {name: e for name, fn in fns.items() if (e := _works(fn))}
            # the DuckDB rows carry the targets: full sampling there, lighter for the other dialects
            repeat, sample = (cfg.repeat, cfg.min_sample) if d == "duckdb" else (max(3, cfg.repeat // 2),
                                                                                 cfg.min_sample / 2)
            timed = interleaved({n: f for n, f in fns.items() if n not in errors}, repeat, sample)
            row: dict[str, Any] = {"shape": shape, "chars": len(text), "dialect": d, "errors": errors}
            for name in fns:
                row[name] = timed[name]["median"] if name in timed else None
            for other in ("prqlc", "ibis"):
                if row.get(other) and row.get("segdsl"):
                    row[f"{other}_ratio"] = row[other] / row["segdsl"]
            rows.append(row)
    return {"tools": tools, "rows": rows, "breakdown": breakdown(TYPICAL, schema, cfg),
            "breakdown_behavioural": breakdown(TYPICAL_BEHAVIOURAL, schema, cfg),
            "texts": {"typical": TYPICAL, "behavioural": TYPICAL_BEHAVIOURAL, "conditions50": long50}}


def profile_typical(schema_path: Any = EXAMPLE_SCHEMA) -> dict[str, Any] | None:
    import segdsl
    from bench.profiles import profile_calls

    schema = segdsl.load_schema(schema_path)
    return profile_calls(_segdsl_fn(TYPICAL, schema, "duckdb"), seconds=4.0)
