"""Random well-typed segments and edge-case data for differential testing.

Segments are generated as *text* over examples/schema.yml, so the parser and checker are
exercised too. Data is full of the cases engines disagree on: missing values everywhere,
empty strings, quotes, backslashes, % and _, unicode, enum values in the wrong case,
zero and negative amounts, timestamps exactly on window boundaries, customers with no rows
and rows in the future.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

# ---- data ---------------------------------------------------------------------------

TRICKY_TEXT = [
    "", "a", "ann@gmail.com", "Ann@Gmail.com", "O'Brien", 'say "hi"', "back\\slash", "50%_off",
    "under_score", "per%cent", "zoë", "Zoë Müller", "日本語", "x'; drop table customers; --",
    "  padded  ", "UK", "uk", "a_c", "abc", "a%c", "--", ";", "a ", "UK ",
]
REGIONS = ["UK", "IE", "US", "DE", "FR", "ES", "uk", "Uk", "UK "]  # case variants are not in the enum
GENDERS = ["female", "male", "nonbinary", "Female"]
STAGES = ["student", "young_professional", "family", "empty_nester", "retired"]
INDUSTRIES = ["retail", "finance", "health", "tech", "education", "manufacturing"]
INTERESTS = ["running", "yoga", "cooking", "travel", "gaming", "Running"]
CATEGORIES = ["shoes", "books", "tech", "garden", "", "b%ok", "b_ok"]
STATUSES = ["paid", "refunded", "cancelled", "PAID"]
EVENT_NAMES = ["page_view", "add_to_cart", "checkout", "purchase", "email_open", "app_open"]
AS_OF_CHOICES = [dt.date(2026, 6, 30), dt.date(2024, 2, 29), dt.date(2026, 3, 31), dt.date(2025, 12, 31)]


def _maybe(rng: random.Random, value: Any, missing: float = 0.15) -> Any:
    return None if rng.random() < missing else value


def _boundary_moment(rng: random.Random, as_of: dt.date) -> dt.datetime:
    """A timestamp on or next to a window edge, or anywhere in the last three years."""
    offsets = [0, 1, 2, 6, 7, 8, 29, 30, 31, 89, 90, 91, 179, 180, 181, 364, 365, 366, -1]
    if rng.random() < 0.6:
        day = as_of - dt.timedelta(days=rng.choice(offsets))
        time = rng.choice([dt.time(0, 0, 0), dt.time(23, 59, 59), dt.time(12, 0, 0)])
    else:
        day = as_of - dt.timedelta(days=rng.randrange(-5, 1100))
        time = dt.time(rng.randrange(24), rng.randrange(60), rng.randrange(60))
    return dt.datetime.combine(day, time)


def _month_edge_date(rng: random.Random, as_of: dt.date) -> dt.date:
    if rng.random() < 0.5:
        return _boundary_moment(rng, as_of).date()
    year = as_of.year - rng.randrange(0, 4)
    month = rng.randrange(1, 13)
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=rng.choice([1, 2, 3, 28, 29, 30, 31]))


def make_dataset(seed: int, customers: int = 40) -> tuple[dt.date, list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """(as_of, customer rows, relation rows) keyed by physical column names."""
    rng = random.Random(seed)
    as_of = rng.choice(AS_OF_CHOICES)
    people: list[dict[str, Any]] = []
    orders: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    order_id = 1
    for key in range(1, customers + 1):
        interests = _maybe(rng, rng.sample(INTERESTS, rng.randrange(0, 4)))
        people.append({
            "customer_id": key,
            "age": _maybe(rng, rng.choice([0, 1, 17, 18, 19, 25, 30, 40, 41, 64, 65, 66, 99, -1])),
            "gender": _maybe(rng, rng.choice(GENDERS)),
            "income": _maybe(rng, Decimal(rng.choice(["0", "0.01", "-5.5", "19999.99", "20000", "80000", "123456.78"]))),
            "life_stage": _maybe(rng, rng.choice(STAGES)),
            "region": _maybe(rng, rng.choice(REGIONS)),
            "city": _maybe(rng, rng.choice(TRICKY_TEXT)),
            "email": _maybe(rng, rng.choice(TRICKY_TEXT)),
            "phone": _maybe(rng, rng.choice(["", "555", "+44 1"])),
            "signup_date": _maybe(rng, _month_edge_date(rng, as_of)),
            "last_seen_at": _maybe(rng, _boundary_moment(rng, as_of)),
            "is_subscribed": _maybe(rng, rng.random() < 0.5),
            "interests": interests,
            "industry": _maybe(rng, rng.choice(INDUSTRIES), 0.5),
            "company_size": _maybe(rng, rng.choice([1, 49, 50, 499, 500, 10000]), 0.5),
            "name": _maybe(rng, rng.choice(TRICKY_TEXT)),
        })
        for _ in range(rng.choice([0, 0, 1, 2, 3, 5, 8])):
            orders.append({
                "order_id": order_id, "customer_id": key,
                "amount": _maybe(rng, Decimal(rng.choice(["0", "10", "20.5", "-3", "99.99", "100", "500", "1000"])), 0.1),
                "status": _maybe(rng, rng.choice(STATUSES), 0.05),
                "category": _maybe(rng, rng.choice(CATEGORIES), 0.1),
                "created_at": _boundary_moment(rng, as_of),
            })
            order_id += 1
        for _ in range(rng.choice([0, 1, 3, 6])):
            events.append({"customer_id": key, "name": _maybe(rng, rng.choice(EVENT_NAMES), 0.05),
                           "ts": _boundary_moment(rng, as_of)})
    return as_of, people, {"orders": orders, "events": events}


# ---- segments -------------------------------------------------------------------------


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _list(values: list[str]) -> str:
    return "(" + ", ".join(values) + ")"


strings = st.sampled_from(TRICKY_TEXT).map(_quote)
ints = st.sampled_from(["-1", "0", "1", "17", "18", "30", "41", "65", "100", "499", "500"])
decimals = st.sampled_from(["0", "0.01", "-5.5", "19999.99", "20000", "80000.00", "10", "20.5", "100", "500"])
dates = st.sampled_from(["2024-02-29", "2025-12-31", "2026-03-31", "2026-06-30", "2026-01-01", "2023-03-01"])
timestamps = st.sampled_from(["2026-06-30T00:00:00", "2026-06-29T23:59:59", "2024-02-29T12:00:00"])
amounts = st.integers(min_value=0, max_value=400).map(str)
comparisons = st.sampled_from(["=", "!=", "<", "<=", ">", ">=", "==", "<>"])
regexes = st.sampled_from(["'^a'", "'com$'", "'[0-9]+'", "'(UK|uk)'", "'a.c'", "'^$'", "'@'"])


def _span(low: int) -> st.SearchStrategy[str]:
    """'N units' within engines' date ranges (nanosecond timestamps end before 1678)."""
    return st.one_of(
        st.builds(lambda n, u: f"{n} {u}", st.integers(low, 400), st.sampled_from(["day", "days", "week", "weeks"])),
        st.builds(lambda n, u: f"{n} {u}", st.integers(low, 60), st.sampled_from(["month", "months"])),
        st.builds(lambda n, u: f"{n} {u}", st.integers(low, 5), st.sampled_from(["year", "years"])),
    )


def _window() -> st.SearchStrategy[str]:
    return st.one_of(
        _span(1).map(lambda span: f" in last {span}"),
        _span(0).map(lambda span: f" before {span} ago"),
        _span(0).map(lambda span: f" after {span} ago"),
        st.builds(lambda d: f" before {d}", dates),
        st.builds(lambda d: f" after {d}", dates),
        st.just(" before today"),
        st.builds(lambda a, b: f" between {min(a, b)} and {max(a, b)}", dates, dates),
    )


def _time_condition(field: str) -> st.SearchStrategy[str]:
    return st.one_of(
        _window().map(lambda w: field + w),
        st.builds(lambda op, d: f"{field} {op} {d}", comparisons, dates),
        st.builds(lambda a, b: f"{field} {min(a, b)}..{max(a, b)}", dates, dates),
    )


def _order_filter() -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda op, n: f"amount {op} {n}", comparisons, amounts),
        st.sampled_from(["status = 'paid'", "status != 'refunded'", "status in ('paid', 'cancelled')",
                         "category starts with 'b'", "category contains '%'", "amount is null",
                         "category = ''"]),
    )


def _event_filter() -> st.SearchStrategy[str]:
    return st.sampled_from(["name = 'add_to_cart'", "name = 'purchase'", "name != 'page_view'",
                            "name in ('checkout', 'purchase')", "name is null"])


def _aggregate() -> st.SearchStrategy[str]:
    window = st.one_of(st.just(""), _window())
    order_filter = st.one_of(st.just(""), _order_filter().map(lambda f: f" where {f}"),
                             st.builds(lambda a, b: f" where {a} and {b}", _order_filter(), _order_filter()))
    event_filter = st.one_of(st.just(""), _event_filter().map(lambda f: f" where {f}"))
    return st.one_of(
        st.builds(lambda w, f, op, n: f"count(orders{w}{f}) {op} {n}", window, order_filter, comparisons,
                  st.sampled_from(["0", "1", "2", "3"])),
        st.builds(lambda w, f, op, n: f"count(events{w}{f}) {op} {n}", window, event_filter, comparisons,
                  st.sampled_from(["0", "1", "2"])),
        st.builds(lambda fn, w, f, op, n: f"{fn}(orders.amount{w}{f}) {op} {n}",
                  st.sampled_from(["sum", "avg", "min", "max"]), window, order_filter, comparisons, amounts),
        st.builds(lambda w, f, op, n: f"count distinct(orders.category{w}{f}) {op} {n}", window, order_filter,
                  comparisons, st.sampled_from(["0", "1", "2"])),
        st.builds(lambda fn, w: f"{fn}(orders.created_at{w})", st.sampled_from(["min", "max"]), st.just(""))
        .flatmap(lambda agg: _window().map(lambda win: agg + win)),
        st.builds(lambda neg, w, f: f"{neg} orders{w}{f}", st.sampled_from(["has", "no"]), window,
                  st.one_of(st.just(""), _order_filter().map(lambda f: f" where {f}"),
                            st.builds(lambda a, b: f" where ({a} or {b})", _order_filter(), _order_filter()))),
        st.builds(lambda neg, w, f: f"{neg} events{w}{f}", st.sampled_from(["has", "no"]), window,
                  event_filter),
    )


def _field_condition() -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda f, op, n: f"{f} {op} {n}", st.sampled_from(["age", "company_size"]), comparisons, ints),
        st.builds(lambda a, b: f"age {min(int(a), int(b))}..{max(int(a), int(b))}", ints, ints),
        st.builds(lambda op, n: f"income {op} {n}", comparisons, decimals),
        st.builds(lambda f, neg, vals: f"region {neg}in {_list(vals)}", st.just("region"),
                  st.sampled_from(["", "not "]),
                  st.lists(st.sampled_from(["'UK'", "'IE'", "'US'", "'DE'"]), min_size=1, max_size=3)),
        st.builds(lambda op, v: f"region {op} {v}", st.sampled_from(["=", "!="]),
                  st.sampled_from(["'UK'", "'IE'", "'FR'"])),
        st.builds(lambda v: f"gender = {v}", st.sampled_from(["'female'", "'male'"])),
        st.builds(lambda f, op, v: f"{f} {op} {v}", st.sampled_from(["email", "city", "full_name", "phone"]),
                  st.sampled_from(["=", "!="]), strings),
        st.builds(lambda f, kind, v: f"{f} {kind} {v}", st.sampled_from(["email", "city", "full_name"]),
                  st.sampled_from(["starts with", "ends with", "contains"]), strings),
        st.builds(lambda f, r: f"{f} matches {r}", st.sampled_from(["email", "city"]), regexes),
        st.builds(lambda f, neg: f"{f} is {neg}null",
                  st.sampled_from(["age", "email", "phone", "interests", "last_seen_at", "region"]),
                  st.sampled_from(["", "not "])),
        st.sampled_from(["is_subscribed", "is_subscribed = true", "is_subscribed = false", "adult"]),
        _time_condition("signup_date"),
        _time_condition("last_seen_at"),
        st.builds(lambda op, t: f"last_seen_at {op} {t}", comparisons, timestamps),
        st.builds(lambda v: f"interests contains {v}", st.sampled_from(["'yoga'", "'running'", "'Running'"])),
        st.builds(lambda mode, vals: f"interests has {mode} {_list(vals)}", st.sampled_from(["any", "all"]),
                  st.lists(st.sampled_from(["'yoga'", "'running'", "'travel'"]), min_size=1, max_size=3)),
        st.builds(lambda op, n: f"orders_90d {op} {n}", comparisons, st.sampled_from(["0", "1", "3"])),
        st.builds(lambda op, n: f"lifetime_value {op} {n}", comparisons, amounts),
        st.builds(lambda w: "last_order_at" + w, _window()),
        st.builds(lambda f, side, p: f"{f} in {side} {p}%",
                  st.sampled_from(["lifetime_value", "age", "income", "orders_90d"]),
                  st.sampled_from(["top", "bottom"]), st.sampled_from(["1", "10", "25", "33.3", "50", "100"])),
    )


def conditions(references: list[str]) -> st.SearchStrategy[str]:
    """A random condition; may refer to the named earlier segments."""
    atoms = [_field_condition(), _aggregate()]
    if references:
        atoms.append(st.sampled_from(references).map(lambda name: f"in segment {name}"))
    base = st.one_of(*atoms)
    return st.recursive(
        base,
        lambda inner: st.one_of(
            st.builds(lambda a, b: f"({a} and {b})", inner, inner),
            st.builds(lambda a, b: f"({a} or {b})", inner, inner),
            inner.map(lambda a: f"not ({a})"),
        ),
        max_leaves=5,
    )


@st.composite
def segment_batches(draw: st.DrawFn, size: int = 50) -> str:
    """A .seg text with ``size`` segments s0…; later ones may refer to earlier ones."""
    lines = []
    for index in range(size):
        earlier = [f"s{i}" for i in range(max(0, index - 5), index)]
        lines.append(f"segment s{index} where {draw(conditions(earlier))}")
    return "\n".join(lines) + "\n"
