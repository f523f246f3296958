"""Run segments on a real engine in the two query shapes segdsl writes, and compare.

- ``membership``: one query, the key and one TRUE/FALSE column per segment (what ``sizes``
  and ``materialize`` run); every entity must come back exactly once with non-NULL flags.
- ``members``: the query ``compile``/``run`` writes for one segment (semi-joins, INNER JOINs,
  pushed-down filters); the segments' queries are joined with UNION ALL, so an engine runs
  one query per shape for a whole batch (Spark spends about a second on each).

The reference evaluator (segdsl/evaluate.py) says what every segment must return. A
divergence is written as a self-contained regression case (see ``record``) that
tests/test_differential.py replays on every engine from then on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlglot import exp

from segdsl import dialects, ir
from segdsl.checker import Checker
from segdsl.compiler import builder_for, render
from segdsl.evaluate import Dataset, evaluate_segments
from segdsl.project import Program

REGRESSIONS = Path(__file__).resolve().parent / "regressions"
SHAPES = ("membership", "members")
Rows = dict[str, list[dict[str, Any]]]


# ---- programs ---------------------------------------------------------------------------


def source(segments: Iterable[tuple[str, str]]) -> str:
    return "".join(f"segment {name} where {condition}\n" for name, condition in segments)


LAWS = ("not", "and", "or", "ref")


def invariant_segments(names: list[str]) -> list[tuple[str, str]]:
    """For each segment X (Y the next one): not X, X and Y, X or Y, and `in segment X`."""
    extra: list[tuple[str, str]] = []
    for index, x in enumerate(names):
        y = names[(index + 1) % len(names)]
        extra += [(f"not_{x}", f"not in segment {x}"), (f"and_{x}", f"in segment {x} and in segment {y}"),
                  (f"or_{x}", f"in segment {x} or in segment {y}"), (f"ref_{x}", f"in segment {x}")]
    return extra


def invariant_violations(found: dict[str, set[Any]], names: list[str], everyone: set[Any]) -> list[str]:
    """The metamorphic laws on one engine's answers (those it ran); needs no oracle."""
    problems = []
    for x in names:
        if x not in found:
            continue
        members = found[x]
        negated = found.get(f"not_{x}")
        if negated is not None and (members & negated or members | negated != everyone):
            problems.append(f"|{x}| + |not {x}| = {len(members)} + {len(negated)} of {len(everyone)}, "
                            f"in both {sorted(members & negated)[:5]}, in neither "
                            f"{sorted(everyone - members - negated)[:5]}")
        both, either = found.get(f"and_{x}"), found.get(f"or_{x}")
        if both is not None and not both <= members:
            problems.append(f"{x} and Y ⊄ {x}: {sorted(both - members)[:5]}")
        if either is not None and not members <= either:
            problems.append(f"{x} or Y ⊅ {x}: {sorted(members - either)[:5]}")
        same = found.get(f"ref_{x}")
        if same is not None and same != members:
            problems.append(f"in segment {x} ≠ {x}: {sorted(same ^ members)[:5]}")
    return problems


def expressible(program: Program, dialect: dialects.Dialect) -> tuple[list[str], list[str]]:
    """(segments the dialect can express, segments it refuses); a refusal must be SEG140
    for a feature the dialect lists as unsupported. Checks the program's parsed files again
    (no second parse) with the dialect."""
    checker = Checker(program.schema, dialect)
    checker.check_traits()
    checker.check_files(program.files)
    assert not [d for d in checker.diagnostics if d.is_error], [d.message for d in checker.diagnostics]
    ok, refused = [], []
    for name in program.segments:
        problems = checker.dialect_diagnostics([name])
        if problems:
            assert {d.code for d in problems} == {"SEG140"}, [d.message for d in problems]
            assert dialect.unsupported, f"{dialect.name} refused {name} but supports everything"
            refused.append(name)
        else:
            ok.append(name)
    return ok, refused


def evaluator(program: Program, rows: Rows, customers: list[dict[str, Any]], as_of: dt.date,
              names: Iterable[str]) -> dict[str, set[Any]]:
    """What the reference evaluator says each named segment holds."""
    chosen = {name: program.segments[name] for name in names}
    return evaluate_segments(chosen, program.schema, Dataset(customers, rows), as_of)


def features_used(pred: ir.Pred) -> set[str]:
    """The dialect features (segdsl.dialects.FEATURES) a resolved segment uses."""
    used: set[str] = set()
    for node in ir.walk(pred):
        value = getattr(node, "value", None)
        if isinstance(value, ir.Aggregation):
            used.add("aggregates")
        if isinstance(node, ir.Percentile):
            used.add("percentile")
        elif isinstance(node, ir.TextMatch):
            used.add("text_match")
        elif isinstance(node, ir.RegexMatch):
            used.add("regex")
        elif isinstance(node, ir.ListHas):
            used.add("lists")
        elif isinstance(node, ir.IsNull):
            used.add("missing_lists" if value is not None and value.type.kind == "list" else "compare")
        elif isinstance(node, (ir.Compare, ir.InSet)):
            used.add("compare")
        elif isinstance(node, ir.TimeRange):
            used.add("compare")
            if any(b is not None and isinstance(b.point, ir.RelativeDay) for b in (node.low, node.high)):
                used.add("relative_time")
    return used


# ---- running on an engine -----------------------------------------------------------------


def _flag(value: Any, where: str) -> bool:
    if value is True or value is False:
        return value
    if isinstance(value, (int, Decimal)) and value in (0, 1):
        return bool(value)
    raise AssertionError(f"{where}: a membership flag must be TRUE or FALSE, got {value!r}")


def membership_sql(program: Program, names: list[str], dialect: dialects.Dialect, as_of: dt.date) -> str:
    builder = builder_for(program.schema, dialect, as_of)
    return render(builder.membership_query({n: program.segments[n].pred for n in names}), dialect, pretty=False)


def members_sql(program: Program, names: list[str], dialect: dialects.Dialect, as_of: dt.date) -> str:
    """SELECT i, key FROM (<the compile query of segment i>) UNION ALL … for every segment."""
    key = program.schema.key
    union: exp.Query | None = None
    for index, name in enumerate(names):
        query = builder_for(program.schema, dialect, as_of).members_query(program.segments[name].pred)
        part = (exp.select(exp.alias_(exp.Literal.number(index), "i", quoted=True),
                           exp.alias_(exp.column(key, table="q", quoted=True), "k", quoted=True))
                .from_(exp.alias_(exp.Subquery(this=query), "q", table=True, quoted=True)))
        union = part if union is None else exp.union(union, part, distinct=False, copy=False)
    assert union is not None
    return render(union, dialect, pretty=False)


def run_shape(engine: Any, shape: str, program: Program, names: list[str], as_of: dt.date,
              everyone: set[Any]) -> dict[str, set[Any]]:
    """Members of every segment in ``names`` on the engine, read from one query of ``shape``."""
    dialect = dialects.DIALECTS[engine.dialect]
    found: dict[str, set[Any]] = {name: set() for name in names}
    if shape == "membership":
        rows = engine.rows(membership_sql(program, names, dialect, as_of))
        keys = [row[0] for row in rows]
        assert len(keys) == len(set(keys)) and set(keys) == everyone, (
            f"{engine.name}: the membership query must return every entity once "
            f"({len(keys)} rows, {len(set(keys))} keys, {len(everyone)} entities)")
        for row in rows:
            for name, value in zip(names, row[1:], strict=True):
                if _flag(value, f"{engine.name} {name} key {row[0]}"):
                    found[name].add(row[0])
        return found
    for index, key in engine.rows(members_sql(program, names, dialect, as_of)):
        name = names[int(index)]
        assert key not in found[name], f"{engine.name}: key {key} returned twice for {name}"
        found[name].add(key)
    return found


@dataclass(frozen=True)
class Divergence:
    shape: str
    segment: str
    extra: tuple[Any, ...]
    missing: tuple[Any, ...]
    error: str = ""  # the engine failed on the segment instead of answering

    def __str__(self) -> str:
        if self.error:
            return f"{self.segment} ({self.shape} query): the engine failed: {self.error}"
        return f"{self.segment} ({self.shape} query): extra {list(self.extra)[:8]}, missing {list(self.missing)[:8]}"


def engine_failure(error: BaseException) -> str:
    """An engine's exception as one line (what a regression note keeps)."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"[:300]


def compare(shape: str, actual: dict[str, set[Any]], expected: dict[str, set[Any]]) -> list[Divergence]:
    return [Divergence(shape, name, tuple(sorted(actual[name] - expected[name], key=repr)),
                       tuple(sorted(expected[name] - actual[name], key=repr)))
            for name in actual if actual[name] != expected[name]]


# ---- regression cases -------------------------------------------------------------------


def encode(value: Any) -> Any:
    """A row value as JSON: dates, timestamps and decimals tagged so they come back exactly."""
    if isinstance(value, dt.datetime):
        return {"timestamp": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, list):
        return [encode(v) for v in value]
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        (kind, text), = value.items()
        return {"timestamp": dt.datetime.fromisoformat, "date": dt.date.fromisoformat,
                "decimal": Decimal}[kind](text)
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


@dataclass
class Regression:
    """A divergence kept as a fixed case: everything needed to run it again."""

    segments: list[tuple[str, str]]  # every definition the targets need, dependencies first
    targets: list[str]
    as_of: dt.date
    customers: list[dict[str, Any]]
    relations: Rows
    engines: list[str]  # where it diverged
    shapes: list[str]
    found_by: str
    note: str = ""
    expected: dict[str, list[Any]] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "note": self.note, "found_by": self.found_by, "engines": self.engines, "shapes": self.shapes,
            "targets": self.targets, "as_of": self.as_of.isoformat(),
            "segments": [f"segment {n} where {c}" for n, c in self.segments],
            "expected": self.expected,
            "customers": [{k: encode(v) for k, v in row.items()} for row in self.customers],
            "relations": {name: [{k: encode(v) for k, v in row.items()} for row in rows]
                          for name, rows in self.relations.items()},
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Regression:
        data = json.loads(text)
        segments = []
        for line in data["segments"]:
            match = re.fullmatch(r"segment (\w+) where (.*)", line, re.S)
            assert match, line
            segments.append((match.group(1), match.group(2)))
        return cls(segments, data["targets"], dt.date.fromisoformat(data["as_of"]),
                   [{k: decode(v) for k, v in row.items()} for row in data["customers"]],
                   {name: [{k: decode(v) for k, v in row.items()} for row in rows]
                    for name, rows in data["relations"].items()},
                   data["engines"], data["shapes"], data["found_by"], data.get("note", ""),
                   data.get("expected", {}))

    def key(self) -> str:
        """Names the case by what it runs (segments, date, rows), not by who found it."""
        data = json.loads(self.to_json())
        body = json.dumps([data[k] for k in ("segments", "targets", "as_of", "customers", "relations")],
                          ensure_ascii=False, sort_keys=True)
        return hashlib.sha1(body.encode()).hexdigest()[:12]


def needed(segments: list[tuple[str, str]], targets: list[str]) -> list[tuple[str, str]]:
    """The targets and every segment they use (``in segment``), in definition order."""
    definitions = dict(segments)
    wanted: set[str] = set()
    stack = list(targets)
    while stack:
        name = stack.pop()
        if name not in wanted:
            wanted.add(name)
            stack += re.findall(r"in segment (\w+)", definitions[name])
    return [(n, c) for n, c in segments if n in wanted]


def canonical(segments: list[tuple[str, str]], target: str) -> list[tuple[str, str]]:
    """The same definitions with batch-independent names (the target is ``x``, what it uses
    ``u1``, ``u2`` …), so the same divergence found in two batches is one file."""
    used = [n for n, _ in segments if n != target]
    names = {target: "x", **{n: f"u{i}" for i, n in enumerate(used, 1)}}
    rename = lambda condition: re.sub(r"in segment (\w+)", lambda m: f"in segment {names[m.group(1)]}", condition)  # noqa: E731
    return [(names[n], rename(c)) for n, c in segments]


def roots(divergences: list[Divergence], segments: list[tuple[str, str]]) -> list[Divergence]:
    """Divergences of segments that use no other diverging segment (the rest follow from them)."""
    wrong = {d.segment for d in divergences}
    return [d for d in divergences
            if not any(n in wrong for n, _ in needed(segments, [d.segment]) if n != d.segment)]


def record(case: Regression, folder: Path = REGRESSIONS) -> Path:
    """Write the case as JSON under tests/differential/regressions/ (merging the engines of
    an identical case found before) and return the path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{case.engines[0]}-{case.key()}.json"
    for existing in folder.glob(f"*-{case.key()}.json"):
        old = Regression.from_json(existing.read_text(encoding="utf-8"))
        case.engines = sorted(set(old.engines) | set(case.engines))
        case.shapes = sorted(set(old.shapes) | set(case.shapes))
        path = existing
    path.write_text(case.to_json(), encoding="utf-8")
    return path


def load_regressions(folder: Path = REGRESSIONS) -> list[tuple[str, Regression]]:
    return [(path.name, Regression.from_json(path.read_text(encoding="utf-8")))
            for path in sorted(folder.glob("*.json"))]


def subconditions(condition: str) -> list[str]:
    """The text of every sub-expression of a condition (parsed by segdsl), shortest first."""
    from segdsl.node import Node
    from segdsl.parser import parse_file

    prefix = "segment x where "
    parsed, problems = parse_file(prefix + condition, "shrink.seg")
    if problems or not parsed.segments:
        return []
    found: set[str] = set()
    stack: list[Any] = [parsed.segments[0].expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (tuple, list)):
            stack.extend(node)
        elif isinstance(node, Node):
            span = getattr(node, "span", None)
            if span is not None and span.end > span.start:
                found.add((prefix + condition)[span.start:span.end])
            stack.extend(getattr(node, name) for name in node._fields)
    found.discard(condition)
    return sorted(found, key=len)


def shrink_condition(condition: str, diverges: Callable[[str], bool | None], budget: int = 30) -> str:
    """A shorter condition that still diverges: repeatedly the shortest sub-expression that
    does (sub-expressions that are not conditions fail to check and are skipped)."""
    tries = 0
    improved = True
    while improved and tries < budget:
        improved = False
        for candidate in subconditions(condition):
            if tries >= budget:
                break
            verdict = diverges(candidate)
            if verdict is None:
                continue  # not a condition on its own (a value, a window …): costs nothing
            tries += 1
            if verdict:
                condition, improved = candidate, True
                break
    return condition


def shrink(diverges: Callable[[list[dict[str, Any]], Rows], bool], customers: list[dict[str, Any]],
           relations: Rows, key: str, budget: int = 40) -> tuple[list[dict[str, Any]], Rows]:
    """Fewer rows that still diverge (greedy, at most ``budget`` engine runs): whole relations
    first, then halves, quarters … of the customers (with their rows), then of each
    relation's remaining rows."""
    tries = [0]

    def attempt(people: list[dict[str, Any]], rows: Rows) -> bool:
        tries[0] += 1
        return diverges(people, rows)

    for name in list(relations):
        if relations[name] and tries[0] < budget and attempt(customers, {**relations, name: []}):
            relations = {**relations, name: []}

    everyone = {c[key] for c in customers}  # rows of nobody (a NULL or unknown key) stay

    def without_customers(kept: list[dict[str, Any]]) -> bool:
        keys = {c[key] for c in kept}
        rows = {n: [r for r in rs if r.get(key) in keys or r.get(key) not in everyone] for n, rs in relations.items()}
        return bool(kept) and attempt(kept, rows)

    customers = _fewer(customers, without_customers, lambda: tries[0] < budget)
    kept_keys = {c[key] for c in customers}
    relations = {n: [r for r in rs if r.get(key) in kept_keys or r.get(key) not in everyone]
                 for n, rs in relations.items()}
    for name in list(relations):
        relations[name] = _fewer(relations[name], lambda rows, n=name: attempt(customers, {**relations, n: rows}),
                                 lambda: tries[0] < budget, allow_empty=True)
    return customers, relations


def _fewer(items: list[Any], still: Callable[[list[Any]], bool], more: Callable[[], bool],
           allow_empty: bool = False) -> list[Any]:
    """Drop chunks of ``items`` (halves, then quarters …) while ``still`` holds without them."""
    chunk = max(1, len(items) // 2)
    while items and more():
        start, removed = 0, False
        while start < len(items) and more():
            fewer = items[:start] + items[start + chunk:]
            if (fewer or allow_empty) and still(fewer):
                items, removed = fewer, True
            else:
                start += chunk
        if chunk == 1 and not removed:
            break
        chunk = max(1, chunk // 2)
    return items
