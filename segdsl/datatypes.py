"""Field types shared by the schema, the checker and the IR."""

from __future__ import annotations

import re
from typing import Literal

from segdsl.node import Node

Kind = Literal["int", "decimal", "string", "bool", "date", "timestamp", "enum", "list"]

SCALAR_KINDS: tuple[Kind, ...] = ("int", "decimal", "string", "bool", "date", "timestamp")
_LIST = re.compile(r"list\s*<\s*(\w+)\s*>\Z")


class DataType(Node):
    kind: Kind
    values: tuple[str, ...] = ()  # enum values, in schema order
    element: DataType | None = None  # list element type

    def __str__(self) -> str:
        if self.kind == "list" and self.element is not None:
            return f"list<{self.element}>"
        return self.kind

    @property
    def is_numeric(self) -> bool:
        return self.kind in ("int", "decimal")

    @property
    def is_temporal(self) -> bool:
        return self.kind in ("date", "timestamp")

    @property
    def is_textual(self) -> bool:
        return self.kind in ("string", "enum")

    @property
    def is_orderable(self) -> bool:
        return self.is_numeric or self.is_temporal


INT = DataType("int")
DECIMAL = DataType("decimal")
STRING = DataType("string")
BOOL = DataType("bool")
DATE = DataType("date")
TIMESTAMP = DataType("timestamp")


def parse_type_name(text: str) -> DataType | None:
    """``int``, ``list<string>`` … → DataType; enum needs values, so it is built by the schema."""
    text = text.strip()
    if text in SCALAR_KINDS:
        return DataType(text)
    match = _LIST.match(text)
    if match and match.group(1) in SCALAR_KINDS:
        return DataType("list", element=DataType(match.group(1)))  # type: ignore[arg-type]
    return None


TYPE_NAMES = ("int", "decimal", "string", "bool", "date", "timestamp", "enum", "list<T>")
