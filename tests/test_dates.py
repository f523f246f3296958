"""Calendar arithmetic: the SQL each engine runs agrees with the documented rule.

Month and year steps clamp to the end of the month (2026-05-31 − 3 months = 2026-02-28);
SQLite's own '-N months' modifier does not (it gives 03-03), so segdsl lowers it itself.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import duckdb
import pytest
from sqlglot import exp

from segdsl import ir
from segdsl.dialects import DIALECTS
from segdsl.sql.lowering import lowering_for, resolve_day, shift_months

BASES = [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2026, 5, 31), dt.date(2026, 3, 31),
         dt.date(2025, 12, 31), dt.date(2026, 1, 15), dt.date(2023, 3, 30), dt.date(2026, 6, 30)]


def test_shift_months_clamps() -> None:
    assert shift_months(dt.date(2026, 5, 31), -3) == dt.date(2026, 2, 28)
    assert shift_months(dt.date(2024, 2, 29), -12) == dt.date(2023, 2, 28)
    assert shift_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert shift_months(dt.date(2026, 1, 15), -1) == dt.date(2025, 12, 15)


def test_in_last_three_months_example() -> None:
    start = resolve_day(ir.RelativeDay(3, "month", plus_days=1), dt.date(2026, 6, 30))
    assert start == dt.date(2026, 4, 1)


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_engine_interval_arithmetic_matches_python(engine: str) -> None:
    lowering = lowering_for(DIALECTS[engine], None)
    run = (sqlite3.connect(":memory:") if engine == "sqlite" else duckdb.connect()).execute
    for base in BASES:
        for amount in range(0, 26):
            for unit in ("day", "week", "month", "year"):
                start = lowering.date_literal(base)
                shifted = lowering.add_interval(start, -amount, unit)  # type: ignore[arg-type]
                sql = exp.select(exp.cast(shifted, exp.DataType.Type.DATE) if engine == "duckdb" else shifted)
                (value,) = run(sql.sql(dialect=engine)).fetchone()
                expected = resolve_day(ir.RelativeDay(amount, unit), base)  # type: ignore[arg-type]
                assert str(value) == expected.isoformat(), (base, amount, unit)
