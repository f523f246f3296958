"""The Python API: text in, SQL or diagnostics out.

Mistakes in the segment text or the schema raise SegdslError (with every diagnostic);
arguments of the wrong type raise TypeError and impossible values ValueError, naming the
argument, before anything is parsed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any

from segdsl import dialects, ir
from segdsl.diagnostics import Diagnostic, SegdslError, Source, make
from segdsl.limits import reference_date
from segdsl.project import Program, build_program
from segdsl.schema import Schema, load_schema
from segdsl.syntax import Span

SchemaLike = Schema | str | os.PathLike[str] | Mapping[str, Any]


def _schema(schema: SchemaLike) -> Schema:
    return schema if isinstance(schema, Schema) else load_schema(schema)


def _text(source: object) -> str:
    if not isinstance(source, str):
        raise TypeError(f"source must be the segment text (a str), not {type(source).__name__}")
    return source


def _as_of(as_of: dt.date | str | None) -> dt.date | None:
    return None if as_of is None else reference_date(as_of)


def _dialect(name: str) -> dialects.Dialect:
    if not isinstance(name, str):
        raise TypeError(f"dialect must be a dialect name (a str), not {type(name).__name__}")
    dialect = dialects.get(name)
    if dialect is None:
        known = ", ".join(dialects.DIALECTS)
        raise SegdslError([make("SEG301", f"unknown dialect '{name}' (known: {known})",
                                Source("<arguments>", ""), Span.point())])
    return dialect


def parse_segments(source: str, schema: SchemaLike, dialect: str | None = None,
                   path: str = "<string>") -> Program:
    """Check segment text; the Program holds the segments and every diagnostic."""
    chosen = _dialect(dialect) if dialect is not None else None
    return build_program([(path, _text(source))], _schema(schema), chosen)


def check(source: str, schema: SchemaLike, dialect: str | None = None,
          path: str = "<string>") -> list[Diagnostic]:
    """All diagnostics for the text (errors and warnings); empty when it is fine."""
    program = parse_segments(source, schema, dialect, path)
    return sorted(program.diagnostics + program.dialect_diagnostics(), key=lambda d: d.sort_key())


def compile_segments(source: str, schema: SchemaLike, dialect: str = "duckdb",
                     as_of: dt.date | str | None = None, path: str = "<string>") -> dict[str, str]:
    """SQL for every segment in the text, by segment name.

    ``as_of`` is the reference date of relative time (a date or 'YYYY-MM-DD'); None leaves
    it to the engine's current date when the SQL runs.
    """
    from segdsl.compiler import segment_sql

    reference = _as_of(as_of)
    chosen = _dialect(dialect)
    program = parse_segments(source, schema, chosen.name, path)
    problems = program.errors + program.dialect_diagnostics()
    if problems:
        raise SegdslError(problems)
    return {name: segment_sql(seg, program.schema, chosen, reference) for name, seg in program.segments.items()}


def compile(source: str, schema: SchemaLike, dialect: str = "duckdb",
            as_of: dt.date | str | None = None, segment: str | None = None) -> str:
    """One SELECT returning the members' keys. With several segments, name one with ``segment``."""
    compiled = compile_segments(source, schema, dialect, as_of)
    if segment is None:
        if len(compiled) != 1:
            raise SegdslError([make("SEG134", "the text defines several segments; choose one with segment=",
                                    Source("<string>", source), Span.point(),
                                    "segments: " + ", ".join(compiled))])
        return next(iter(compiled.values()))
    if segment not in compiled:
        raise SegdslError([make("SEG134", f"no segment named '{segment}'", Source("<string>", source),
                                Span.point(), "segments: " + ", ".join(compiled))])
    return compiled[segment]


def segment_ir(source: str, schema: SchemaLike, name: str | None = None) -> ir.Segment:
    program = parse_segments(source, schema)
    if program.errors:
        raise SegdslError(program.errors)
    if name is None:
        return next(iter(program.segments.values()))
    return program.segments[name]
