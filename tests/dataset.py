"""A small hand-made dataset full of edge cases, used by the execution tests.

Every expected member set in the tests was worked out by hand from these rows; the
comments next to the rows say which edge each one exercises. The reference date for
relative time is AS_OF = 2026-06-30, so:

* "in last 90 days" = 2026-04-02 … 2026-06-30 (07-01 minus 90 days = 04-02)
* "in last 30 days" = 2026-06-01 … 2026-06-30
* "in last 7 days"  = 2026-06-24 … 2026-06-30
* "in last 3 months" = 2026-04-01 … 2026-06-30
* "180 days ago"    = 2026-01-01;  "90 days ago" = 2026-04-01
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

AS_OF = dt.date(2026, 6, 30)
D = dt.date
T = dt.datetime

_COLUMNS = (
    "customer_id", "age", "gender", "income", "life_stage", "region", "city", "email", "phone",
    "signup_date", "last_seen_at", "is_subscribed", "interests", "industry", "company_size", "name",
)

_CUSTOMERS: list[tuple[Any, ...]] = [
    # 1: young professional in London; last seen at the very end of the reference day
    (1, 30, "female", Decimal("85000"), "young_professional", "UK", "London", "ann@gmail.com", "+44 1",
     D(2024, 1, 1), T(2026, 6, 30, 23, 59, 59), True, ["yoga", "travel"], "tech", 800, "Ann O'Brien"),
    # 2: Dublin family; last seen exactly at the start of the 30-day window
    (2, 40, "male", Decimal("50000"), "family", "IE", "Dublin", "bob@outlook.com", None,
     D(2023, 12, 31), T(2026, 6, 1, 0, 0, 0), False, ["cooking", "travel"], "retail", 20, "Bob"),
    # 3: everything missing
    (3, None, None, None, None, None, None, None, None,
     None, None, None, None, None, None, None),
    # 4: a student with unicode text, an empty interest list, signed up on the reference day
    (4, 17, "nonbinary", Decimal("0"), "student", "US", "New York", "zoë@example.com", "555",
     D(2026, 6, 30), T(2026, 5, 31, 12, 0, 0), True, [], None, None, "Zoë Müller"),
    # 5: an email that looks like SQL injection; retired in Berlin
    (5, 65, "female", Decimal("120000"), "retired", "DE", "Berlin", "x'; drop table customers; --", "1",
     D(2020, 2, 29), T(2025, 12, 31, 23, 0, 0), True, ["gardening"], "finance", 5000, "Hans"),
    # 6: % and _ in the email; last seen exactly at midnight starting 90 days ago
    (6, 25, "male", Decimal("30000"), "young_professional", "UK", "London", "50%_off@promo.com", None,
     D(2026, 4, 1), T(2026, 4, 1, 0, 0, 0), True, ["running"], "tech", 499, "Sam"),
    # 7: an email containing 'UK' in upper case; empty nester
    (7, 58, "female", Decimal("80000"), "empty_nester", "FR", "Paris", "UK@x.com", "",
     D(2022, 6, 15), T(2026, 1, 1, 0, 0, 0), False, ["cooking", "travel", "yoga"], "retail", 10, "Élodie"),
    # 8: a case variant of a gmail address; a backslash in the name
    (8, 41, "female", Decimal("79999.99"), "family", "ES", "Madrid", "Ann@Gmail.com", "2",
     D(2023, 1, 1), T(2026, 3, 31, 23, 59, 59), True, ["travel", None], "health", 120, "A\\B"),
    # 9: an RFM champion: five paid orders of 60 in the last 365 days (the first exactly on
    # its first day), the last one 10 days ago
    (9, 35, "male", Decimal("60000"), "young_professional", "DE", "Berlin", "champ@gmail.com", "9",
     D(2025, 1, 15), T(2026, 6, 29, 10, 0, 0), True, ["tech", "cooking", "travel"], "tech", 1000, "Chris"),
    # 10: used to buy often (five paid orders of 100), nothing since July 2025
    (10, 52, "female", Decimal("95000"), "empty_nester", "FR", "Lyon", "risk@outlook.com", "10",
     D(2019, 5, 5), T(2025, 11, 11, 11, 11, 11), False, ["reading"], None, None, "Dana"),
]

CUSTOMERS: list[dict[str, Any]] = [dict(zip(_COLUMNS, row, strict=True)) for row in _CUSTOMERS]
ALL = {c["customer_id"] for c in CUSTOMERS}

_ORDER_COLUMNS = ("order_id", "customer_id", "amount", "status", "category", "created_at")
_ORDERS: list[tuple[Any, ...]] = [
    # customer 1: three paid orders inside the last 90 days, on both boundary days
    (101, 1, Decimal("100.00"), "paid", "shoes", T(2026, 4, 2, 0, 0, 0)),
    (102, 1, Decimal("200.50"), "paid", "books", T(2026, 5, 15, 12, 0, 0)),
    (103, 1, Decimal("300.00"), "paid", "games", T(2026, 6, 30, 23, 59, 59)),
    # customer 2: one paid order a second before the 90-day window, one refunded inside it
    (201, 2, Decimal("600.00"), "paid", "shoes", T(2026, 4, 1, 23, 59, 59)),
    (202, 2, Decimal("50.00"), "refunded", "shoes", T(2026, 6, 1, 0, 0, 0)),
    # customer 4: an order in the future (after the reference date)
    (401, 4, Decimal("1000.00"), "paid", "tech", T(2026, 7, 1, 0, 0, 0)),
    # customer 5: old orders, one with a missing amount; last order before "180 days ago"
    (501, 5, None, "paid", "garden", T(2025, 12, 1, 10, 0, 0)),
    (502, 5, Decimal("20.00"), "paid", "garden", T(2025, 1, 1, 9, 0, 0)),
    # customer 7: a zero amount and a negative (refund) amount, a cancelled order
    (701, 7, Decimal("0.00"), "paid", "books", T(2026, 6, 15, 8, 0, 0)),
    (702, 7, Decimal("-25.00"), "refunded", "books", T(2026, 6, 16, 8, 0, 0)),
    (703, 7, Decimal("250.00"), "cancelled", "tech", T(2025, 12, 31, 23, 59, 59)),
    # customer 8: exactly at the start of "180 days ago" day
    (801, 8, Decimal("120.00"), "paid", "shoes", T(2026, 1, 1, 0, 0, 0)),
    # customer 9: the RFM champion
    (901, 9, Decimal("60.00"), "paid", "tech", T(2025, 7, 1, 0, 0, 0)),
    (902, 9, Decimal("60.00"), "paid", "tech", T(2025, 10, 10, 10, 0, 0)),
    (903, 9, Decimal("60.00"), "paid", "tech", T(2026, 1, 20, 10, 0, 0)),
    (904, 9, Decimal("60.00"), "paid", "tech", T(2026, 3, 3, 10, 0, 0)),
    (905, 9, Decimal("60.00"), "paid", "tech", T(2026, 6, 20, 10, 0, 0)),
    # customer 10: at risk of churning
    (1001, 10, Decimal("100.00"), "paid", "books", T(2025, 3, 1, 10, 0, 0)),
    (1002, 10, Decimal("100.00"), "paid", "books", T(2025, 4, 1, 10, 0, 0)),
    (1003, 10, Decimal("100.00"), "paid", "books", T(2025, 5, 1, 10, 0, 0)),
    (1004, 10, Decimal("100.00"), "paid", "books", T(2025, 6, 1, 10, 0, 0)),
    (1005, 10, Decimal("100.00"), "paid", "books", T(2025, 7, 15, 10, 0, 0)),
]
ORDERS: list[dict[str, Any]] = [dict(zip(_ORDER_COLUMNS, row, strict=True)) for row in _ORDERS]

_EVENTS: list[tuple[Any, ...]] = [
    # customer 1: added to cart and bought
    (1, "add_to_cart", T(2026, 6, 25, 10, 0, 0)),
    (1, "purchase", T(2026, 6, 26, 10, 0, 0)),
    # customer 2: added to cart on the first day of the 7-day window, did not buy
    (2, "add_to_cart", T(2026, 6, 24, 0, 0, 0)),
    # customer 4: added to cart one second before the 7-day window; later a page view
    (4, "add_to_cart", T(2026, 6, 23, 23, 59, 59)),
    (4, "page_view", T(2026, 6, 30, 12, 0, 0)),
    # customer 6: added to cart inside the window, bought before it
    (6, "add_to_cart", T(2026, 6, 29, 9, 0, 0)),
    (6, "purchase", T(2026, 6, 20, 9, 0, 0)),
    # customer 8: added to cart on the reference day, subscribed, no purchase
    (8, "add_to_cart", T(2026, 6, 30, 23, 59, 59)),
]
EVENTS: list[dict[str, Any]] = [
    {"customer_id": c, "name": n, "ts": ts} for c, n, ts in _EVENTS
]

RELATIONS: dict[str, list[dict[str, Any]]] = {"orders": ORDERS, "events": EVENTS}
