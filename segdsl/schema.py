"""The schema: what an entity is, its fields, related tables and traits.

Loaded from YAML (or a mapping) into frozen records (:mod:`segdsl.node`). YAML is read as a node graph so
every mistake can point at its line and column in the schema file. Trait definitions are
kept as text here; the checker parses and types them like any other expression.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import yaml

from segdsl.datatypes import TYPE_NAMES, DataType, parse_type_name
from segdsl.diagnostics import Diagnostic, SegdslError, Source, did_you_mean, make
from segdsl.node import Node
from segdsl.syntax import Span

_NOWHERE = Span.point()

try:  # the C loader is ~5x faster and is there on nearly every install
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class Field(Node):
    name: str  # what segment authors write
    type: DataType
    column: str  # physical column, always quoted in SQL
    description: str | None = None
    span: Span = _NOWHERE


class Relation(Node):
    """A table with many rows per entity (orders, events)."""

    name: str
    table: str
    key: str  # column in this table pointing at the entity key
    time: str | None  # field name of the default time column for windows
    fields: Mapping[str, Field]
    description: str | None = None
    span: Span = _NOWHERE


class Trait(Node):
    name: str
    source: str  # an expression in the segment language
    span: Span  # where the expression starts in the schema file
    description: str | None = None


class Schema(Node):
    entity: str
    table: str
    key: str
    fields: Mapping[str, Field]
    relations: Mapping[str, Relation]
    traits: Mapping[str, Trait]
    path: str = "<schema>"
    text: str = ""

    @property
    def source(self) -> Source:
        return Source(self.path, self.text)

    @property
    def shown_source(self) -> Source:
        """The schema as warnings name it: relative to the current folder when inside it, as
        GitHub annotations need."""
        path = self.path
        if os.path.isabs(path):
            relative = os.path.relpath(path)
            if not relative.startswith(".."):
                path = relative
        return Source(path, self.text)


def load_schema(spec: str | os.PathLike[str] | Mapping[str, Any]) -> Schema:
    """Load a schema from a YAML file path or a mapping; raise SegdslError on any mistake in
    it. Trait conditions are checked with the segments (``check``, ``compile`` and every
    command report a broken trait, used or not), so a schema can be loaded to fix them.

    Anything else (None, a number) is a TypeError naming the argument.
    """
    if not isinstance(spec, (str, os.PathLike, Mapping)):
        raise TypeError(f"load_schema() needs the path of a schema file or a mapping, not "
                        f"{type(spec).__name__}")
    schema, diagnostics = read_schema(spec)
    if schema is None or diagnostics:
        raise SegdslError(diagnostics)
    return schema


def read_schema(
    spec: str | os.PathLike[str] | Mapping[str, Any],
) -> tuple[Schema | None, list[Diagnostic]]:
    if isinstance(spec, Mapping):
        text = yaml.safe_dump(dict(spec), sort_keys=False)
        return _Reader(Source("<schema>", text)).read(yaml.compose(text, Loader=_Loader))
    path = os.fspath(spec)
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return None, [make("SEG201", f"cannot read the schema file: {reason}",
                           Source(path, ""), Span.point(),
                           "pass --schema FILE, or put schema.yml next to your segments")]
    text = text[1:] if text.startswith("\ufeff") else text  # a byte-order mark some editors save
    source = Source(path, text)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        span = _mark_span(mark) if mark is not None else Span.point()
        problem = getattr(error, "problem", None) or "invalid YAML"
        return None, [make("SEG201", f"the schema is not valid YAML: {problem}", source, span)]
    return _Reader(source).read(node)


def _mark_span(mark: Any, length: int = 1) -> Span:
    return Span(mark.index, mark.index + length, mark.line + 1, mark.column + 1,
                mark.line + 1, mark.column + 1 + length)


def _span(node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark
    if end.line != start.line:
        return _mark_span(start, max(1, len(str(getattr(node, "value", ""))) if isinstance(node, yaml.ScalarNode) else 1))
    return Span(start.index, end.index, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


_TYPE_ALIASES = {
    "integer": "int", "bigint": "int", "smallint": "int", "long": "int",
    "float": "decimal", "double": "decimal", "numeric": "decimal", "number": "decimal",
    "boolean": "bool", "text": "string", "varchar": "string", "str": "string",
    "datetime": "timestamp", "time": "timestamp", "array": "list<string>",
}
_TEXT_TAG = "tag:yaml.org,2002:str"
_YAML_KINDS = {"int": "a number", "float": "a number", "bool": "a yes/no value", "null": "null",
               "timestamp": "a date"}
_TOP_KEYS = ("entity", "table", "key", "fields", "relations", "traits", "description")
_FIELD_KEYS = ("type", "values", "column", "description", "of")
_RELATION_KEYS = ("table", "key", "time", "fields", "description")
_TRAIT_KEYS = ("expr", "description")


class _Reader:
    """Walks the YAML node graph, collecting every mistake instead of stopping at the first."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    def error(self, code: str, message: str, node: yaml.Node | None, hint: str | None = None) -> None:
        span = _span(node) if node is not None else Span.point()
        self.diagnostics.append(make(code, message, self.source, span, hint))

    def read(self, root: yaml.Node | None) -> tuple[Schema | None, list[Diagnostic]]:
        if not isinstance(root, yaml.MappingNode):
            self.error("SEG202", "the schema must be a mapping with entity, table, key and fields",
                       root)
            return None, self.diagnostics
        top = self.mapping(root, _TOP_KEYS, "schema")
        table = self.scalar(top, "table", root, "the schema", required=True)
        key = self.scalar(top, "key", root, "the schema", required=True)
        entity = self.scalar(top, "entity", root, "the schema") or "entity"
        fields = self.fields(top.get("fields"), root, required=True, where="schema")
        relations = self.relations(top.get("relations"))
        traits = self.traits(top.get("traits"), fields)
        if self.diagnostics:
            return None, self.diagnostics
        schema = Schema(entity, table or "", key or "", fields, relations, traits,
                        self.source.path, self.source.text)
        return schema, []

    # -- shapes --------------------------------------------------------------------

    def mapping(self, node: yaml.MappingNode, allowed: tuple[str, ...], what: str) -> dict[str, yaml.Node]:
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key not in allowed:
                suggestion = did_you_mean(key, allowed)
                hint = f"did you mean '{suggestion}'?" if suggestion else f"allowed keys: {', '.join(allowed)}"
                self.error("SEG202", f"unknown key '{key}' in {what}", key_node, hint)
                continue
            result[key] = value_node
        return result

    def scalar(self, parts: dict[str, yaml.Node], key: str, parent: yaml.Node, where: str,
               required: bool = False) -> str | None:
        """A name (table, key, column…) in ``where`` ("the schema", "relation 'orders'")."""
        node = parts.get(key)
        if node is None:
            if required:
                self.error("SEG202", f"{where} needs '{key}'", parent,
                           f"add  {key}: NAME  to {where}")
            return None
        if not isinstance(node, yaml.ScalarNode) or node.value in ("", None):
            self.error("SEG202", f"'{key}' of {where} must be a name", node)
            return None
        return self.text(node, f"'{key}' of {where}")

    def text(self, node: yaml.ScalarNode, what: str) -> str | None:
        """The scalar's text, only if YAML reads it as text (``key: 5`` is a number, not a name)."""
        if node.tag != _TEXT_TAG:
            kind = _YAML_KINDS.get(node.tag.rsplit(":", 1)[-1], "something else")
            self.error("SEG202", f"{what} must be text, but YAML reads {node.value} as {kind}", node,
                       f"put it in quotes: '{node.value}'")
            return None
        return str(node.value)

    def fields(self, node: yaml.Node | None, parent: yaml.Node, required: bool,
               where: str) -> dict[str, Field]:
        if node is None:
            if required:
                self.error("SEG202", f"the {where} needs 'fields'", parent)
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.error("SEG202", "'fields' must map field names to types", node,
                       "for example:  fields: {age: int, region: string}")
            return {}
        fields: dict[str, Field] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            if name in fields:
                self.error("SEG204", f"field '{name}' is declared twice", key_node)
                continue
            field = self.field(name, key_node, value_node)
            if field is not None:
                fields[name] = field
        return fields

    def field(self, name: str, key_node: yaml.Node, node: yaml.Node) -> Field | None:
        if isinstance(node, yaml.ScalarNode):
            return self.simple_field(name, key_node, node)
        if not isinstance(node, yaml.MappingNode):
            self.error("SEG202", f"field '{name}' must be a type name or a mapping", node)
            return None
        parts = self.mapping(node, _FIELD_KEYS, f"field '{name}'")
        type_node = parts.get("type")
        if not isinstance(type_node, yaml.ScalarNode):
            self.error("SEG202", f"field '{name}' needs a 'type'", node)
            return None
        column_node = parts.get("column")
        column = self.optional_text(column_node) or name
        if isinstance(column_node, yaml.ScalarNode) and self.text(column_node, f"the column of field '{name}'") is None:
            return None
        description = self.optional_text(parts.get("description"))
        type_name = str(type_node.value)
        if type_name == "enum":
            values = self.enum_values(name, parts.get("values"), node)
            data_type: DataType | None = DataType("enum", values=values) if values else None
        else:
            data_type = self.type_of(type_name, type_node)
        if data_type is None:
            return None
        return Field(name, data_type, column, description, _span(key_node))

    def simple_field(self, name: str, key_node: yaml.Node, node: yaml.ScalarNode) -> Field | None:
        type_name = str(node.value)
        if type_name == "enum":
            self.error("SEG202", f"enum field '{name}' needs its values", node,
                       f"write  {name}: {{type: enum, values: [a, b]}}")
            return None
        data_type = self.type_of(type_name, node)
        return Field(name, data_type, name, None, _span(key_node)) if data_type else None

    def type_of(self, text: str, node: yaml.Node) -> DataType | None:
        data_type = parse_type_name(text)
        if data_type is None:
            suggestion = _TYPE_ALIASES.get(text.lower()) or did_you_mean(
                text, [t for t in TYPE_NAMES if t != "list<T>"])
            hint = f"did you mean '{suggestion}'?" if suggestion else f"types: {', '.join(TYPE_NAMES)}"
            self.error("SEG203", f"unknown type '{text}'", node, hint)
        return data_type

    def enum_values(self, name: str, node: yaml.Node | None, parent: yaml.Node) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.error("SEG202", f"enum field '{name}' needs a non-empty list of values", node or parent,
                       "for example:  values: [UK, IE, US]")
            return ()
        values = []
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode):
                self.error("SEG202", "enum values must be plain text", item)
                continue
            values.append(str(item.value))
        if len(set(values)) != len(values):
            self.error("SEG204", f"enum field '{name}' repeats a value", node)
        return tuple(values)

    def optional_text(self, node: yaml.Node | None) -> str | None:
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.error("SEG202", "expected plain text here", node)
            return None
        return str(node.value)

    def relations(self, node: yaml.Node | None) -> dict[str, Relation]:
        if node is None:
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.error("SEG202", "'relations' must map relation names to their tables", node)
            return {}
        relations: dict[str, Relation] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            if not isinstance(value_node, yaml.MappingNode):
                self.error("SEG202", f"relation '{name}' must be a mapping with table, key and fields",
                           value_node)
                continue
            parts = self.mapping(value_node, _RELATION_KEYS, f"relation '{name}'")
            where = f"the relation '{name}'"
            table = self.scalar(parts, "table", value_node, where) or name
            key = self.scalar(parts, "key", value_node, where, required=True)
            time = self.scalar(parts, "time", value_node, where)
            fields = self.fields(parts.get("fields"), value_node, required=True, where=f"relation '{name}'")
            if time is not None and time not in fields:
                self.error("SEG202", f"relation '{name}' names time column '{time}', which is not one of its fields",
                           parts.get("time"))
            elif time is not None and not fields[time].type.is_temporal:
                self.error("SEG202", f"the time column '{time}' of '{name}' must be a date or timestamp",
                           parts.get("time"))
            description = self.optional_text(parts.get("description"))
            relations[name] = Relation(name, table, key or "", time, fields, description, _span(key_node))
        return relations

    def traits(self, node: yaml.Node | None, fields: dict[str, Field]) -> dict[str, Trait]:
        if node is None:
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.error("SEG202", "'traits' must map trait names to expressions", node)
            return {}
        traits: dict[str, Trait] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            if name in fields:
                self.error("SEG204", f"trait '{name}' has the same name as a field", key_node)
                continue
            description = None
            expr_node: yaml.Node | None = value_node
            if isinstance(value_node, yaml.MappingNode):
                parts = self.mapping(value_node, _TRAIT_KEYS, f"trait '{name}'")
                expr_node = parts.get("expr")
                description = self.optional_text(parts.get("description"))
            if not isinstance(expr_node, yaml.ScalarNode) or not str(expr_node.value).strip():
                self.error("SEG202", f"trait '{name}' needs an expression", expr_node or value_node,
                           "for example:  adult: age >= 18")
                continue
            traits[name] = Trait(name, str(expr_node.value), _trait_start(expr_node), description)
        return traits


def _trait_start(node: yaml.ScalarNode) -> Span:
    """Where the trait's text begins (a quoted scalar starts one column after its quote)."""
    mark = node.start_mark
    column = mark.column + 1 + (1 if node.style in ("'", '"') else 0)
    return Span(mark.index, mark.index, mark.line + 1, column, mark.line + 1, column)
