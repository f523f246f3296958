"""The registry of diagnostic codes: one entry per code, with a bad and a good example.

``segdsl explain CODE`` and ``docs/diagnostics.md`` are both generated from this table,
and a test checks that every code the tool can emit is listed here (and vice versa).
tests/test_codes.py runs every bad example and checks that it really gives its code;
``kind`` says how (see :data:`KINDS`).
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = {
    "segment": "text of a .seg file, checked like `segdsl check` against examples/schema.yml",
    "schema": "YAML merged into examples/schema.yml, checked with the segment `age > 1`",
    "command": "a segdsl command, run in a folder holding schema.yml and x.seg "
               "(`segment vip where age > 30`)",
    "test-file": "a *.test.yml file beside x.seg, run with `segdsl test`",
    "python": "a call of the Python API (names: segdsl, schema)",
    "database": "schema lines merged into examples/schema.yml, checked with `segdsl check --db` "
                "against a small demo database (`segdsl demo`)",
}


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str
    title: str
    explanation: str
    bad: str = ""
    good: str = ""
    kind: str = "segment"  # how the bad example runs (KINDS)
    dialect: str | None = None  # the dialect the bad example is checked with
    run: str = ""  # the bad example exactly as run, where ``bad`` shortens it


_ENTRIES = [
    # ---- reading files and syntax ----
    CodeInfo("SEG001", "syntax error",
             "The text does not follow the segment language. The message names what was "
             "expected at that point.",
             "age >= ", "age >= 18"),
    CodeInfo("SEG002", "unexpected character or unterminated string",
             "A character that cannot start any word of the language, or a string whose "
             "closing quote is missing on the same line.",
             "region = 'UK", "region = 'UK'"),
    CodeInfo("SEG003", "cannot read file",
             "A segment path does not exist, is not readable, is not UTF-8 text, or is a folder "
             "with no .seg files in it.",
             "segdsl check missing.seg", "segdsl check segments/", kind="command"),
    CodeInfo("SEG004", "invalid date or timestamp",
             "An unquoted date or timestamp that does not exist on the calendar.",
             "signup_date >= 2024-02-30", "signup_date >= 2024-02-29"),
    CodeInfo("SEG005", "nested too deep",
             "A condition may nest at most 100 levels of not / and / or / has-filters, counting "
             "the levels that the segments (`in segment`) and traits it uses bring with them. "
             "Deeper input is refused rather than risk running out of stack; real segments stay "
             "far below the limit. A long chain of `and` (or of `or`) is one level, however long.",
             "not not not … age > 1   (101 times 'not')", "age > 1", run="not " * 101 + "age > 1"),
    # ---- names ----
    CodeInfo("SEG101", "unknown field",
             "The name is not a field or trait of the entity in the schema.",
             "agee >= 18", "age >= 18"),
    CodeInfo("SEG102", "unknown relation",
             "The name used in count(…), has/no or an aggregate is not a relation in the schema.",
             "count(order) >= 3", "count(orders) >= 3"),
    CodeInfo("SEG103", "unknown relation field",
             "The field is not one of the relation's fields.",
             "sum(orders.amnt) > 5", "sum(orders.amount) > 5"),
    CodeInfo("SEG104", "relation field used outside its filter",
             "A relation's field can only be used inside an aggregate or in the `where` filter "
             "of has/no. Outside parentheses, a has/no filter takes one condition; put a filter "
             "with and/or in parentheses.",
             "has orders where amount > 100 and status = 'paid'",
             "has orders where (amount > 100 and status = 'paid')"),
    # ---- types and values ----
    CodeInfo("SEG110", "operator does not apply to this type",
             "The condition cannot be used with a field of this type, e.g. text matching on a "
             "number or ordering on an enum.",
             "age contains 'x'", "email contains 'x'"),
    CodeInfo("SEG111", "value has the wrong type",
             "The value compared with a field must be of the field's type.",
             "age >= '18'", "age >= 18"),
    CodeInfo("SEG112", "unknown enum value",
             "Enum fields only take the values declared in the schema (case-sensitive).",
             "region = 'Uk'", "region = 'UK'"),
    CodeInfo("SEG113", "empty or mixed list",
             "A list of values must hold at least one value, all of the same type.",
             "region in ()", "region in ('UK', 'IE')"),
    CodeInfo("SEG114", "empty range",
             "The low bound of a range is above its high bound, so it matches nobody.",
             "age 40..25", "age 25..40"),
    CodeInfo("SEG115", "invalid or non-portable regular expression",
             "The pattern given to `matches` is not a valid regular expression, or uses a "
             "construct that not every engine reads the same way: lookahead and lookbehind, "
             "back-references, named, atomic or non-capturing groups, conditionals, inline flags "
             "such as `(?i)`, lazy or possessive quantifiers, `\\b`, `\\A`, `\\Z` and character "
             "escapes such as `\\x41`. The portable subset is listed in docs/language.md.",
             "email matches '(?<=@)gmail'", "email matches '@gmail'"),
    CodeInfo("SEG116", "null is not a value",
             "Missing values are tested with `is null` / `is not null`, not compared.",
             "phone = null", "phone is null"),
    CodeInfo("SEG117", "not a condition",
             "A field or aggregate used on its own must be a yes/no (bool) value.",
             "age", "age >= 18"),
    CodeInfo("SEG118", "aggregate does not apply to this field",
             "sum and avg need a number; min and max need a number, date or timestamp.",
             "sum(orders.status) > 3", "sum(orders.amount) > 3"),
    CodeInfo("SEG119", "invalid percentage",
             "top/bottom take a percentage greater than 0 and at most 100.",
             "lifetime_value in top 0%", "lifetime_value in top 10%"),
    CodeInfo("SEG120", "invalid window",
             "A time window needs a positive length and a date or timestamp to apply to. A window "
             "or `N units ago` reaches back at most 1,000 years (365,000 days, 52,000 weeks or "
             "12,000 months), so every day it names stays on the calendar.",
             "last_seen_at in last 0 days", "last_seen_at in last 30 days"),
    CodeInfo("SEG121", "number out of range",
             "A whole number must fit in 64 bits (at most 9223372036854775807 either side of 0) "
             "and a number with a decimal point may hold at most 38 digits: larger numbers are "
             "read differently, or refused, by the engines.",
             "age < 99999999999999999999", "age < 200"),
    # ---- segments and traits ----
    CodeInfo("SEG130", "unknown segment",
             "`in segment NAME` names a segment that is not in the given files or folders. A trait "
             "cannot use `in segment` at all: traits belong to the schema, which is checked without "
             "the segment files.",
             "segment high_value where age > 40\nsegment vip where in segment hig_value",
             "segment high_value where age > 40\nsegment vip where in segment high_value"),
    CodeInfo("SEG131", "duplicate segment name",
             "Two segments share a name; names must be unique across the files checked together.",
             "segment vip where age > 30\nsegment vip where age > 40",
             "segment vip where age > 30\nsegment vip_eu where age > 40"),
    CodeInfo("SEG132", "segment reference cycle",
             "Segments refer to each other in a loop, so none of them has a meaning.",
             "segment a where in segment b\nsegment b where in segment a",
             "segment a where age > 30\nsegment b where in segment a"),
    CodeInfo("SEG133", "trait cycle",
             "Traits refer to each other in a loop.",
             "traits: {a: b > 1, b: a}", "traits: {a: age > 1, b: a}", kind="schema"),
    CodeInfo("SEG134", "no such segment",
             "The Python API's `segment=` names a segment that the text does not define, or the "
             "text defines several segments and none was chosen. (On the command line, "
             "`--segment` with an unknown name is a usage error that lists the segments.)",
             "segdsl.compile(\"segment vip where age > 30\", schema, segment=\"vipp\")",
             "segdsl.compile(\"segment vip where age > 30\", schema, segment=\"vip\")",
             kind="python"),
    # ---- dialects ----
    CodeInfo("SEG140", "not supported by the dialect",
             "The chosen SQL dialect cannot express this condition correctly, so segdsl refuses "
             "rather than emit SQL that would fail or give a different answer on the warehouse.",
             "email matches '^a'", "email starts with 'a'", dialect="sqlite"),
    # ---- schema ----
    CodeInfo("SEG201", "cannot read schema",
             "The schema file is missing, unreadable or not valid YAML.",
             "segdsl check x.seg --schema nope.yml", "segdsl check x.seg --schema schema.yml",
             kind="command"),
    CodeInfo("SEG202", "invalid schema",
             "The schema is valid YAML but not a valid segdsl schema: a required key is missing, "
             "a key is unknown or a value has the wrong shape (a table, key, column or time "
             "column must be text: `key: 5` is refused, write `key: '5'`).",
             "fields: [age]", "fields: {age: int}", kind="schema"),
    CodeInfo("SEG203", "unknown type",
             "Field types are int, decimal, string, bool, date, timestamp, enum (with values) "
             "and list<T>.",
             "fields: {age: integer}", "fields: {age: int}", kind="schema"),
    CodeInfo("SEG204", "duplicate name in schema",
             "A trait has the same name as a field, or a relation field repeats.",
             "fields: {ltv: decimal}\ntraits: {ltv: sum(orders.amount)}",
             "fields: {ltv: decimal}\ntraits: {ltv_orders: sum(orders.amount)}", kind="schema"),
    # ---- command line ----
    CodeInfo("SEG301", "usage error",
             "The Python API was given an unknown dialect. (On the command line, a missing or "
             "invalid option or argument is a usage error: it prints the usage and exits with "
             "status 2.)",
             "segdsl.compile(\"age > 1\", schema, dialect=\"oracle\")",
             "segdsl.compile(\"age > 1\", schema, dialect=\"postgres\")", kind="python"),
    CodeInfo("SEG302", "database error",
             "The database could not be opened, a table or column the schema names is "
             "missing or has the wrong type, a query failed on the engine, or a file could not "
             "be written (`segdsl demo` also refuses to replace a file that is not an earlier "
             "demo database).",
             "segdsl run x.seg --db missing.duckdb", "segdsl demo --db demo.duckdb", kind="command"),
    # ---- warnings (segdsl check; they fail the run only with --strict) ----
    CodeInfo("SEG401", "condition can never be true",
             "Conditions joined by `and` that no value can satisfy together (or one that no "
             "value of its field can satisfy), so the segment, or that part of it, matches nobody.",
             "age < 18 and age > 65", "age < 18 or age > 65"),
    CodeInfo("SEG402", "condition implied by another",
             "A condition in an `and` that another condition of the same `and` already implies: "
             "it changes nothing, and often one of the two bounds is a typo.",
             "age > 30 and age > 20", "age > 30"),
    CodeInfo("SEG403", "undeclared enum value in the data",
             "With `segdsl check --db TARGET`: an enum column in the database holds values that "
             "the schema does not list, so no condition can select them (and `!=`/`not in` "
             "silently include them).",
             "region: {type: enum, values: [UK, IE]}  (the data also has 'GB')",
             "region: {type: enum, values: [UK, IE, GB]}", kind="database"),
    CodeInfo("SEG404", "unused trait",
             "A trait in the schema that none of the checked segments uses, directly or through "
             "other traits (here: no segment says `adult`). Reported only when `check` is given a "
             "folder: files checked one by one are part of a project, and a trait they do not "
             "use is probably used elsewhere.",
             "traits: {adult: age >= 18}", "segment adults where adult", kind="schema"),
    # ---- segment tests (segdsl test) ----
    CodeInfo("SEG410", "invalid segment test file",
             "A `*.test.yml` file is not valid YAML, has an unknown key, a row with an unknown "
             "column or a value of the wrong type, or expects a segment that is not defined.",
             "customers: [{customer_id: 1, age: 40}]\nexpect: {vipp: [1]}",
             "customers: [{customer_id: 1, age: 40}]\nexpect: {vip: [1]}", kind="test-file"),
]

CODES: dict[str, CodeInfo] = {entry.code: entry for entry in _ENTRIES}


def explain(code: str) -> str | None:
    info = CODES.get(code.upper())
    if info is None:
        return None
    parts = [f"{info.code}: {info.title}", "", info.explanation]
    if info.bad:
        parts += ["", f"Wrong{_with_dialect(info)}:", *_indented(info.bad)]
    if info.good:
        parts += ["", "Right:", *_indented(info.good)]
    return "\n".join(parts)


def _indented(example: str) -> list[str]:
    return [f"    {line}" for line in example.splitlines()]


def _with_dialect(info: CodeInfo) -> str:
    return f" (with --dialect {info.dialect})" if info.dialect else ""


def markdown() -> str:
    """The diagnostics reference page (docs/diagnostics.md), generated from the table above."""
    lines = [
        "# Diagnostic codes",
        "",
        "Generated from `segdsl/codes.py` (`segdsl explain CODE` prints the same text).",
        "A test keeps this page and the code in step.",
        "",
    ]
    for info in _ENTRIES:
        lines += [f"## {info.code}: {info.title}", "", info.explanation, ""]
        if info.bad:
            lines += [f"Wrong{_with_dialect(info)}:", "", "```", info.bad, "```", ""]
        if info.good:
            lines += ["Right:", "", "```", info.good, "```", ""]
    return "\n".join(lines)
