"""sqlglot dialects adjusted where sqlglot's own output does not run on the engine.

Only generator rules live here (how an expression is spelled); which expression to build
for a construct is decided in lowering.py.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp
from sqlglot.dialects.mysql import MySQL


class SegdslMySQL(MySQL):
    """MySQL and MariaDB: ``x REGEXP p`` runs on both (MariaDB has no REGEXP_LIKE)."""

    class Generator(MySQL.Generator):  # type: ignore[valid-type,misc]
        TRANSFORMS = {  # noqa: RUF012 - sqlglot's own convention for generator tables
            **MySQL.Generator.TRANSFORMS,
            exp.RegexpLike: lambda self, e: self.binary(e, "REGEXP"),
        }


_OVERRIDES: dict[str, Any] = {"mysql": SegdslMySQL}


def sqlglot_dialect(name: str) -> Any:
    """The sqlglot dialect (name or class) to render a segdsl dialect with."""
    return _OVERRIDES.get(name, name)
