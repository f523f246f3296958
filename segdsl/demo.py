"""Deterministic demo database matching ``examples/schema.yml``.

Everything is generated inside DuckDB from ``range()`` and ``hash(seed, key, salt)``
rather than ``random()``, so the same (customers, seed, anchor date) always yields the
same rows, and millions of rows take seconds instead of minutes in Python.
"""

from __future__ import annotations

import datetime
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from segdsl.diagnostics import SegdslError
from segdsl.runner import database_error
from segdsl.runners.base import first_line

__all__ = ["DemoStats", "generate_demo", "main_stats_text"]

MAX_CUSTOMERS = 100_000_000
INFO_TABLE = "segdsl_demo_info"  # what marks a file as a demo database (safe to replace)
_INT32 = 2**31

# u() is a uniform in [0, 1) and nrm() a standard normal, both pure functions of
# (seed, key, salt): the salt keeps the different attributes of one row independent.
# hash(a, b, c) alone combines its inputs weakly (u(.., 'x.r') and u(.., 'x.t') would
# correlate), so h() re-hashes the combined value to mix it properly.
_MACROS = """
CREATE TEMP MACRO h(s, k, salt) AS hash(hash(s, k, salt));
CREATE TEMP MACRO u(s, k, salt) AS ((h(s, k, salt) >> 11)::DOUBLE / 9007199254740992.0);
CREATE TEMP MACRO pick(s, k, salt, n) AS (1 + (h(s, k, salt) % n)::BIGINT);
CREATE TEMP MACRO nrm(s, k, salt) AS
    (sqrt(-2.0 * ln(1.0 - u(s, k, salt || '.r'))) * cos(2.0 * pi() * u(s, k, salt || '.t')));
CREATE TEMP MACRO secs(s, k, salt) AS to_seconds((h(s, k, salt) % 86400)::BIGINT);
"""

# Explicit DDL (not CREATE TABLE AS) so column types are exact even when empty.
_DDL = """
CREATE TABLE customers (customer_id BIGINT NOT NULL, age INTEGER, gender VARCHAR,
    income DECIMAL(12,2), life_stage VARCHAR, region VARCHAR, city VARCHAR, email VARCHAR,
    phone VARCHAR, signup_date DATE, last_seen_at TIMESTAMP, is_subscribed BOOLEAN,
    interests VARCHAR[], industry VARCHAR, company_size INTEGER, name VARCHAR);
CREATE TABLE orders (order_id BIGINT NOT NULL, customer_id BIGINT NOT NULL,
    amount DECIMAL(12,2), status VARCHAR, category VARCHAR, created_at TIMESTAMP);
CREATE TABLE events (customer_id BIGINT NOT NULL, name VARCHAR, ts TIMESTAMP);
CREATE TABLE segdsl_demo_info (anchor_date DATE, seed INTEGER, customers BIGINT);
"""

# Days-before-anchor that segment windows commonly use; a few rows land exactly on them
# (at midnight) so boundary handling ("in last 30 days") gets exercised.
_BOUNDARIES = "[0, 1, 7, 30, 90, 180, 365]"

_CUSTOMERS_SQL = f"""
INSERT INTO customers
WITH b AS (
  SELECT i AS k, $seed::INTEGER AS s, $anchor::DATE AS a, u(s, k, 'b2b') < 0.3 AS b2b,
    CASE WHEN u(s, k, 'reg') < 0.34 THEN 'UK' WHEN u(s, k, 'reg') < 0.58 THEN 'US'
         WHEN u(s, k, 'reg') < 0.71 THEN 'DE' WHEN u(s, k, 'reg') < 0.82 THEN 'FR'
         WHEN u(s, k, 'reg') < 0.92 THEN 'ES' ELSE 'IE' END AS region,
    round(42 + 15 * nrm(s, k, 'age')) AS age_raw,
    CASE WHEN u(s, k, 'sb') < 0.02 THEN {_BOUNDARIES}[pick(s, k, 'sbp', 7)]
         ELSE floor(2190 * pow(u(s, k, 'sd'), 1.4))::INTEGER END AS sd,
    ['Olivia', 'Liam', 'Emma', 'Noah', 'Amelia', 'Oliver', 'Sophie', 'Jack', 'Zoë', 'José',
     'Siobhán', 'Seán', 'Chloé', 'Lukas', 'Léa', 'Mateo', 'Sofía', 'Hannah', 'Aoife', 'James',
     'Mia', 'Lucía', 'Jürgen', 'Ava', 'Ethan', 'Isla', 'Hugo', 'Emily', 'Daniel', 'Grace']
      [pick(s, k, 'fn', 30)] AS first,
    ['Smith', 'Jones', 'Taylor', 'Brown', 'O''Brien', 'Murphy', 'Müller', 'Schmidt', 'García',
     'Martínez', 'Dubois', 'Lefèvre', 'Johnson', 'Williams', 'Wilson', 'O''Connor', 'Fernández',
     'Becker', 'Moreau', 'Kelly', 'Walsh', 'Davies', 'Evans', 'Thompson', 'López', 'Schneider',
     'Bernard', 'Byrne', 'Nguyen', 'Patel'][pick(s, k, 'ln', 30)] AS last
  FROM range(1, $n + 1) r(i)
), c AS (
  SELECT *, (CASE WHEN age_raw BETWEEN 16 AND 90 THEN age_raw
                  ELSE 16 + floor(75 * u(s, k, 'age2')) END)::INTEGER AS age0,
    CASE WHEN u(s, k, 'lb') < 0.02 THEN least(sd, {_BOUNDARIES}[pick(s, k, 'lbp', 7)])
         ELSE floor(least(sd, 730) * pow(u(s, k, 'ls'), 2.0))::INTEGER END AS ls,
    CASE region
      WHEN 'UK' THEN ['London', 'Manchester', 'Birmingham', 'Leeds', 'Glasgow', 'Edinburgh',
                      'Bristol', 'Liverpool', 'Cardiff', 'Belfast']
      WHEN 'US' THEN ['New York', 'Los Angeles', 'Chicago', 'Houston', 'Seattle', 'Boston',
                      'Austin', 'Denver']
      WHEN 'DE' THEN ['Berlin', 'München', 'Hamburg', 'Köln', 'Frankfurt', 'Stuttgart', 'Düsseldorf']
      WHEN 'FR' THEN ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Nice', 'Bordeaux', 'Lille']
      WHEN 'ES' THEN ['Madrid', 'Barcelona', 'Valencia', 'Sevilla', 'Málaga', 'Bilbao']
      ELSE ['Dublin', 'Cork', 'Galway', 'Limerick', 'Waterford'] END AS cities
  FROM b
)
SELECT k,
  CASE WHEN u(s, k, 'n_age') >= 0.03 THEN age0 END,
  CASE WHEN u(s, k, 'n_gen') < 0.05 THEN NULL WHEN u(s, k, 'gen') < 0.49 THEN 'female'
       WHEN u(s, k, 'gen') < 0.97 THEN 'male' ELSE 'nonbinary' END,
  CASE WHEN u(s, k, 'n_inc') >= 0.06 THEN round(exp(9.9 + 0.03 * (least(age0, 55) - 16)
       - CASE WHEN age0 < 23 THEN 1.0 WHEN age0 >= 67 THEN 0.35 ELSE 0 END
       + 0.5 * nrm(s, k, 'inc')), 2)::DECIMAL(12,2) END,
  CASE WHEN u(s, k, 'lsn') < 0.08
         THEN ['student', 'young_professional', 'family', 'empty_nester', 'retired']
              [pick(s, k, 'lsp', 5)]
       WHEN age0 < 23 THEN 'student' WHEN age0 < 33 THEN 'young_professional'
       WHEN age0 < 55 THEN 'family' WHEN age0 < 67 THEN 'empty_nester' ELSE 'retired' END,
  region,
  CASE WHEN u(s, k, 'n_city') >= 0.04
       THEN cities[1 + floor(len(cities) * pow(u(s, k, 'city'), 1.8))::INTEGER] END,
  lower(strip_accents(first)) || '.' || lower(strip_accents(last)) || k::VARCHAR || '@' ||
    CASE WHEN b2b THEN ['acme.co.uk', 'globex.com', 'initech.io', 'umbrella.de', 'contoso.com']
                       [pick(s, k, 'cdom', 5)]
         WHEN u(s, k, 'dom') < 0.55 THEN 'gmail.com' WHEN u(s, k, 'dom') < 0.8 THEN 'outlook.com'
         WHEN u(s, k, 'dom') < 0.9 THEN 'yahoo.com' ELSE 'icloud.com' END,
  CASE WHEN u(s, k, 'n_ph') >= 0.07 THEN CASE region WHEN 'UK' THEN '+44 7' WHEN 'US' THEN '+1 2'
       WHEN 'DE' THEN '+49 15' WHEN 'FR' THEN '+33 6' WHEN 'ES' THEN '+34 6' ELSE '+353 8' END
       || lpad((h(s, k, 'ph') % 1000000000)::VARCHAR, 9, '0') END,
  a - sd,
  CASE WHEN u(s, k, 'n_seen') >= 0.05 THEN (a - ls)::TIMESTAMP
       + CASE WHEN u(s, k, 'lb') < 0.02 THEN INTERVAL 0 SECOND ELSE secs(s, k, 'lst') END END,
  u(s, k, 'sub') < 0.58,
  CASE WHEN u(s, k, 'n_int') >= 0.05 THEN list_transform(
    range(CASE WHEN u(s, k, 'ni') < 0.2 THEN 0 WHEN u(s, k, 'ni') < 0.45 THEN 1
               WHEN u(s, k, 'ni') < 0.7 THEN 2 WHEN u(s, k, 'ni') < 0.88 THEN 3 ELSE 4 END),
    lambda j: ['running', 'yoga', 'cooking', 'travel', 'gaming', 'music', 'fashion', 'tech',
               'gardening', 'reading']
              [1 + (pick(s, k, 'io', 10) + j * [1, 3, 7, 9][pick(s, k, 'is', 4)]) % 10]) END,
  CASE WHEN b2b THEN ['retail', 'finance', 'health', 'tech', 'education', 'manufacturing']
                     [pick(s, k, 'ind', 6)] END,
  CASE WHEN b2b THEN (1 + floor(exp(9 * pow(u(s, k, 'csz'), 1.3))))::INTEGER END,
  first || ' ' || last
FROM c
"""

# Per-customer activity: a shared normal drives both order and event volume (heavy
# buyers browse more); about a third never order. Offsets give dense, unique ids.
_ACTIVITY_SQL = """
CREATE TEMP TABLE act AS
WITH c AS (
  SELECT customer_id AS k, $seed::INTEGER AS s, $anchor::DATE AS a,
         least(a - signup_date, 1095)::INTEGER AS span FROM customers
), n AS (
  SELECT k, s, a, span, u(s, k, 'abandon') < 0.12 AS abandoner,
    CASE WHEN u(s, k, 'buyer') < 0.35 THEN 0 ELSE least(1000, floor((0.25 + 0.75 * span / 1095)
         * exp(2.5 + 1.1 * nrm(s, k, 'act'))))::INTEGER END AS n_orders,
    CASE WHEN u(s, k, 'visitor') < 0.08 THEN 0 ELSE least(3000, floor((0.25 + 0.75 * span / 1095)
         * exp(3.53 + 0.5 * nrm(s, k, 'act') + 0.6 * nrm(s, k, 'ev'))))::INTEGER END AS n_events
  FROM c
)
SELECT *, sum(n_orders) OVER w - n_orders AS o_off, sum(n_events) OVER w - n_events AS e_off
FROM n WINDOW w AS (ORDER BY k ROWS UNBOUNDED PRECEDING)
"""

_ORDERS_SQL = f"""
INSERT INTO orders
WITH r AS (
  SELECT k, s, a, span, o_off + j + 1 AS ok, u(s, ok, 'ob') < 0.01 AS exact,
    1 + floor(8 * pow(u(s, ok, 'cat'), 1.6))::INTEGER AS ci FROM act, range(act.n_orders) t(j)
)
SELECT ok, k,
  CASE WHEN u(s, ok, 'n_amt') >= 0.005 THEN greatest(0.99, round([45, 180, 60, 25, 35, 55, 15, 30]
       [ci] * exp(0.6 * nrm(s, ok, 'amt')), 2))::DECIMAL(12,2) END,
  CASE WHEN u(s, ok, 'st') < 0.88 THEN 'paid' WHEN u(s, ok, 'st') < 0.95 THEN 'refunded'
       ELSE 'cancelled' END,
  ['clothing', 'electronics', 'home', 'beauty', 'grocery', 'sports', 'books', 'toys'][ci],
  CASE WHEN exact THEN (a - least(span, {_BOUNDARIES}[pick(s, ok, 'obp', 7)]))::TIMESTAMP
       ELSE (a - floor((span + 1) * pow(u(s, ok, 'od'), 1.2))::INTEGER)::TIMESTAMP
            + secs(s, ok, 'ot') END
FROM r
"""

# Funnel: page_view >> add_to_cart > checkout > purchase. "Abandoners" never get past
# the cart in the last 60 days, so cart-abandonment segments have members.
_EVENTS_SQL = f"""
INSERT INTO events
WITH r AS (
  SELECT k, s, a, abandoner, e_off + j AS ek, u(s, ek, 'en') AS v, u(s, ek, 'eb') < 0.01 AS exact,
    CASE WHEN exact THEN least(span, {_BOUNDARIES}[pick(s, ek, 'ebp', 7)])
         ELSE floor((span + 1) * pow(u(s, ek, 'ed'), 1.5))::INTEGER END AS d
  FROM act, range(act.n_events) t(j)
)
SELECT k,
  CASE WHEN v < 0.55 THEN 'page_view' WHEN v < 0.67 THEN 'add_to_cart'
       WHEN v < 0.77 AND abandoner AND d <= 60 THEN 'add_to_cart'
       WHEN v < 0.73 THEN 'checkout' WHEN v < 0.77 THEN 'purchase'
       WHEN v < 0.91 THEN 'email_open' ELSE 'app_open' END,
  (a - d)::TIMESTAMP + CASE WHEN exact THEN INTERVAL 0 SECOND ELSE secs(s, ek, 'et') END
FROM r
"""


@dataclass(frozen=True)
class DemoStats:
    """What a generate_demo() run produced, for the CLI summary and for tests."""

    path: str
    customers: int
    orders: int
    events: int
    anchor_date: datetime.date
    elapsed_seconds: float


def _check_int(name: str, value: object, lo: int, hi: int) -> int:
    """Only validated ints reach the SQL, so a bad argument fails loudly and early."""
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value < hi:
        raise ValueError(f"{name} must be an int in [{lo}, {hi}), got {value!r}")
    return value


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()  # table is a constant
    return int(row[0]) if row else 0


def _create_customers(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
    con.execute(_CUSTOMERS_SQL, params)


def _create_activity(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
    con.execute(_ACTIVITY_SQL, {"seed": params["seed"], "anchor": params["anchor"]})
    con.execute(_ORDERS_SQL)
    con.execute(_EVENTS_SQL)
    con.execute("DROP TABLE act")


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            p.unlink()


def _not_replaceable(target: Path, reason: str) -> SegdslError:
    return database_error(f"{target} exists and is not a segdsl demo database ({reason}); "
                          "only an earlier demo database is replaced",
                          "choose another path, or delete the file first if it is not needed",
                          str(target))


def _check_target(target: Path) -> None:
    """Refuse (SEG302) before writing anything when the database cannot go to ``target``: its
    folder does not exist, or a file is there that is not an earlier demo database (a
    README, a DuckDB file with the user's own tables), which replacing would destroy."""
    folder = target.absolute().parent
    if not folder.is_dir():
        raise database_error(f"cannot write {target}: the folder {folder} does not exist",
                             "create the folder first, or choose another path", str(target))
    if target.is_dir():
        raise _not_replaceable(target, "it is a folder")
    if not target.exists():
        return
    if not target.is_file():
        raise _not_replaceable(target, "it is not a regular file")
    if target.stat().st_size == 0:
        return  # an empty file holds nothing to lose (say, made by touch or mktemp)
    try:
        con = duckdb.connect(str(target), read_only=True)
    except duckdb.Error as error:
        if "not a valid DuckDB database" in str(error):
            raise _not_replaceable(target, "not a DuckDB file") from None
        locked = "lock" in str(error).lower()
        raise database_error(f"cannot replace {target}: {first_line(error)}",
                             "close the program that has it open, or choose another path"
                             if locked else "choose another path", str(target)) from None
    try:
        row = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
                          [INFO_TABLE]).fetchone()
    finally:
        con.close()
    if not row or not row[0]:
        raise _not_replaceable(target, f"it has no {INFO_TABLE} table")


def generate_demo(
    path: str | os.PathLike[str],
    customers: int = 100_000,
    seed: int = 42,
    anchor_date: datetime.date | None = None,
    with_activity: bool = True,
) -> DemoStats:
    """Write the demo database to ``path``, replacing an earlier demo database atomically.

    Rows go to a temporary file next to the target, which is only moved into place
    once complete, so a failed run never leaves a half-written database behind.
    Raises SegdslError (SEG302), before writing anything, when the folder does not exist or
    ``path`` is a file other than an empty one or a demo database (one with a
    ``segdsl_demo_info`` table): that file is left as it is.
    """
    start = time.perf_counter()
    _check_int("customers", customers, 0, MAX_CUSTOMERS + 1)
    _check_int("seed", seed, -_INT32, _INT32)
    if anchor_date is None:
        anchor_date = datetime.date.today()
    elif isinstance(anchor_date, datetime.datetime):
        anchor_date = anchor_date.date()
    if not isinstance(anchor_date, datetime.date):
        raise ValueError(f"anchor_date must be a date, got {anchor_date!r}")
    target = Path(path)
    _check_target(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    _remove(tmp)
    params: dict[str, Any] = {"seed": seed, "anchor": anchor_date, "n": customers}
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute("SET enable_progress_bar = false")
            con.execute(_MACROS)
            con.execute(_DDL)
            con.execute(
                "INSERT INTO segdsl_demo_info VALUES ($anchor::DATE, $seed::INTEGER, $n)", params
            )
            _create_customers(con, params)
            if with_activity:
                _create_activity(con, params)
            counts = {t: _count(con, t) for t in ("customers", "orders", "events")}
            con.execute("CHECKPOINT")
        finally:
            con.close()
        # A stale WAL next to the old file would be replayed against the new one.
        stale_wal = target.with_name(target.name + ".wal")
        if stale_wal.exists():
            stale_wal.unlink()
        os.replace(tmp, target)
    except (OSError, duckdb.IOException) as error:  # permissions, a full disk…
        _remove(tmp)
        raise database_error(f"cannot write {target}: {first_line(error)}", None,
                             str(target)) from None
    except BaseException:
        _remove(tmp)
        raise
    return DemoStats(
        path=str(target),
        customers=counts["customers"],
        orders=counts["orders"],
        events=counts["events"],
        anchor_date=anchor_date,
        elapsed_seconds=time.perf_counter() - start,
    )


def main_stats_text(stats: DemoStats) -> str:
    """One-line human summary of a run, as printed by ``segdsl demo``."""
    return (
        f"wrote {stats.customers:,} customers, {stats.orders:,} orders, "
        f"{stats.events:,} events to {stats.path} in {stats.elapsed_seconds:.1f} s "
        f"(anchor date {stats.anchor_date.isoformat()})"
    )
