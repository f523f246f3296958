"""Segment tests: a few rows and the members each segment must have, run on DuckDB.

A test file is YAML named ``*.test.yml`` (or ``*.test.yaml``), usually beside the segments
it tests (``churn.test.yml`` next to ``churn.seg``)::

    description: Churn on a handful of customers      # optional
    as_of: 2026-06-30       # the reference date; needed when a tested segment uses
                            # relative time (in last …, … ago, today)
    customers:              # the entity rows: the schema's table name, or `entities`
      - {customer_id: 1, age: 30, region: UK, last_seen_at: 2026-06-01T10:00:00}
      - {customer_id: 2}    # a field left out is missing (NULL)
    orders:                 # related rows, under the relation's name (or its table's)
      - {customer_id: 1, amount: 120, status: paid, created_at: 2026-06-01T10:00:00}
    expect:                 # by segment name: exactly these members …
      churn_risk: [2]
      dormant: []
      high_value: {in: [1], out: [2]}   # … or just some keys that must be in / out

Rows use the names segment authors write (``full_name``) or the physical column names,
plus the key column(s). Values follow the schema's types: numbers, text, true/false, dates
(``2026-06-01``), timestamps (``2026-06-01T10:00:00``, no time zone), lists (``[a, b]``);
``null`` or a left-out field is missing. Text and enum values are taken as written
(``region: NO`` is the text NO, not YAML's false). Enum values need not be declared:
data may hold anything.

Each expected segment is compiled for DuckDB with ``as_of`` and run on an in-memory
database holding exactly these rows (column types from the schema). When the members
differ, every top-level condition of the segment is run on its own, so a failure can say
which condition kept an entity out (or let it in). Mistakes in a test file are SEG410
diagnostics pointing at the YAML line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from segdsl import ir
from segdsl import syntax as s
from segdsl.datatypes import DataType
from segdsl.diagnostics import Diagnostic, Source, did_you_mean, make
from segdsl.limits import fits_64_bits, reference_date
from segdsl.node import Node, fields, replace
from segdsl.project import Program
from segdsl.schema import Field, Schema

try:  # the C loader is much faster and is there on nearly every install
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

TEST_SUFFIXES = (".test.yml", ".test.yaml")
Key = int | str


# ---- what a test file says -------------------------------------------------------------------


@dataclass(frozen=True)
class Expectation:
    segment: str
    members: frozenset[Key] | None  # exactly these (None: only the in/out lists below)
    inside: frozenset[Key]
    outside: frozenset[Key]
    line: int


@dataclass
class SegmentTest:
    path: str
    as_of: dt.date | None
    entities: list[dict[str, Any]]  # by physical column
    relations: dict[str, list[dict[str, Any]]]  # relation name → rows by physical column
    expectations: list[Expectation]
    key_is_text: bool = False


# ---- what running it found ---------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One top-level condition of a segment and whether it held for an entity."""

    text: str
    location: str  # path:line
    held: bool
    detail: str = ""  # e.g. "age is 45"


@dataclass(frozen=True)
class Miss:
    key: Key
    expected_in: bool
    joiner: str  # "and", "or" or "" (a single condition)
    parts: tuple[Part, ...]

    @property
    def deciding(self) -> tuple[Part, ...]:
        """The conditions that made the (wrong) outcome: true ones if in, false ones if out."""
        return tuple(p for p in self.parts if p.held != self.expected_in)


@dataclass(frozen=True)
class Outcome:
    path: str
    segment: str
    line: int
    misses: tuple[Miss, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.misses


# ---- finding tests ------------------------------------------------------------------------------


def is_test_file(path: str) -> bool:
    return path.endswith(TEST_SUFFIXES)


def find_tests(paths: list[str]) -> tuple[list[str], list[str], list[Diagnostic]]:
    """Test files, the segment paths to load with them, and problems with the paths.

    A folder gives every test file under it and its segments; a test file gives itself and
    the segments of its folder; a .seg file gives itself and ``NAME.test.yml`` beside it.
    """
    tests: list[str] = []
    segments: list[str] = []
    problems: list[Diagnostic] = []
    for raw in paths:
        path = str(Path(raw))
        candidate = Path(path)
        if candidate.is_dir():
            tests.extend(sorted(str(p) for suffix in TEST_SUFFIXES for p in candidate.rglob(f"*{suffix}")
                                if p.is_file()))
            segments.append(path)
        elif candidate.is_file() and is_test_file(path):
            tests.append(path)
            segments.append(str(candidate.parent))
        elif candidate.is_file() and path.endswith(".seg"):
            segments.append(path)
            stem = path[: -len(".seg")]
            tests.extend(p for p in (stem + suffix for suffix in TEST_SUFFIXES) if Path(p).is_file())
        elif candidate.exists():
            problems.append(make("SEG003", f"{path} is neither a folder, a .seg file nor a *.test.yml file",
                                 Source(path, ""), s.Span.point()))
        else:
            problems.append(make("SEG003", f"no such file or folder: {path}", Source(path, ""), s.Span.point(),
                                 "check the path, or pass a folder with .seg and .test.yml files"))
    return list(dict.fromkeys(tests)), list(dict.fromkeys(segments)), problems


# ---- reading a test file ----------------------------------------------------------------------------


def _span(node: yaml.Node) -> s.Span:
    start, end = node.start_mark, node.end_mark
    if end.line != start.line:
        end = start
        width = 1 if not isinstance(node, yaml.ScalarNode) else max(1, len(str(node.value)))
        return s.Span(start.index, start.index + width, start.line + 1, start.column + 1, start.line + 1,
                      start.column + 1 + width)
    return s.Span(start.index, end.index, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


class _Reader:
    """YAML node graph → SegmentTest, collecting every mistake with its line."""

    def __init__(self, path: str, text: str, schema: Schema, program: Program) -> None:
        self.source = Source(path, text)
        self.schema = schema
        self.program = program
        self.diagnostics: list[Diagnostic] = []
        self.constructor = yaml.constructor.SafeConstructor()
        self.keys: list[tuple[Any, yaml.Node]] = []  # every key value seen, to type them at the end
        self.entity_keys: list[tuple[Any, yaml.Node]] = []  # the entity rows' keys

    def error(self, message: str, node: yaml.Node | None, hint: str | None = None) -> None:
        span = _span(node) if node is not None else s.Span.point()
        self.diagnostics.append(make("SEG410", message, self.source, span, hint))

    def scalar(self, node: yaml.ScalarNode) -> Any:
        """The YAML value (int, date, None …); the text as written when YAML cannot make one."""
        try:
            return self.constructor.construct_object(node)
        except (ValueError, ArithmeticError, yaml.YAMLError):
            return str(node.value)

    def pairs(self, node: yaml.MappingNode, what: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
        out: list[tuple[str, yaml.Node, yaml.Node]] = []
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(f"keys in {what} must be plain names", key_node)
                continue
            key = str(key_node.value)
            if key in seen:
                self.error(f"'{key}' appears twice in {what}", key_node)
                continue
            seen.add(key)
            out.append((key, key_node, value_node))
        return out

    # -- the document ------------------------------------------------------------------------

    def read(self) -> SegmentTest | None:
        try:
            root = yaml.compose(self.source.text, Loader=_Loader)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            span = s.Span.point() if mark is None else s.Span(mark.index, mark.index + 1, mark.line + 1,
                                                                mark.column + 1, mark.line + 1, mark.column + 2)
            problem = getattr(error, "problem", None) or "invalid YAML"
            self.diagnostics.append(make("SEG410", f"this test file is not valid YAML: {problem}", self.source,
                                         span))
            return None
        if not isinstance(root, yaml.MappingNode):
            self.error("a test file is a mapping with the rows and 'expect'", root,
                       f"for example:  {{as_of: 2026-06-30, {self.schema.table}: [...], expect: {{...}}}}")
            return None
        entity_keys = {"entities", self.schema.table}
        relation_keys = {name: name for name in self.schema.relations}
        for name, relation in self.schema.relations.items():
            relation_keys.setdefault(relation.table, name)
        allowed = ["as_of", "description", "expect", *sorted(entity_keys), *sorted(relation_keys)]
        as_of: dt.date | None = None
        as_of_given = False  # a wrong as_of is one mistake, not also a missing one
        entities: list[dict[str, Any]] | None = None
        relations: dict[str, list[dict[str, Any]]] = {name: [] for name in self.schema.relations}
        given: set[str] = set()
        expect_node: yaml.Node | None = None
        expect_key: yaml.Node | None = None
        for key, key_node, value in self.pairs(root, "the test file"):
            if key == "as_of":
                as_of = self.date(value)
                as_of_given = True
            elif key == "description":
                continue
            elif key == "expect":
                expect_node, expect_key = value, key_node
            elif key in entity_keys:
                if entities is not None:
                    self.error("the entity rows are given twice", key_node)
                    continue
                entities = self.rows(value, self.schema.key, self.schema.fields, key, entity=True)
            elif key in relation_keys:
                relation = self.schema.relations[relation_keys[key]]
                if relation.name in given:
                    self.error(f"rows for '{relation.name}' are given twice", key_node)
                    continue
                given.add(relation.name)
                relations[relation.name] = self.rows(value, relation.key, relation.fields, key, entity=False)
            else:
                suggestion = did_you_mean(key, allowed)
                hint = f"did you mean '{suggestion}'?" if suggestion else f"allowed keys: {', '.join(allowed)}"
                self.error(f"unknown key '{key}' in the test file", key_node, hint)
        if entities is None:
            self.error(f"the test file gives no entity rows; add '{self.schema.table}:' with a list of rows",
                       root)
            entities = []
        key_is_text = any(isinstance(k, str) for k, _ in self.keys)
        keys_given: set[Key] = set()
        for raw, node in self.entity_keys:
            entity_key = _key(raw, key_is_text)
            if entity_key in keys_given:
                self.error(f"two {self.schema.table} rows have {self.schema.key} {entity_key}", node,
                           "each entity is one row; give related rows under the relation's name")
            keys_given.add(entity_key)
        expectations = self.expectations(expect_node, expect_key or root, keys_given, key_is_text,
                                         as_of, as_of_given)
        if self.diagnostics:
            return None
        for row in entities:
            row[self.schema.key] = _key(row[self.schema.key], key_is_text)
        for name, rows in relations.items():
            key_column = self.schema.relations[name].key
            for row in rows:
                if row.get(key_column) is not None:
                    row[key_column] = _key(row[key_column], key_is_text)
        return SegmentTest(self.source.path, as_of, entities, relations, expectations, key_is_text)

    def date(self, node: yaml.Node) -> dt.date | None:
        value = self.scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            try:
                return reference_date(value)  # within the calendar limits, as --as-of
            except ValueError as error:
                self.error(str(error), node)
                return None
        self.error("as_of must be a date such as 2026-06-30", node)
        return None

    # -- rows --------------------------------------------------------------------------------

    def rows(self, node: yaml.Node, key: str, fields: Any, what: str, entity: bool) -> list[dict[str, Any]]:
        if isinstance(node, yaml.ScalarNode) and self.scalar(node) is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(f"'{what}' must be a list of rows", node,
                       f"for example:  {what}:\n  - {{{key}: 1}}")
            return []
        by_name: dict[str, Field] = {}
        for f in fields.values():
            by_name.setdefault(f.name, f)
        for f in fields.values():
            by_name.setdefault(f.column, f)
        out = []
        for index, row_node in enumerate(node.value, 1):
            if not isinstance(row_node, yaml.MappingNode):
                self.error(f"{what} row {index} must be a mapping such as {{{key}: 1, …}}", row_node)
                continue
            row: dict[str, Any] = {}
            key_seen = False
            for name, name_node, value_node in self.pairs(row_node, f"{what} row {index}"):
                if name == key:
                    key_seen = True
                    row[key] = self.key(value_node, required=entity)
                    if entity and row[key] is not None:
                        self.entity_keys.append((row[key], value_node))
                    continue
                target = by_name.get(name)
                if target is None:
                    suggestion = did_you_mean(name, [key, *(f.name for f in fields.values())])
                    hint = f"did you mean '{suggestion}'?" if suggestion else (
                        f"columns: {', '.join([key, *(f.name for f in fields.values())])}")
                    self.error(f"{what} has no column '{name}'", name_node, hint)
                    continue
                if target.column in row:
                    self.error(f"'{name}' is given twice in {what} row {index}", name_node)
                    continue
                row[target.column] = self.value(value_node, target)
            if entity and not key_seen:
                self.error(f"{what} row {index} needs its key '{key}'", row_node)
            out.append(row)
        return out

    def key(self, node: yaml.Node, required: bool) -> Any:
        value = self.scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if value is None and not required and isinstance(node, yaml.ScalarNode):
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            self.error("a key must be a whole number or a text", node)
            return None
        if isinstance(value, int) and not fits_64_bits(value):
            self.error("a whole-number key must fit in 64 bits (up to 9223372036854775807)", node)
            return None
        self.keys.append((value, node))
        return value

    def value(self, node: yaml.Node, target: Field) -> Any:
        value, problem = self.coerce(node, target.type)
        if problem is not None:
            self.error(f"'{target.name}' is {_a(target.type)}; {problem}", node)
        return value

    def coerce(self, node: yaml.Node, data_type: DataType) -> tuple[Any, str | None]:
        kind = data_type.kind
        if kind == "list":
            if isinstance(node, yaml.ScalarNode) and self.scalar(node) is None:
                return None, None
            if not isinstance(node, yaml.SequenceNode) or data_type.element is None:
                return None, "write a list such as [a, b]"
            items = [self.coerce(item, data_type.element) for item in node.value]
            problem = next((p for _, p in items if p is not None), None)
            return [v for v, _ in items], problem
        if not isinstance(node, yaml.ScalarNode):
            return None, "write a single value here"
        value = self.scalar(node)
        if value is None:
            return None, None
        if kind in ("string", "enum"):
            return str(node.value), None
        if kind == "bool":
            return (value, None) if isinstance(value, bool) else (None, f"write true or false, not {node.value}")
        if kind in ("int", "decimal") and (isinstance(value, bool) or not isinstance(value, (int, float))):
            return None, f"write a number, not {node.value!r}"
        if kind == "int":
            if not isinstance(value, int):
                return None, f"write a whole number, not {node.value}"
            return (value, None) if fits_64_bits(value) else (
                None, "write a whole number that fits in 64 bits (up to 9223372036854775807)")
        if kind == "decimal":
            try:
                number = Decimal(str(node.value).replace("_", ""))
            except InvalidOperation:
                number = Decimal(repr(value))
            if not number.is_finite():
                return None, "write a finite number"
            # the test database's column is DECIMAL(38, 10): 28 digits before the point
            return (number, None) if abs(number) < _DECIMAL_LIMIT else (
                None, "write a number with at most 28 digits before the point")
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = (dt.datetime.fromisoformat(value) if kind == "timestamp"
                         else dt.date.fromisoformat(value))
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return None, "timestamps have no time zone here; write it as stored, e.g. 2026-06-01T10:00:00"
        if kind == "date":
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                return value, None
            return None, f"write a date such as 2026-06-01, not {node.value}"
        if isinstance(value, dt.datetime):
            return value, None
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time()), None
        return None, f"write a timestamp such as 2026-06-01T10:00:00, not {node.value}"

    # -- expectations ------------------------------------------------------------------------

    def expectations(self, node: yaml.Node | None, where: yaml.Node, known: set[Key], key_is_text: bool,
                     as_of: dt.date | None, as_of_given: bool) -> list[Expectation]:
        if node is None:
            self.error("the test file has no 'expect'", where,
                       "add  expect: {SEGMENT: [keys of the members]}")
            return []
        if not isinstance(node, yaml.MappingNode) or not node.value:
            self.error("'expect' must map segment names to their members", node,
                       "for example:  expect: {uk_frequent: [1, 3], churn_risk: []}")
            return []
        out = []
        for name, name_node, value in self.pairs(node, "expect"):
            segment = self.program.segments.get(name)
            if segment is None:
                suggestion = did_you_mean(name, list(self.program.segments))
                hint = f"did you mean '{suggestion}'?" if suggestion else (
                    "segments come from the .seg files given and those in the test file's folder")
                self.error(f"no segment named '{name}'", name_node, hint)
                continue
            if as_of is None and not as_of_given and _uses_relative_time(segment.pred):
                self.error(f"segment '{name}' uses relative time (in last …, … ago, today); "
                           "give the test a reference date", name_node, "add  as_of: 2026-06-30")
            members: frozenset[Key] | None = None
            inside: frozenset[Key] = frozenset()
            outside: frozenset[Key] = frozenset()
            if isinstance(value, yaml.MappingNode):
                for part, part_node, keys_node in self.pairs(value, f"expect: {name}"):
                    if part not in ("in", "out"):
                        self.error(f"expected 'in' or 'out' here, not '{part}'", part_node,
                                   f"for example:  {name}: {{in: [1], out: [2]}}")
                        continue
                    keys = self.key_list(keys_node, known, key_is_text)
                    if part == "in":
                        inside = keys
                    else:
                        outside = keys
                if inside & outside:
                    self.error(f"{', '.join(map(str, sorted(inside & outside, key=str)))} is both in and out",
                               value)
            else:
                members = self.key_list(value, known, key_is_text)
            out.append(Expectation(name, members, inside, outside, name_node.start_mark.line + 1))
        return out

    def key_list(self, node: yaml.Node, known: set[Key], key_is_text: bool) -> frozenset[Key]:
        if isinstance(node, yaml.ScalarNode) and self.scalar(node) is None:
            return frozenset()
        if not isinstance(node, yaml.SequenceNode):
            self.error("write the members as a list of keys, e.g. [1, 3] or []", node)
            return frozenset()
        keys = set()
        for item in node.value:
            raw = self.key(item, required=True)
            if raw is None:
                continue
            key = _key(raw, key_is_text)
            if key not in known:
                self.error(f"{self.schema.entity} {key} is not among the {self.schema.table} rows of this test",
                           item)
            keys.add(key)
        return frozenset(keys)


def _key(value: Any, as_text: bool) -> Key:
    if as_text:
        return str(value)
    return value if isinstance(value, (int, str)) else str(value)


def _a(data_type: DataType) -> str:
    text = str(data_type)
    return f"{'an' if text[0] in 'aeiou' else 'a'} {text}"


def _uses_relative_time(pred: ir.Pred) -> bool:
    for node in ir.walk(pred):
        if isinstance(node, ir.TimeRange):
            for bound in (node.low, node.high):
                if bound is not None and isinstance(bound.point, ir.RelativeDay):
                    return True
    return False


def read_test(path: str, schema: Schema, program: Program) -> tuple[SegmentTest | None, list[Diagnostic]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "not UTF-8 text"
        return None, [make("SEG003", f"cannot read {path}: {reason}", Source(path, ""), s.Span.point())]
    reader = _Reader(path, text, schema, program)
    test = reader.read()
    return test, reader.diagnostics


# ---- running on DuckDB ------------------------------------------------------------------------------

_DECIMAL_LIMIT = Decimal(10) ** 28
_SQL_TYPES = {"int": "BIGINT", "decimal": "DECIMAL(38, 10)", "string": "VARCHAR", "enum": "VARCHAR",
              "bool": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP"}


def _sql_type(data_type: DataType) -> str:
    if data_type.kind == "list" and data_type.element is not None:
        return _sql_type(data_type.element) + "[]"
    return _SQL_TYPES[data_type.kind]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class _Database:
    """An in-memory DuckDB holding one test's rows, with a schema pointing at its tables."""

    connection: Any
    schema: Schema
    rows: dict[Key, dict[str, Any]] = field(default_factory=dict)


def _load(test: SegmentTest, schema: Schema) -> _Database:
    import duckdb

    connection = duckdb.connect(":memory:")
    connection.execute("SET TimeZone = 'UTC'")
    key_type = "VARCHAR" if test.key_is_text else "BIGINT"
    relations = {name: replace(relation, table=f"segdsl_test_rel{index}")
                 for index, (name, relation) in enumerate(schema.relations.items(), 1)}
    local = replace(schema, table="segdsl_test_entities", relations=relations)
    _create(connection, local.table, local.key, key_type, list(schema.fields.values()), test.entities)
    for name, relation in relations.items():
        _create(connection, relation.table, relation.key, key_type, list(relation.fields.values()),
                test.relations.get(name, []))
    return _Database(connection, local, {row[schema.key]: row for row in test.entities})


def _create(connection: Any, table: str, key: str, key_type: str, fields: list[Field],
            rows: list[dict[str, Any]]) -> None:
    columns = [(key, key_type)] + [(f.column, _sql_type(f.type)) for f in fields if f.column != key]
    connection.execute(f"CREATE TABLE {_quote(table)} ("
                       + ", ".join(f"{_quote(c)} {t}" for c, t in columns) + ")")
    if rows:
        marks = ", ".join("?" for _ in columns)
        connection.executemany(f"INSERT INTO {_quote(table)} VALUES ({marks})",
                               [[row.get(c) for c, _ in columns] for row in rows])


def _retarget(node: Any, tables: dict[str, str]) -> Any:
    """The same IR with each relation reading the test's own table."""
    if isinstance(node, ir.RelationRef):
        return replace(node, table=tables[node.name]) if node.name in tables else node
    if isinstance(node, tuple):
        return tuple(_retarget(item, tables) for item in node)
    if isinstance(node, Node) and not isinstance(node, DataType):
        return replace(node, **{name: _retarget(getattr(node, name), tables) for name in fields(node)})
    return node


def _members(database: _Database, segment: ir.Segment, as_of: dt.date | None) -> set[Key]:
    from segdsl.compiler import segment_sql

    tables = {name: relation.table for name, relation in database.schema.relations.items()}
    local = replace(segment, pred=_retarget(segment.pred, tables))
    sql = segment_sql(local, database.schema, "duckdb", as_of)
    return {row[0] for row in database.connection.execute(sql).fetchall()}


def run_test(test: SegmentTest, program: Program) -> list[Outcome]:
    """Run every expectation of one test file."""
    database = _load(test, program.schema)
    try:
        outcomes = []
        for expectation in test.expectations:
            segment = program.segments[expectation.segment]
            members = _members(database, segment, test.as_of)
            if expectation.members is not None:
                wrongly_in = members - expectation.members
                wrongly_out = expectation.members - members
            else:
                wrongly_in = members & expectation.outside
                wrongly_out = expectation.inside - members
            misses: list[Miss] = []
            if wrongly_in or wrongly_out:
                misses = _explain(database, program, segment, test.as_of, wrongly_in, wrongly_out)
            outcomes.append(Outcome(test.path, expectation.segment, expectation.line, tuple(misses)))
        return outcomes
    finally:
        database.connection.close()


def _explain(database: _Database, program: Program, segment: ir.Segment, as_of: dt.date | None,
             wrongly_in: set[Key] | frozenset[Key], wrongly_out: set[Key] | frozenset[Key]) -> list[Miss]:
    from segdsl.lint import top_level_parts

    node, source = _segment_node(program, segment)
    joiner = ""
    pairs: list[tuple[s.Expr | None, ir.Pred]] = [(None, segment.pred)]
    if node is not None:
        joiner, found = top_level_parts(node.expr, segment.pred)
        pairs = list(found)
    held: list[set[Key]] = []
    for index, (_, pred) in enumerate(pairs):
        part = ir.Segment(f"{segment.name}__part{index}", None, pred, segment.path, segment.line)
        held.append(_members(database, part, as_of))
    misses = []
    for key in sorted(wrongly_in | wrongly_out, key=lambda k: (str(type(k)), k)):
        parts = []
        for (part_node, _), members in zip(pairs, held, strict=True):
            text, location = _describe(part_node, source, segment)
            detail = _detail(part_node, database.rows.get(key, {}), program.schema)
            parts.append(Part(text, location, key in members, detail))
        misses.append(Miss(key, key in wrongly_out, joiner, tuple(parts)))
    return misses


def _segment_node(program: Program, segment: ir.Segment) -> tuple[s.Segment | None, Source | None]:
    for file in program.files:
        if file.path == segment.path:
            for node in file.segments:
                if node.name.text == segment.name:
                    return node, Source(file.path, file.source)
    return None, None  # pragma: no cover


def _describe(node: s.Expr | None, source: Source | None, segment: ir.Segment) -> tuple[str, str]:
    if node is None or source is None:  # pragma: no cover
        return "the whole condition", f"{segment.path}:{segment.line}"
    text = " ".join(source.text[node.span.start:node.span.end].split())
    return text, f"{source.path}:{node.span.line}"


def _detail(node: s.Expr | None, row: dict[str, Any], schema: Schema) -> str:
    """The entity's own values a simple condition looked at, e.g. 'age is 45'."""
    operand = getattr(node, "operand", None)
    if not isinstance(operand, s.FieldRef):
        return ""
    field_ = schema.fields.get(operand.name.text)
    if field_ is None:
        return ""
    value = row.get(field_.column)
    return f"{field_.name} is {'missing' if value is None else _show(value)}"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds") if value.microsecond == 0 else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value.normalize())
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def display_key(key: Key) -> str:
    return str(key) if isinstance(key, int) or re.fullmatch(r"[\w.-]+", key) else repr(key)
