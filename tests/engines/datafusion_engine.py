"""Apache DataFusion, in-process; tables are registered pyarrow record batches.

DataFusion runs the ``datafusion`` dialect: PostgreSQL syntax with its own text functions.
"""

from __future__ import annotations

from typing import Any

import datafusion
import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

from segdsl.datatypes import DataType
from segdsl.schema import Schema

from ._base import TableData, member_value, tables_for

_TYPES = {"int": pa.int64(), "decimal": pa.decimal128(18, 4), "string": pa.string(),
          "enum": pa.string(), "bool": pa.bool_(), "date": pa.date32(),
          "timestamp": pa.timestamp("us")}


def arrow_type(type_: DataType) -> pa.DataType:
    if type_.kind == "list":
        assert type_.element is not None
        return pa.list_(arrow_type(type_.element))
    return _TYPES[type_.kind]


def arrow_batch(table: TableData) -> pa.RecordBatch:
    schema = pa.schema([pa.field(c.name, arrow_type(c.type), nullable=True)
                        for c in table.columns])
    names = [c.name for c in table.columns]
    return pa.RecordBatch.from_pylist([dict(zip(names, row, strict=True)) for row in table.rows],
                                      schema=schema)


class DataFusionEngine:
    name = "datafusion"
    dialect = "datafusion"
    null_lists_supported = True

    def __init__(self) -> None:
        self._ctx = datafusion.SessionContext()
        self._loaded: set[str] = set()

    def load(self, schema: Schema, entities: list[dict[str, Any]],
             relations: dict[str, list[dict[str, Any]]]) -> None:
        tables = tables_for(schema, entities, relations)
        for name in self._loaded | {t.name for t in tables}:
            if self._ctx.table_exist(name):
                self._ctx.deregister_table(name)
        self._loaded = set()
        for table in tables:
            self._ctx.register_record_batches(table.name, [[arrow_batch(table)]])
            self._loaded.add(table.name)

    def members(self, sql: str) -> set[Any]:
        result = self._ctx.sql(sql).to_arrow_table()
        if result.num_columns != 1:
            raise ValueError(f"datafusion: members() needs a query returning one column, "
                             f"got {result.num_columns}")
        return {member_value(v) for v in result.column(0).to_pylist()}

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        table = self._ctx.sql(sql).to_arrow_table()
        return [tuple(member_value(v) for v in row.values()) for row in table.to_pylist()]

    def version(self) -> str:
        return str(datafusion.__version__)

    def close(self) -> None:
        for name in self._loaded:
            if self._ctx.table_exist(name):
                self._ctx.deregister_table(name)
        self._loaded = set()
