"""segdsl: customer segments as readable text, compiled to correct SQL for any warehouse.

    >>> import segdsl
    >>> schema = segdsl.load_schema("examples/schema.yml")
    >>> sql = segdsl.compile("age 25..40 and region in ('UK', 'IE')", schema, dialect="postgres")

Importing this package is cheap: the SQL machinery (sqlglot) loads only when compiling.
"""

from __future__ import annotations

from segdsl.api import check, compile, compile_segments, parse_segments
from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.schema import Schema, load_schema

__all__ = [
    "Diagnostic",
    "Schema",
    "SegdslError",
    "check",
    "compile",
    "compile_segments",
    "load_schema",
    "parse_segments",
]
__version__ = "0.1.0"
