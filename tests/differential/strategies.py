"""Random well-typed segments and edge-case data for differential testing.

Everything comes from one integer seed (``make_case``), drawn by Hypothesis in the test: a
``random.Random`` seeded with it builds the data and a batch of segments, so every batch is
as varied as the next (Hypothesis's own first examples are its simplest ones, which made the
first batch fifty copies of ``age = -1``), and a seed alone reproduces a batch.

Segments are *text* over examples/schema.yml, so the parser and checker are exercised too.
The data is full of what engines disagree on: missing values everywhere (also relation keys,
row times and list elements), empty strings, quotes, backslashes, % and _, unicode, enum
values and event names in another case (which must never match), zero, negative and
fractional amounts, timestamps with microseconds and exactly on window edges, dates before
1970 (down to 1900, where ClickHouse's Date32 ends), customers with no rows, rows of nobody.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# ---- data ---------------------------------------------------------------------------

TRICKY_TEXT = [
    "", "a", "ann@gmail.com", "Ann@Gmail.com", "O'Brien", 'say "hi"', "back\\slash", "50%_off",
    "under_score", "per%cent", "zoë", "zoe\u0308", "Zoë Müller", "日本語", "x'; drop table customers; --",
    "  padded  ", "UK", "uk", "a_c", "abc", "a%c", "--", ";", "a ", "UK ", "[ab]", "a\\%b",
    "tab\there", "line\nbreak", "🙂", "İstanbul", "ǅ",
]
# Values outside the declared enum (another case, a trailing space) sit in the data: a
# condition on the declared value must never match them.
REGIONS = ["UK", "IE", "US", "DE", "FR", "ES", "uk", "Uk", "UK "]
GENDERS = ["female", "male", "nonbinary", "Female", "MALE"]
STAGES = ["student", "young_professional", "family", "empty_nester", "retired", "Retired"]
INDUSTRIES = ["retail", "finance", "health", "tech", "education", "manufacturing", "Tech"]
INTERESTS = ["running", "yoga", "cooking", "travel", "gaming", "Running", "YOGA", "", "a%", None]
CATEGORIES = ["shoes", "books", "tech", "garden", "", "b%ok", "b_ok", "Books", "it's", "\\"]
STATUSES = ["paid", "refunded", "cancelled", "Paid", "PAID", "paid "]
EVENT_NAMES = ["page_view", "add_to_cart", "checkout", "purchase", "email_open", "app_open",
               "PURCHASE", "Add_To_Cart", "purchase "]
AMOUNTS = ["0", "10", "20.5", "-3", "99.99", "100", "500", "1000", "0.1", "0.2", "0.3", "0.0001",
           "-0.0001", "33.3333", "123456.789"]
AS_OF_CHOICES = [dt.date(2026, 6, 30), dt.date(2024, 2, 29), dt.date(2026, 3, 31),
                 dt.date(2025, 12, 31), dt.date(2026, 1, 1)]
# Calendar days segments and data both use: far in the past, around 1970, at month ends.
OLD_DAYS = [dt.date(1900, 1, 1), dt.date(1900, 1, 2), dt.date(1965, 7, 20), dt.date(1969, 12, 31),
            dt.date(1970, 1, 1), dt.date(1999, 12, 31), dt.date(2000, 2, 29), dt.date(2022, 12, 31),
            dt.date(2023, 1, 1), dt.date(2023, 3, 1)]
WINDOW_OFFSETS = [0, 1, 2, 6, 7, 8, 29, 30, 31, 89, 90, 91, 179, 180, 181, 364, 365, 366, -1]
TIMES = [dt.time(0, 0), dt.time(23, 59, 59, 999999), dt.time(23, 59, 59), dt.time(0, 0, 0, 1),
         dt.time(12, 0), dt.time(12, 0, 0, 500000)]


def _maybe(rng: random.Random, value: Any, missing: float = 0.15) -> Any:
    return None if rng.random() < missing else value


def boundary_day(rng: random.Random, as_of: dt.date) -> dt.date:
    """A day on or next to a window edge, a month end, an old day, or any day of 3 years."""
    roll = rng.random()
    if roll < 0.5:
        return as_of - dt.timedelta(days=rng.choice(WINDOW_OFFSETS))
    if roll < 0.65:
        return rng.choice(OLD_DAYS)
    if roll < 0.8:
        year = as_of.year - rng.randrange(0, 4)
        month = rng.randrange(1, 13)
        first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
        return first_next - dt.timedelta(days=rng.choice([1, 2, 3, 28, 29, 30, 31]))
    return as_of - dt.timedelta(days=rng.randrange(-5, 1100))


def boundary_moment(rng: random.Random, as_of: dt.date) -> dt.datetime:
    """A timestamp on a window edge (00:00:00, 23:59:59.999999 …) or anywhere."""
    day = boundary_day(rng, as_of)
    if rng.random() < 0.7:
        return dt.datetime.combine(day, rng.choice(TIMES))
    return dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60), rng.randrange(60),
                                            rng.choice([0, 0, rng.randrange(1_000_000)])))


def make_dataset(seed: int, customers: int = 48) -> tuple[dt.date, list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """(as_of, customer rows, relation rows) keyed by physical column names."""
    rng = random.Random(seed)
    as_of = rng.choice(AS_OF_CHOICES)
    keys = [*rng.sample(range(1, 10_000), customers - 2), 0, 9_007_199_254_740_993]  # 2**53 + 1
    people: list[dict[str, Any]] = []
    orders: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for key in keys:
        interests = _maybe(rng, [rng.choice(INTERESTS) for _ in range(rng.choice([0, 1, 2, 3, 4]))])
        people.append({
            "customer_id": key,
            "age": _maybe(rng, rng.choice([0, 1, 17, 18, 19, 25, 30, 40, 41, 64, 65, 66, 99, -1, 120])),
            "gender": _maybe(rng, rng.choice(GENDERS)),
            "income": _maybe(rng, Decimal(rng.choice(["0", "0.01", "-5.5", "19999.99", "20000", "80000",
                                                      "123456.78", "0.1", "0.3"]))),
            "life_stage": _maybe(rng, rng.choice(STAGES)),
            "region": _maybe(rng, rng.choice(REGIONS)),
            "city": _maybe(rng, rng.choice(TRICKY_TEXT)),
            "email": _maybe(rng, rng.choice(TRICKY_TEXT)),
            "phone": _maybe(rng, rng.choice(["", "555", "+44 1", " "])),
            "signup_date": _maybe(rng, boundary_day(rng, as_of)),
            "last_seen_at": _maybe(rng, boundary_moment(rng, as_of)),
            "is_subscribed": _maybe(rng, rng.random() < 0.5),
            "interests": interests,
            "industry": _maybe(rng, rng.choice(INDUSTRIES), 0.4),
            "company_size": _maybe(rng, rng.choice([1, 49, 50, 499, 500, 10000]), 0.4),
            "name": _maybe(rng, rng.choice(TRICKY_TEXT)),
        })
    owners: list[int | None] = [*keys, None, 424242]  # a missing key; a key nobody has
    for key in keys:
        for _ in range(rng.choice([0, 0, 1, 2, 3, 5, 8])):
            orders.append(_order(rng, as_of, key, len(orders) + 1))
        for _ in range(rng.choice([0, 1, 3, 6])):
            events.append(_event(rng, as_of, key))
    for _ in range(rng.randrange(1, 5)):  # rows that join no customer
        orders.append(_order(rng, as_of, rng.choice(owners[-2:]), len(orders) + 1))
        events.append(_event(rng, as_of, rng.choice(owners[-2:])))
    rng.shuffle(orders)
    return as_of, people, {"orders": orders, "events": events}


def _order(rng: random.Random, as_of: dt.date, key: int | None, order_id: int) -> dict[str, Any]:
    return {"order_id": _maybe(rng, order_id, 0.03), "customer_id": key,
            "amount": _maybe(rng, Decimal(rng.choice(AMOUNTS)), 0.1),
            "status": _maybe(rng, rng.choice(STATUSES), 0.05),
            "category": _maybe(rng, rng.choice(CATEGORIES), 0.1),
            "created_at": _maybe(rng, boundary_moment(rng, as_of), 0.05)}


def _event(rng: random.Random, as_of: dt.date, key: int | None) -> dict[str, Any]:
    return {"customer_id": key, "name": _maybe(rng, rng.choice(EVENT_NAMES), 0.05),
            "ts": _maybe(rng, boundary_moment(rng, as_of), 0.05)}


# ---- segments -------------------------------------------------------------------------


def quote(text: str) -> str:
    """A segdsl string literal (either quote kind; the one inside is doubled)."""
    return "'" + text.replace("'", "''") + "'"


def _list(values: list[str]) -> str:
    return "(" + ", ".join(values) + ")"


COMPARISONS = ["=", "!=", "<", "<=", ">", ">=", "==", "<>"]
INTS = [-1, 0, 1, 17, 18, 30, 41, 65, 100, 120, 499, 500]
DECIMALS = ["0", "0.01", "-5.5", "19999.99", "20000", "80000.00", "0.1", "0.3", "0.6", "100"]
AMOUNT_LITERALS = ["0", "0.3", "0.6", "-3", "10", "20.5", "30.5", "99.99", "100", "200", "500", "1000"]
PERCENTS = ["0.5", "1", "2.5", "10", "25", "33.3", "50", "75", "99", "100"]
REGEXES = ["'^a'", "'com$'", "'[0-9]+'", "'(UK|uk)'", "'a.c'", "'^$'", "'@'", "'^[A-Z]'", "'\\.'",
           "'o{2,}'", "'[^a-z]'"]
TEXT_FIELDS = ["email", "city", "full_name", "phone"]
SAFE_TEXT = [t for t in TRICKY_TEXT if "\n" not in t]  # a literal cannot hold a line break


@dataclass
class SegmentGenerator:
    """Builds segment conditions from a ``random.Random``; ``as_of`` picks literal days that
    fall on the same edges as the data."""

    rng: random.Random
    as_of: dt.date
    leaves: int = field(default=0)

    def pick(self, options: list[Any]) -> Any:
        return self.rng.choice(options)

    # ---- time ------------------------------------------------------------------------
    def day(self) -> str:
        if self.rng.random() < 0.15:
            return self.pick(OLD_DAYS).isoformat()
        return boundary_day(self.rng, self.as_of).isoformat()

    def moment(self) -> str:
        moment = boundary_moment(self.rng, self.as_of)
        if self.rng.random() < 0.4:  # the last or first microsecond of a day
            moment = dt.datetime.combine(moment.date(), self.pick([dt.time(23, 59, 59, 999999), dt.time(0, 0, 0, 1)]))
        return moment.isoformat()

    def span(self, low: int) -> str:
        unit = self.pick(["day", "days", "week", "weeks", "month", "months", "year", "years"])
        top = {"d": 400, "w": 60, "m": 60, "y": 130}[unit[0]]
        return f"{self.rng.randint(low, top)} {unit}"

    def window(self, timestamp: bool = True) -> str:
        point = self.moment if timestamp and self.rng.random() < 0.3 else self.day
        kind = self.rng.randrange(8)
        if kind == 0:
            return f" in last {self.span(1)}"
        if kind == 1:
            return f" before {self.span(0)} ago"
        if kind == 2:
            return f" after {self.span(0)} ago"
        if kind == 3:
            return f" before {point()}"
        if kind == 4:
            return f" after {point()}"
        if kind == 5:
            return self.pick([" before today", " after today"])
        low, high = sorted([self.day(), self.day()])
        return f" between {low} and {high}"

    def time_condition(self, name: str, timestamp: bool) -> str:
        kind = self.rng.randrange(5)
        if kind <= 1:
            return name + self.window(timestamp)
        if kind == 2:
            point = self.moment() if timestamp and self.rng.random() < 0.5 else self.day()
            return f"{name} {self.pick(COMPARISONS)} {point}"
        if kind == 3:
            low, high = sorted([self.day(), self.day()])
            return f"{name} {low}..{high}"
        return f"{name} is {self.pick(['', 'not '])}null"

    # ---- fields ----------------------------------------------------------------------
    def number_condition(self, name: str, values: list[Any]) -> str:
        kind = self.rng.randrange(10)
        if kind <= 1 or kind >= 6:
            return f"{name} {self.pick(COMPARISONS)} {self.pick(values)}"
        if kind == 2:
            low, high = sorted([self.pick(values), self.pick(values)], key=Decimal)
            return f"{name} {low}..{high}" if self.rng.random() < 0.5 else f"{name} between {low} and {high}"
        if kind == 3:
            chosen = [str(v) for v in self.rng.sample(values, self.rng.randint(1, min(4, len(values))))]
            return f"{name} {self.pick(['', 'not '])}in {_list(chosen)}"
        if kind == 4:
            return f"{name} is {self.pick(['', 'not '])}null"
        return f"{name} in {self.pick(['top', 'bottom'])} {self.pick(PERCENTS)}%"

    def text_condition(self) -> str:
        name = self.pick(TEXT_FIELDS)
        text = quote(self.pick(SAFE_TEXT))
        kind = self.rng.randrange(12)
        if kind in (0, 11):
            return f"{name} {self.pick(['=', '!='])} {text}"
        if kind == 1:
            chosen = [quote(v) for v in self.rng.sample(SAFE_TEXT, self.rng.randint(1, 4))]
            return f"{name} {self.pick(['', 'not '])}in {_list(chosen)}"
        if kind <= 4:
            return f"{self.pick(['', 'not '])}{name} {self.pick(['starts with', 'ends with', 'contains'])} {text}"
        if kind <= 7:
            return f"{self.pick(['', 'not '])}{self.pick(['email', 'city', 'full_name'])} matches {self.pick(REGEXES)}"
        if kind <= 9:
            return f"not {name} contains {text}"
        return f"{name} is {self.pick(['', 'not '])}null"

    def enum_condition(self) -> str:
        name, values = self.pick([("region", ["UK", "IE", "US", "DE", "FR", "ES"]),
                                  ("gender", ["female", "male", "nonbinary"]),
                                  ("life_stage", ["student", "family", "retired", "young_professional"]),
                                  ("industry", ["retail", "tech", "finance"])])
        if self.rng.random() < 0.5:
            return f"{name} {self.pick(['=', '!='])} {quote(self.pick(values))}"
        chosen = [quote(v) for v in self.rng.sample(values, self.rng.randint(1, 3))]
        return f"{name} {self.pick(['', 'not '])}in {_list(chosen)}"

    def list_condition(self) -> str:
        values = ["'yoga'", "'running'", "'Running'", "'travel'", "''", "'a%'", "'YOGA'"]
        kind = self.rng.randrange(5)
        if kind == 0:
            return f"interests contains {self.pick(values)}"
        if kind <= 2:
            chosen = self.rng.sample(values, self.rng.randint(1, 3))
            return f"interests has {self.pick(['any', 'all'])} {_list(chosen)}"
        return f"interests is {self.pick(['', 'not '])}null"

    def field_condition(self) -> str:
        kind = self.rng.randrange(16)
        if kind == 15:
            return self.list_condition()
        if kind <= 1:
            return self.number_condition(self.pick(["age", "company_size"]), INTS)
        if kind == 2:
            return self.number_condition("income", DECIMALS)
        if kind <= 5:
            return self.text_condition()
        if kind == 6:
            return self.enum_condition()
        if kind == 7:
            return self.pick(["is_subscribed", "is_subscribed = true", "is_subscribed = false",
                              "not is_subscribed", "is_subscribed is null", "adult", "not adult"])
        if kind == 8:
            return self.time_condition("signup_date", timestamp=False)
        if kind == 9:
            return self.time_condition("last_seen_at", timestamp=True)
        if kind == 10:
            return self.list_condition()
        if kind == 11:
            return self.number_condition("orders_90d", [0, 1, 2, 3])
        if kind == 12:
            return self.number_condition("lifetime_value", AMOUNT_LITERALS)
        return "last_order_at" + self.window()

    # ---- related rows ----------------------------------------------------------------
    def order_atom(self) -> str:
        kind = self.rng.randrange(9)
        if kind <= 1:
            return f"amount {self.pick(COMPARISONS)} {self.pick(AMOUNT_LITERALS)}"
        if kind == 2:
            return f"amount {self.pick(['', 'not '])}in {_list(self.rng.sample(AMOUNT_LITERALS, 2))}"
        if kind == 3:
            return f"status {self.pick(['=', '!='])} {quote(self.pick(['paid', 'refunded', 'cancelled']))}"
        if kind == 4:
            return f"status {self.pick(['', 'not '])}in ('paid', 'cancelled')"
        if kind == 5:
            text = quote(self.pick([*CATEGORIES, "b", "%", "_"]))
            return f"category {self.pick(['=', '!=', 'starts with', 'ends with', 'contains'])} {text}"
        if kind == 6:
            return f"{self.pick(['amount', 'category', 'status', 'created_at', 'order_id'])} is {self.pick(['', 'not '])}null"
        if kind == 7:
            return self.time_condition("created_at", timestamp=True)
        return f"order_id {self.pick(COMPARISONS)} {self.rng.randint(0, 60)}"

    def event_atom(self) -> str:
        kind = self.rng.randrange(5)
        names = ["page_view", "add_to_cart", "checkout", "purchase"]
        if kind <= 1:
            return f"name {self.pick(['=', '!='])} {quote(self.pick(names))}"
        if kind == 2:
            return f"name {self.pick(['', 'not '])}in {_list([quote(n) for n in self.rng.sample(names, 2)])}"
        if kind == 3:
            return f"name is {self.pick(['', 'not '])}null"
        return self.time_condition("ts", timestamp=True)

    def row_filter(self, relation: str) -> str:
        """A filter over related rows: atoms combined with and / or / not."""
        atom = self.order_atom if relation == "orders" else self.event_atom
        kind = self.rng.randrange(6)
        if kind <= 1:
            return atom()
        if kind == 2:
            return f"not {atom()}" if self.rng.random() < 0.5 else f"not ({atom()} or {atom()})"
        if kind == 3:
            return f"{atom()} and {atom()}"
        if kind == 4:
            return f"({atom()} or not {atom()})"
        return f"not ({atom()} and ({atom()} or {atom()}))"

    def rows(self, relation: str, parenthesise: bool = False) -> str:
        """`orders[ window][ where filter]` (a filter after has/no is one condition)."""
        return relation + self.rows_tail(relation, parenthesise)

    def rows_tail(self, relation: str, parenthesise: bool = False) -> str:
        """`[ window][ where filter]` for rows of ``relation``."""
        text = ""
        if self.rng.random() < 0.6:
            text += self.window()
        if self.rng.random() < 0.6:
            condition = self.row_filter(relation)
            if parenthesise and (" and " in condition or " or " in condition) and not condition.startswith("("):
                condition = f"({condition})"
            text += f" where {condition}"
        return text

    def aggregate_value(self) -> tuple[str, list[Any]]:
        """An aggregate and the literals that make sense to compare it with."""
        kind = self.rng.randrange(9)
        if kind <= 1:
            return f"count({self.rows('orders')})", [0, 1, 2, 3]
        if kind == 2:
            return f"count({self.rows('events')})", [0, 1, 2]
        if kind <= 4:
            return f"sum(orders.amount{self.rows_tail('orders')})", AMOUNT_LITERALS
        if kind == 5:
            return f"avg(orders.amount{self.rows_tail('orders')})", AMOUNT_LITERALS
        if kind == 6:
            return f"{self.pick(['min', 'max'])}(orders.amount{self.rows_tail('orders')})", AMOUNT_LITERALS
        if kind == 7:
            column = self.pick(["orders.category", "orders.status"])
            return f"count distinct({column}{self.rows_tail('orders')})", [0, 1, 2]
        return f"count distinct(events.name{self.rows_tail('events')})", [0, 1, 2]

    def aggregate_condition(self) -> str:
        kind = self.rng.randrange(6)
        if kind <= 2:
            value, literals = self.aggregate_value()
            return self.number_condition(value, literals)
        if kind == 3:
            fn = self.pick(["min", "max"])
            relation, column = self.pick([("orders", "orders.created_at"), ("events", "events.ts")])
            return self.time_condition(f"{fn}({column}{self.rows_tail(relation)})", timestamp=True)
        relation = self.pick(["orders", "events"])
        return f"{self.pick(['has', 'no'])} {self.rows(relation, parenthesise=True)}"

    def percentile(self) -> str:
        value = self.pick(["age", "income", "company_size", "lifetime_value", "orders_90d",
                           "sum(orders.amount)", "avg(orders.amount where status = 'paid')",
                           "count(events in last 30 days)", self.aggregate_value()[0]])
        return f"{value} in {self.pick(['top', 'bottom'])} {self.pick(PERCENTS)}%"

    # ---- conditions ------------------------------------------------------------------
    def atom(self, references: list[str]) -> str:
        roll = self.rng.random()
        if references and roll < 0.15:
            return f"{self.pick(['', 'not '])}in segment {self.pick(references)}"
        if roll < 0.2:
            return self.percentile()
        if roll < 0.55:
            return self.aggregate_condition()
        return self.field_condition()

    def condition(self, references: list[str], depth: int = 0) -> str:
        """A random condition of at most a few levels; may use the named earlier segments."""
        if depth >= 3 or self.rng.random() < (0.45 if depth == 0 else 0.6):
            return self.atom(references)
        kind = self.rng.randrange(5)
        parts = [self.condition(references, depth + 1) for _ in range(self.rng.randint(2, 3))]
        if kind <= 1:
            return "(" + " and ".join(parts) + ")"
        if kind <= 3:
            return "(" + " or ".join(parts) + ")"
        return f"not ({parts[0]})"


def segment_batch(rng: random.Random, as_of: dt.date, size: int) -> list[tuple[str, str]]:
    """``size`` (name, condition) pairs s0…; a segment may refer to the ones before it."""
    generator = SegmentGenerator(rng, as_of)
    batch: list[tuple[str, str]] = []
    for index in range(size):
        earlier = [f"s{i}" for i in range(max(0, index - 8), index)]
        batch.append((f"s{index}", generator.condition(earlier)))
    return batch


@dataclass(frozen=True)
class Case:
    """One generated batch: the data and the segments (name, condition), from one seed."""

    seed: int
    as_of: dt.date
    people: list[dict[str, Any]]
    relations: dict[str, list[dict[str, Any]]]
    segments: list[tuple[str, str]]


def make_case(seed: int, size: int = 80) -> Case:
    as_of, people, relations = make_dataset(seed)
    segments = segment_batch(random.Random(f"segments {seed}"), as_of, size)
    return Case(seed, as_of, people, relations, segments)
