"""The dialect capability table: which SQL dialects exist and what each can express.

Pure data, no sqlglot: the checker reads it (to turn an inexpressible construct into a
SEG140 diagnostic) without paying for the SQL machinery. The SQL builder reads the same
table to pick lowering rules; ``docs/dialects.md`` is generated from it and checked by a test.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from segdsl.node import Node

FEATURES = {
    "compare": "comparisons, ranges, in-lists, is null",
    "text_match": "starts with / ends with / contains (case-sensitive, % and _ literal)",
    "regex": "matches '<regex>' (partial match)",
    "lists": "list fields: contains, has any, has all",
    "missing_lists": "a list field is null / is not null",
    "relative_time": "in last N units, N units ago, today (reference date at run time)",
    "aggregates": "count/sum/avg/min/max over related rows, has/no",
    "percentile": "in top/bottom N%",
}


_NOTHING: Mapping[str, str] = MappingProxyType({})


class Dialect(Node):
    name: str
    sqlglot: str  # sqlglot's dialect name
    unsupported: Mapping[str, str] = _NOTHING  # feature -> why
    executed: bool = False  # verified by executing the SQL in this project's tests
    engine: str = ""  # the engine used for execution tests
    notes: tuple[str, ...] = ()
    # How the engine stores a name written without quotes ("upper": Snowflake makes orders
    # ORDERS). segdsl quotes every name, so an all-lower-case name from the schema is written
    # in that case to find the tables people created without quotes.
    unquoted_case: str = ""
    # PostgreSQL reads a backslash inside '…' as an escape when standard_conforming_strings is
    # off (a server or session setting): a string holding one is written E'…' with the
    # backslash doubled, which means the same text under either setting.
    escape_string_backslashes: bool = False

    def supports(self, feature: str) -> bool:
        return feature not in self.unsupported


_NO_ARRAYS = "the dialect has no array type segdsl can rely on"

DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in [
        Dialect("duckdb", "duckdb", executed=True, engine="DuckDB (in-process)"),
        Dialect(
            "sqlite",
            "sqlite",
            unsupported={"regex": "SQLite has no built-in REGEXP function"},
            executed=True,
            engine="SQLite (stdlib)",
            notes=(
                "dates and timestamps are ISO-8601 text ('2024-01-01', '2024-01-01 10:30:00')",
                "list fields are JSON arrays stored as text",
                "booleans are 0/1",
                "decimals are stored as binary floats (REAL): a sum or average of a decimal field "
                "reads each value to 9 decimal places and adds whole parts and fractions "
                "separately, so 0.1 + 0.2 = 0.3 as on every other engine; the result is the float "
                "nearest the exact total while its whole part is under 9,000,000, and as close "
                "as float addition gets above that",
            ),
        ),
        Dialect("postgres", "postgres", executed=True, engine="PostgreSQL 15",
                escape_string_backslashes=True,
                notes=("a string holding a backslash is written E'…' (backslash doubled): the same "
                       "text whether standard_conforming_strings is on or off",)),
        Dialect("redshift", "redshift", unsupported={"lists": _NO_ARRAYS, "missing_lists": _NO_ARRAYS}),
        Dialect("snowflake", "snowflake", unquoted_case="upper",
                notes=("names written in lower case in the schema are quoted in upper case "
                       "(\"ORDERS\"), as Snowflake stores unquoted names; mixed-case names are kept",)),
        Dialect("bigquery", "bigquery"),
        Dialect("databricks", "databricks"),
        Dialect("spark", "spark", executed=True, engine="Apache Spark 4 (local)"),
        Dialect("clickhouse", "clickhouse", executed=True, engine="ClickHouse (chDB, in-process)",
                unsupported={"missing_lists": "ClickHouse arrays cannot be NULL (a missing list is "
                                              "stored as an empty one)"},
                notes=("dates are Date32 and timestamps DateTime64(6): Date and DateTime stop at 1970",
                       "avg of a decimal is the exact sum divided by the count to 10 decimal places, "
                       "then a Float64 as avg() is (ClickHouse's own avg() gave 99.99000000000001 "
                       "for 99.99 three times)")),
        Dialect("datafusion", "postgres", executed=True, engine="Apache DataFusion (in-process)",
                notes=("written in PostgreSQL syntax with DataFusion's own text functions and "
                       "exact decimal literals",)),
        Dialect("trino", "trino"),
        Dialect(
            "mysql",
            "mysql",
            unsupported={"lists": _NO_ARRAYS, "missing_lists": _NO_ARRAYS},
            executed=True,
            engine="MariaDB 10.11",
            notes=("text equality compares bytes (CAST(… AS BINARY)): case-sensitive, trailing "
                   "spaces count; LIKE and REGEXP use the utf8mb4_bin collation",
                   "regular expressions use REGEXP_INSTR (MariaDB has no REGEXP_LIKE)",
                   "COUNT(DISTINCT) of text counts byte-distinct values; timestamps are DATETIME(6)",
                   "entity keys are joined and grouped with the column's collation: text keys that "
                   "differ only in case or trailing spaces are one key there (use a _bin collation "
                   "or numeric keys)",
                   "a backslash in a string is written doubled, MySQL's default escape syntax: "
                   "a session whose sql_mode holds NO_BACKSLASH_ESCAPES must drop that flag "
                   "(segdsl's own runner does)"),
        ),
        Dialect(
            "tsql",
            "tsql",
            unsupported={
                "regex": "SQL Server before 2025 has no regular expressions",
                "lists": _NO_ARRAYS,
                "missing_lists": _NO_ARRAYS,
            },
            notes=("text comparisons use COLLATE Latin1_General_BIN2 so they are case-sensitive",
                   "SQL Server ignores trailing spaces in =, IN and at the end of LIKE ('a' = 'a '), "
                   "so text comparisons are repeated with a character appended to both sides",
                   "text with characters outside ASCII is written N'…'"),
        ),
    ]
}

DEFAULT_DIALECT = "duckdb"


def get(name: str) -> Dialect | None:
    return DIALECTS.get(name.lower())


def markdown() -> str:
    """The dialect matrix page (docs/dialects.md)."""
    names = list(DIALECTS)
    executed = [n for n in names if DIALECTS[n].executed]
    lines = [
        "# Dialect matrix",
        "",
        "Generated from `segdsl/dialects.py`; `tests/test_docs.py` keeps it in step with the code.",
        "",
        "- ✔ supported, and verified by execution: the test suite runs the SQL on a real engine",
        "  (below) and compares the members with segdsl's reference evaluator, for at least 500",
        "  generated segments per run and every example segment; at least 20 of those use the",
        "  feature (`tests/test_differential.py`).",
        "- ◐ supported, verified only by golden SQL: the SQL text of every example segment and",
        "  of one segment per feature is pinned byte for byte (`tests/golden`), and known traps",
        "  of the dialect have shape tests (`tests/test_dialect_traps.py`); nothing runs it here.",
        "- ✘ refused with SEG140 when checking (reasons in the notes).",
        "",
        "| feature | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for feature, title in FEATURES.items():
        cells = []
        for name in names:
            dialect = DIALECTS[name]
            if not dialect.supports(feature):
                cells.append("✘")
            else:
                cells.append("✔" if dialect.executed else "◐")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    lines += ["", "## Verified only by golden SQL", ""]
    for feature, title in FEATURES.items():
        golden = [n for n in names if not DIALECTS[n].executed and DIALECTS[n].supports(feature)]
        lines.append(f"- {title}: {', '.join(golden) if golden else 'none'}.")
    lines += ["", "## Engines that execute the SQL", "",
              "| dialect | engine in the test suite |", "|---|---|"]
    lines += [f"| {n} | {DIALECTS[n].engine} |" for n in executed]
    lines += ["", "A version named here is the one the test suite runs (`tests/test_dialect_matrix.py` "
              "compares it with the running engine).",
              "", "## Notes", ""]
    for name in names:
        dialect = DIALECTS[name]
        for feature, why in dialect.unsupported.items():
            lines.append(f"- **{name}**: no `{feature}`: {why}.")
        for note in dialect.notes:
            lines.append(f"- **{name}**: {note}.")
    return "\n".join(lines) + "\n"
