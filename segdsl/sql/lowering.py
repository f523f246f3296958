"""How each IR construct becomes a sqlglot expression, dialect by dialect.

:class:`Lowering` holds the portable form of every construct. A dialect that needs a
different form subclasses it and overrides only that method; :data:`LOWERINGS` maps
dialect names to classes. This is the one place where dialects differ — the query
builder never asks which dialect it is writing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlglot import exp

from segdsl import ir
from segdsl.dialects import Dialect

LIKE_ESCAPE = "!"


def shift_months(day: dt.date, months: int) -> dt.date:
    """Calendar month arithmetic that clamps to the month's last day (Jan 31 + 1 month = Feb 28/29)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def resolve_day(day: ir.RelativeDay, reference: dt.date) -> dt.date:
    """The calendar day ``day`` stands for when the reference date is ``reference``."""
    base = reference + dt.timedelta(days=day.plus_days)
    if day.unit == "day":
        return base - dt.timedelta(days=day.back)
    if day.unit == "week":
        return base - dt.timedelta(days=7 * day.back)
    months = day.back * (12 if day.unit == "year" else 1)
    return shift_months(base, -months)


def escape_like(text: str, special: str = "%_") -> str:
    """``text`` with LIKE's wildcards (and the escape character itself) made literal."""
    return "".join(LIKE_ESCAPE + ch if ch in special or ch == LIKE_ESCAPE else ch for ch in text)


class Lowering:
    """Portable SQL forms; subclasses state only their dialect's differences."""

    timestamp_type = exp.DataType.Type.TIMESTAMP
    semi_joins = True  # `key IN (SELECT …)` may sit anywhere in a WHERE (under NOT, OR, COALESCE)
    # top/bottom N% as `value >= (k-th largest value)` with ORDER BY … LIMIT (subquery), a top-k
    # heap; otherwise RANK() over every entity (LIMIT must be a constant on many engines)
    percentile_threshold = False
    # a has/no that the whole segment requires as SEMI JOIN / ANTI JOIN (DuckDB's syntax): the
    # anti join beats NOT (key IN …) by ~10 % there
    semi_join_syntax = False

    def __init__(self, dialect: Dialect, as_of: dt.date | None) -> None:
        self.dialect = dialect
        self.as_of = as_of

    # ---- literals ----------------------------------------------------------------
    def literal(self, lit: ir.Lit) -> exp.Expr:
        value = lit.value
        if isinstance(value, bool):
            return exp.Boolean(this=value)
        if isinstance(value, (int, Decimal)):
            return exp.Literal.number(str(value))
        if isinstance(value, dt.datetime):
            return self.timestamp_literal(value)
        if isinstance(value, dt.date):
            return self.date_literal(value)
        return exp.Literal.string(value)

    def date_literal(self, day: dt.date) -> exp.Expr:
        return exp.Cast(this=exp.Literal.string(day.isoformat()), to=exp.DataType(this=exp.DataType.Type.DATE))

    def timestamp_literal(self, moment: dt.datetime) -> exp.Expr:
        return exp.Cast(this=exp.Literal.string(moment.isoformat(sep=" ")), to=self.timestamp_datatype())

    def timestamp_datatype(self) -> exp.DataType:
        return exp.DataType(this=self.timestamp_type)

    def true(self) -> exp.Expr:
        return exp.true()

    def flag(self, condition: exp.Expr) -> exp.Expr:
        """A condition as a TRUE/FALSE column value (never NULL)."""
        return exp.Coalesce(this=condition, expressions=[exp.false()])

    def is_not_true(self, condition: exp.Expr) -> exp.Expr:
        """The exact complement of a condition that may be unknown (NULL counts as false)."""
        return exp.Not(this=exp.Coalesce(this=condition, expressions=[exp.false()]))

    def joined_value(self, value: exp.Expr) -> exp.Expr:
        """A column of a LEFT JOINed aggregate: must read as NULL for entities with no row."""
        return value

    # ---- days and time -------------------------------------------------------------
    def current_date(self) -> exp.Expr:
        return exp.CurrentDate()

    def add_interval(self, base: exp.Expr, amount: int, unit: ir.Unit) -> exp.Expr:
        if unit == "week":
            amount, unit = amount * 7, "day"
        return exp.DateAdd(this=base, expression=exp.Literal.number(amount),
                           unit=exp.Var(this=unit.upper()))

    def day(self, day: ir.Day, extra_days: int = 0) -> exp.Expr:
        """A calendar day as a DATE-valued expression (folded to a literal when as_of is known)."""
        if isinstance(day, ir.RelativeDay):
            if self.as_of is not None:
                return self.date_literal(resolve_day(day, self.as_of) + dt.timedelta(days=extra_days))
            expr = self.current_date()
            if day.plus_days:
                expr = self.add_interval(expr, day.plus_days, "day")
            if day.back:
                expr = self.add_interval(expr, -day.back, day.unit)
            if extra_days:
                expr = self.add_interval(expr, extra_days, "day")
            return expr
        return self.date_literal(day + dt.timedelta(days=extra_days))

    def day_as_timestamp(self, day: ir.Day, extra_days: int = 0) -> exp.Expr:
        """Midnight at the start of a calendar day, comparable with a timestamp column."""
        if not isinstance(day, ir.RelativeDay) or self.as_of is not None:
            folded = day if not isinstance(day, ir.RelativeDay) else resolve_day(day, self.as_of)  # type: ignore[arg-type]
            moment = dt.datetime.combine(folded + dt.timedelta(days=extra_days), dt.time())
            return self.timestamp_literal(moment)
        return self.to_timestamp(self.day(day, extra_days))

    def to_timestamp(self, expr: exp.Expr) -> exp.Expr:
        return exp.Cast(this=expr, to=self.timestamp_datatype())

    # ---- text ------------------------------------------------------------------------
    def equals(self, value: exp.Expr, literal: exp.Expr, text: bool) -> exp.Expr:
        return exp.EQ(this=value, expression=literal)

    def in_set(self, value: exp.Expr, literals: list[exp.Expr], text: bool) -> exp.Expr:
        if len(literals) == 1:
            return self.equals(value, literals[0], text)
        return exp.In(this=value, expressions=literals)

    def text_match(self, value: exp.Expr, kind: str, text: str) -> exp.Expr:
        escaped = escape_like(text)
        pattern = {"starts_with": f"{escaped}%", "ends_with": f"%{escaped}",
                   "contains": f"%{escaped}%"}[kind]
        like = exp.Like(this=value, expression=exp.Literal.string(pattern))
        return exp.Escape(this=like, expression=exp.Literal.string(LIKE_ESCAPE))

    def regex(self, value: exp.Expr, pattern: str) -> exp.Expr:
        return exp.RegexpLike(this=value, expression=exp.Literal.string(pattern))

    # ---- aggregates --------------------------------------------------------------------
    def distinct_value(self, value: exp.Expr, text: bool) -> exp.Expr:
        """What COUNT(DISTINCT …) compares: the value itself, where = is exact."""
        return value

    def aggregate(self, func: type[exp.AggFunc], arg: exp.Expr, condition: exp.Expr | None,
                  distinct: bool = False) -> exp.Expr:
        """``func(arg)`` over every row, or over the rows where ``condition`` holds."""
        if condition is None:
            return func(this=exp.Distinct(expressions=[arg]) if distinct else arg)
        return self.conditional_aggregate(func, arg, condition, distinct)

    def decimal_total(self, average: bool, arg: exp.Expr, condition: exp.Expr | None) -> exp.Expr:
        """SUM or AVG of a decimal column: the engine's own, exact on a DECIMAL/NUMERIC column."""
        return self.aggregate(exp.Avg if average else exp.Sum, arg, condition)

    def conditional_aggregate(self, func: type[exp.AggFunc], arg: exp.Expr, condition: exp.Expr,
                              distinct: bool) -> exp.Expr:
        """``func(arg)`` over the rows where ``condition`` holds: ``func(CASE WHEN … THEN arg END)``,
        the form every dialect runs (a CASE without ELSE is NULL, which aggregates skip)."""
        then = exp.Literal.number(1) if isinstance(arg, exp.Star) else arg
        case = exp.Case(ifs=[exp.If(this=condition, true=then)])
        return func(this=exp.Distinct(expressions=[case]) if distinct else case)

    # ---- lists ----------------------------------------------------------------------
    def list_contains(self, value: exp.Expr, element: exp.Expr) -> exp.Expr:
        return exp.ArrayContains(this=value, expression=element)

    # ---- percentiles ------------------------------------------------------------------
    def rank(self, value: exp.Expr, descending: bool) -> exp.Expr:
        order = exp.Order(expressions=[exp.Ordered(this=value, desc=descending, nulls_first=False)])
        return exp.Window(this=exp.Anonymous(this="RANK"), order=order)

    def count_all(self) -> exp.Expr:
        return exp.Window(this=exp.Count(this=exp.Star()))


class _FilterClause:
    """``func(arg) FILTER (WHERE …)``: the SQL-standard form, a little faster than CASE where the
    engine has it (DuckDB, PostgreSQL); both also take LIMIT (subquery) for percentiles."""

    percentile_threshold = True

    def conditional_aggregate(self, func: type[exp.AggFunc], arg: exp.Expr, condition: exp.Expr,
                              distinct: bool) -> exp.Expr:
        value = func(this=exp.Distinct(expressions=[arg]) if distinct else arg)
        return exp.Filter(this=value, expression=exp.Where(this=condition))


class DuckDBLowering(_FilterClause, Lowering):
    semi_join_syntax = True

    def text_match(self, value: exp.Expr, kind: str, text: str) -> exp.Expr:
        name = {"starts_with": "STARTS_WITH", "ends_with": "ENDS_WITH", "contains": "CONTAINS"}[kind]
        return exp.Anonymous(this=name, expressions=[value, exp.Literal.string(text)])

    def list_contains(self, value: exp.Expr, element: exp.Expr) -> exp.Expr:
        return exp.Anonymous(this="LIST_CONTAINS", expressions=[value, element])


class SQLiteLowering(Lowering):
    """SQLite keeps dates and timestamps as ISO text and lists as JSON text."""

    def date_literal(self, day: dt.date) -> exp.Expr:
        return exp.Literal.string(day.isoformat())

    def timestamp_literal(self, moment: dt.datetime) -> exp.Expr:
        return exp.Literal.string(moment.isoformat(sep=" "))

    def to_timestamp(self, expr: exp.Expr) -> exp.Expr:
        return expr  # ISO date text compares correctly with ISO timestamp text

    def add_interval(self, base: exp.Expr, amount: int, unit: ir.Unit) -> exp.Expr:
        if unit in ("day", "week"):
            days = amount * (7 if unit == "week" else 1)
            return exp.Anonymous(this="DATE", expressions=[base, exp.Literal.string(f"{days:+d} days")])
        # SQLite's '+N months' overflows into the next month (05-31 - 3 months = 03-03);
        # segdsl clamps to the month's last day like every other engine.
        months = amount * (12 if unit == "year" else 1)
        first = exp.Anonymous(this="DATE", expressions=[
            base, exp.Literal.string("start of month"), exp.Literal.string(f"{months:+d} months")])
        last = exp.Anonymous(this="DATE", expressions=[
            first, exp.Literal.string("+1 months"), exp.Literal.string("-1 days")])
        day_offset = exp.Sub(
            this=exp.cast(exp.Anonymous(this="STRFTIME", expressions=[exp.Literal.string("%d"), base]),
                          exp.DataType.Type.INT, copy=False),
            expression=exp.Literal.number(1))
        shifted = exp.Anonymous(this="DATE", expressions=[
            first, exp.DPipe(this=exp.Paren(this=day_offset), expression=exp.Literal.string(" days"))])
        return exp.Anonymous(this="MIN", expressions=[shifted, last])

    def text_match(self, value: exp.Expr, kind: str, text: str) -> exp.Expr:
        # LIKE is case-insensitive in SQLite; INSTR and SUBSTR compare exactly.
        needle = exp.Literal.string(text)
        if kind == "contains":
            return exp.GT(this=exp.Anonymous(this="INSTR", expressions=[value, needle]),
                          expression=exp.Literal.number(0))
        length = exp.Literal.number(len(text))
        if kind == "starts_with":
            head = exp.Anonymous(this="SUBSTR", expressions=[value, exp.Literal.number(1), length])
            return exp.EQ(this=head, expression=needle)
        start = exp.Add(this=exp.Sub(this=exp.Length(this=value), expression=length),
                        expression=exp.Literal.number(1))
        tail = exp.Anonymous(this="SUBSTR", expressions=[value, start])
        return exp.EQ(this=tail, expression=needle)

    def decimal_total(self, average: bool, arg: exp.Expr, condition: exp.Expr | None) -> exp.Expr:
        """An exact SUM/AVG of decimals that SQLite stores as binary floats (REAL).

        SQLite has no decimal type, so SUM(amount) of 0.1 and 0.2 is 0.30000000000000004 and
        ``<= 0.3`` would fail. Each value is split into its whole part, ROUND(x), and its
        fraction read to nine decimal places, ROUND((x - ROUND(x)) * 1e9); both sums are exact
        (whole numbers below 2**53, as REAL so a huge total cannot overflow). While the whole
        part is under 9,000,000 the result is one division of exact numbers (the float nearest
        the true total, or average); above that, whole + fraction, as exact as a float gets.
        """
        whole = self.aggregate(exp.Sum, exp.Round(this=arg.copy()), condition)
        fraction = exp.Sub(this=arg.copy(), expression=exp.Round(this=arg.copy()))
        nanos = self.aggregate(exp.Sum, exp.Round(this=exp.Mul(this=exp.Paren(this=fraction),
                                                                expression=_BILLION.copy())), condition)
        count = self.aggregate(exp.Count, arg.copy(), condition) if average else None
        scaled = exp.Add(this=exp.Mul(this=whole.copy(), expression=_BILLION.copy()), expression=nanos.copy())
        divisor: exp.Expr = _BILLION_REAL.copy()
        if count is not None:
            divisor = exp.Paren(this=exp.Mul(this=divisor, expression=count.copy()))
        exact = exp.Div(this=exp.Paren(this=scaled), expression=divisor)
        rounded: exp.Expr = exp.Add(this=whole.copy(), expression=exp.Div(
            this=nanos.copy(), expression=_BILLION_REAL.copy()))
        if count is not None:
            rounded = exp.Div(this=exp.Paren(this=rounded), expression=count.copy())
        small = exp.LT(this=exp.Abs(this=whole), expression=exp.Literal.number(9_000_000))
        # No rows (or only missing values): every part is NULL, and so is the result.
        return exp.Case(ifs=[exp.If(this=small, true=exact)], default=rounded)

    def list_contains(self, value: exp.Expr, element: exp.Expr) -> exp.Expr:
        items = exp.Table(this=exp.Anonymous(this="JSON_EACH", expressions=[value]))
        query = exp.select(exp.Literal.number(1)).from_(items).where(
            exp.EQ(this=exp.column("value"), expression=element))
        return exp.Exists(this=query)


_BILLION = exp.Literal.number(1_000_000_000)
_BILLION_REAL = exp.Literal.number("1000000000.0")  # dividing by it gives a REAL on SQLite


class SnowflakeLowering(Lowering):
    def regex(self, value: exp.Expr, pattern: str) -> exp.Expr:
        # REGEXP_LIKE matches the whole string on Snowflake; REGEXP_INSTR finds a substring.
        found = exp.Anonymous(this="REGEXP_INSTR", expressions=[value, exp.Literal.string(pattern)])
        return exp.GT(this=found, expression=exp.Literal.number(0))


class BigQueryLowering(Lowering):
    # BigQuery cannot compare TIMESTAMP with DATETIME; segdsl timestamps are TIMESTAMP (UTC).
    timestamp_type = exp.DataType.Type.TIMESTAMPTZ

    def text_match(self, value: exp.Expr, kind: str, text: str) -> exp.Expr:
        # GoogleSQL's LIKE has no ESCAPE clause (a backslash escapes); these functions match
        # the text exactly, with no wildcards at all.
        needle = exp.Literal.string(text)
        if kind == "contains":
            return exp.GT(this=exp.Anonymous(this="STRPOS", expressions=[value, needle]),
                          expression=exp.Literal.number(0))
        name = "STARTS_WITH" if kind == "starts_with" else "ENDS_WITH"
        return exp.Anonymous(this=name, expressions=[value, needle])


class TSQLLowering(Lowering):
    """SQL Server: default collations compare text case-insensitively, so force a binary one.

    Whatever the collation, ``=``, ``IN`` and the end of a LIKE pattern ignore trailing spaces
    ('UK ' = 'UK'); appending a character to both sides ('UK .' vs 'UK.') makes them count.
    The plain comparison stays in front, so an index on the column can still be used.
    """

    def current_date(self) -> exp.Expr:
        # sqlglot writes CURRENT_DATE as GETDATE(), which has a time of day.
        return exp.cast(exp.Anonymous(this="GETDATE"), exp.DataType.Type.DATE, copy=False)

    def true(self) -> exp.Expr:
        return exp.EQ(this=exp.Literal.number(1), expression=exp.Literal.number(1))

    def equals(self, value: exp.Expr, literal: exp.Expr, text: bool) -> exp.Expr:
        if not text:
            return exp.EQ(this=value, expression=literal)
        padded = exp.EQ(this=_collate(value.copy(), _BIN2), expression=literal)
        exact = exp.EQ(this=_collate(_with_end(value), _BIN2), expression=_with_end(literal))
        return exp.And(this=padded, expression=exact)

    def in_set(self, value: exp.Expr, literals: list[exp.Expr], text: bool) -> exp.Expr:
        if len(literals) == 1:
            return self.equals(value, literals[0], text)
        if not text:
            return exp.In(this=value, expressions=literals)
        padded = exp.In(this=_collate(value.copy(), _BIN2), expressions=literals)
        exact = exp.In(this=_collate(_with_end(value), _BIN2), expressions=[_with_end(lit) for lit in literals])
        return exp.And(this=padded, expression=exact)

    def literal(self, lit: ir.Lit) -> exp.Expr:
        value = lit.value
        if isinstance(value, str) and not value.isascii():
            return exp.National(this=value)  # N'…': kept intact whatever the database's code page
        return super().literal(lit)

    def text_match(self, value: exp.Expr, kind: str, text: str) -> exp.Expr:
        # In T-SQL's LIKE, [ opens a character class (like [a-z]), so it is escaped too.
        escaped = escape_like(text, special="%_[")
        pattern = {"starts_with": f"{escaped}%", "ends_with": f"%{escaped}{_END}",
                   "contains": f"%{escaped}%"}[kind]
        needle = exp.National(this=pattern) if not pattern.isascii() else exp.Literal.string(pattern)
        subject = _with_end(value) if kind == "ends_with" else value
        like = exp.Like(this=_collate(subject, _BIN2), expression=needle)
        return exp.Escape(this=like, expression=exp.Literal.string(LIKE_ESCAPE))

    def flag(self, condition: exp.Expr) -> exp.Expr:
        # SQL Server has no boolean values: a condition cannot be a column.
        case = exp.Case(ifs=[exp.If(this=condition, true=exp.Literal.number(1))],
                        default=exp.Literal.number(0))
        return exp.cast(case, exp.DataType(this=exp.DataType.Type.BIT, nested=False), copy=False)

    def is_not_true(self, condition: exp.Expr) -> exp.Expr:
        # A predicate is not a value in T-SQL, so COALESCE(<predicate>, …) is a syntax error.
        case = exp.Case(ifs=[exp.If(this=condition, true=exp.Literal.number(1))],
                        default=exp.Literal.number(0))
        return exp.EQ(this=case, expression=exp.Literal.number(0))


class MySQLLowering(Lowering):
    """MySQL/MariaDB compare text case-insensitively and ignore trailing spaces by default.

    Equality compares bytes (``CAST(… AS BINARY)``: exact, no padding); LIKE and REGEXP use a
    binary collation so they stay character-based but case-sensitive.
    """

    def equals(self, value: exp.Expr, literal: exp.Expr, text: bool) -> exp.Expr:
        if not text:
            return exp.EQ(this=value, expression=literal)
        return exp.EQ(this=_bytes(value), expression=_bytes(literal))

    def in_set(self, value: exp.Expr, literals: list[exp.Expr], text: bool) -> exp.Expr:
        if len(literals) == 1:
            return self.equals(value, literals[0], text)
        if not text:
            return exp.In(this=value, expressions=literals)
        return exp.In(this=_bytes(value), expressions=[_bytes(lit) for lit in literals])

    def text_match(self, value: exp.Expr, kind: str, text: str) -> exp.Expr:
        return super().text_match(_binary(value), kind, text)

    def distinct_value(self, value: exp.Expr, text: bool) -> exp.Expr:
        # COUNT(DISTINCT) compares with the column's collation too: 'Paid' and 'paid ' would be one
        return _bytes(value) if text else value

    def timestamp_datatype(self) -> exp.DataType:
        # CAST(… AS DATETIME) drops the fraction of a second ('…23:59:59.999999' → '…23:59:59')
        return _with_precision(exp.DataType.Type.DATETIME, 6)

    def regex(self, value: exp.Expr, pattern: str) -> exp.Expr:
        # MariaDB has no REGEXP_LIKE; REGEXP_INSTR runs on MariaDB and MySQL 8 alike.
        found = exp.Anonymous(this="REGEXP_INSTR", expressions=[_binary(value), exp.Literal.string(pattern)])
        return exp.GT(this=found, expression=exp.Literal.number(0))


_BIN2 = "Latin1_General_BIN2"
_END = "."  # appended to both sides of a T-SQL text comparison so trailing spaces count


def _with_end(value: exp.Expr) -> exp.Expr:
    """``value + '.'`` (a literal gets the dot inside it: 'UK.')."""
    if isinstance(value, exp.National):
        return exp.National(this=value.this + _END)
    if isinstance(value, exp.Literal) and value.is_string:
        return exp.Literal.string(value.this + _END)
    return exp.Paren(this=exp.Add(this=value, expression=exp.Literal.string(_END)))


def _with_precision(kind: Any, digits: int) -> exp.DataType:  # kind: a DataType.Type member
    return exp.DataType(this=kind, expressions=[exp.DataTypeParam(this=exp.Literal.number(digits))])


class TrinoLowering(Lowering):
    def timestamp_datatype(self) -> exp.DataType:
        # Trino's TIMESTAMP means TIMESTAMP(3): a literal's microseconds would be rounded
        return _with_precision(exp.DataType.Type.TIMESTAMP, 6)


def _bytes(value: exp.Expr) -> exp.Expr:
    return exp.cast(value, exp.DataType(this=exp.DataType.Type.BINARY, nested=False), copy=False)


def _binary(value: exp.Expr) -> exp.Expr:
    return _collate(value, "utf8mb4_bin")


def _collate(value: exp.Expr, collation: str) -> exp.Expr:
    return exp.Collate(this=value, expression=exp.var(collation))


class ClickHouseLowering(Lowering):
    """ClickHouse's Date and DateTime stop at 1970-01-01 (earlier values are clamped to it):
    dates are Date32 and timestamps DateTime64(6), which reach back to 1900."""

    def date_literal(self, day: dt.date) -> exp.Expr:
        return exp.Cast(this=exp.Literal.string(day.isoformat()), to=exp.DataType(this=exp.DataType.Type.DATE32))

    def timestamp_datatype(self) -> exp.DataType:
        return _with_precision(exp.DataType.Type.DATETIME64, 6)

    def current_date(self) -> exp.Expr:
        return exp.Anonymous(this="toDate32", expressions=[exp.CurrentDate()])

    def joined_value(self, value: exp.Expr) -> exp.Expr:
        # With ClickHouse's default join_use_nulls = 0, a LEFT JOIN fills the columns of a
        # missing row with 0 / '' / 1970-01-01, not NULL: an entity with no orders would have
        # avg 0 and max 1970. A Nullable column is filled with NULL whatever that setting is.
        return exp.Anonymous(this="toNullable", expressions=[value])

    def decimal_total(self, average: bool, arg: exp.Expr, condition: exp.Expr | None) -> exp.Expr:
        """ClickHouse's avg() of a Decimal divides in Float64 after converting the sum: 99.99
        three times averages to 99.99000000000001, outside ``0..99.99``. Here the exact Decimal
        sum is divided by the count at 10 decimal places and then read as a Float64 once (the
        type avg() has, so literals compare as before: a Decimal(38, 18) held 99.99 exactly but
        was not IN (99.99), whose float ClickHouse widened to 99.989999999999994884). nullIf:
        over no values the average is NULL, not a division by zero. Sums are ClickHouse's own."""
        total = self.aggregate(exp.Sum, arg, condition)
        if not average:
            return total
        wide = exp.Anonymous(this="toDecimal128", expressions=[total, exp.Literal.number(10)])
        count = exp.Anonymous(this="nullIf", expressions=[
            self.aggregate(exp.Count, arg.copy(), condition), exp.Literal.number(0)])
        return exp.Anonymous(this="toFloat64", expressions=[exp.Div(this=wide, expression=count)])

    def text_match(self, value: exp.Expr, kind: str, text: str) -> exp.Expr:
        needle = exp.Literal.string(text)
        if kind == "contains":
            return exp.GT(this=exp.Anonymous(this="position", expressions=[value, needle]),
                          expression=exp.Literal.number(0))
        name = "startsWith" if kind == "starts_with" else "endsWith"
        return exp.Anonymous(this=name, expressions=[value, needle])


class DataFusionLowering(Lowering):
    """DataFusion reads 1.5 as a float and only escapes LIKE with a backslash."""

    semi_joins = False  # "Physical plan does not support … InSubquery" under NOT/OR/COALESCE

    def regex(self, value: exp.Expr, pattern: str) -> exp.Expr:
        # DataFusion 55 rewrites `col ~ 'literal'` into a LIKE and keeps a backslash in it, where
        # LIKE reads it as an escape: col ~ '\\' matched '100%'. regexp_match is not rewritten.
        found = exp.Anonymous(this="regexp_match", expressions=[value, exp.Literal.string(pattern)])
        return exp.Not(this=exp.Is(this=found, expression=exp.null()))

    def literal(self, lit: ir.Lit) -> exp.Expr:
        value = lit.value
        if isinstance(value, Decimal) and not isinstance(value, bool):
            text = format(value, "f")
            scale = len(text.split(".")[1]) if "." in text else 0
            decimal = exp.DataType.build(f"DECIMAL(38, {scale})")
            return exp.cast(exp.Literal.string(text), decimal, copy=False)
        return super().literal(lit)

    def aggregate(self, func: type[exp.AggFunc], arg: exp.Expr, condition: exp.Expr | None,
                  distinct: bool = False) -> exp.Expr:
        """COUNT(DISTINCT x) carries FILTER (WHERE x IS NOT NULL), which changes no count.

        DataFusion 55 rewrites an aggregate with one distinct argument into two GROUP BYs
        (SingleDistinctToGroupBy), and the rewritten SUM of a DECIMAL(p, s) column comes out
        DECIMAL(38, s) where the plan says p + 10: `sum(orders.amount) >= 0.6` beside a
        `count distinct(orders.category)` failed with "Invalid comparison operation:
        Decimal128(38, 4) >= Decimal128(28, 4)". The rule skips aggregates with a FILTER."""
        if not distinct:
            return super().aggregate(func, arg, condition, distinct)
        if condition is not None:
            arg = exp.Case(ifs=[exp.If(this=condition, true=arg)])
        counted = func(this=exp.Distinct(expressions=[arg]))
        present = exp.Not(this=exp.Is(this=arg.copy(), expression=exp.null()))
        return exp.Filter(this=counted, expression=exp.Where(this=present))

    def text_match(self, value: exp.Expr, kind: str, text: str) -> exp.Expr:
        needle = exp.Literal.string(text)
        if kind == "contains":
            return exp.GT(this=exp.Anonymous(this="STRPOS", expressions=[value, needle]),
                          expression=exp.Literal.number(0))
        name = "STARTS_WITH" if kind == "starts_with" else "ENDS_WITH"
        return exp.Anonymous(this=name, expressions=[value, needle])


class PostgresLowering(_FilterClause, Lowering):
    pass


LOWERINGS: dict[str, type[Lowering]] = {
    "postgres": PostgresLowering,
    "trino": TrinoLowering,
    "datafusion": DataFusionLowering,
    "duckdb": DuckDBLowering,
    "sqlite": SQLiteLowering,
    "snowflake": SnowflakeLowering,
    "bigquery": BigQueryLowering,
    "tsql": TSQLLowering,
    "mysql": MySQLLowering,
    "clickhouse": ClickHouseLowering,
}


def lowering_for(dialect: Dialect, as_of: dt.date | None) -> Lowering:
    return LOWERINGS.get(dialect.name, Lowering)(dialect, as_of)
