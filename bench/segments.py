"""The benchmark's inputs: segments (with Ibis and PRQL twins), generated files and schemas,
and the query-quality segments with hand-written SQL for the same question.

Everything is embedded here (not read from examples/) so the numbers stay comparable while
the examples change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

AS_OF = dt.date(2026, 6, 30)  # the demo database's anchor date; every window is relative to it

ONE_FILE = """\
# one typical segment file (start-up benchmark)
segment uk_frequent
  description "Frequent UK buyers aged 25-40"
  where age 25..40
    and region in ('UK', 'IE')
    and orders_90d >= 3
"""

# --- compile throughput -------------------------------------------------------------------

# The typical filter: ~80 characters, attributes only, so Ibis and PRQL compile the same filter.
TYPICAL = "age 25..40 and region in ('UK', 'IE') and is_subscribed and signup_date >= 2024-01-01"
# A typical behavioural filter of the same length: an aggregate over a time window.
TYPICAL_BEHAVIOURAL = "age 25..40 and region in ('UK', 'IE') and count(orders in last 90 days) >= 3"


@dataclass(frozen=True)
class Cond:
    """One condition in three languages: segdsl, PRQL and an Ibis builder."""

    seg: str
    prql: str
    ibis: Callable[[Any], Any]


def _cond(i: int) -> Cond:
    """The i-th condition of a long generated segment (attributes only, ten shapes)."""
    k = i % 10
    n = i // 10
    if k == 0:
        v = 18 + n % 40
        return Cond(f"age >= {v}", f"age >= {v}", lambda t: t.age >= v)
    if k == 1:
        v = 20000 + 1000 * (n % 50)
        return Cond(f"income > {v}", f"income > {v}", lambda t: t.income > v)
    if k == 2:
        pair = [("UK", "IE"), ("UK", "US"), ("DE", "FR"), ("IE", "ES")][n % 4]
        return Cond(f"region in ('{pair[0]}', '{pair[1]}')", f'(region | in ["{pair[0]}", "{pair[1]}"])',
                    lambda t: t.region.isin(list(pair)))
    if k == 3:
        city = f"City{n}"
        return Cond(f"city != '{city}'", f'city != "{city}"', lambda t: t.city != city)
    if k == 4:
        return Cond("is_subscribed", "is_subscribed", lambda t: t.is_subscribed)
    if k == 5:
        dom = f"@d{n}.com"
        return Cond(f"email ends with '{dom}'", f'(email | text.ends_with "{dom}")',
                    lambda t: t.email.endswith(dom))
    if k == 6:
        day = dt.date(2020, 1, 1) + dt.timedelta(days=n)
        return Cond(f"signup_date >= {day.isoformat()}", f"signup_date >= @{day.isoformat()}",
                    lambda t: t.signup_date >= day)
    if k == 7:
        v = 1000 + n
        return Cond(f"company_size <= {v}", f"company_size <= {v}", lambda t: t.company_size <= v)
    if k == 8:
        g = ["female", "male"][n % 2]
        return Cond(f"gender = '{g}'", f'gender == "{g}"', lambda t: t.gender == g)
    return Cond("phone is not null", "phone != null", lambda t: t.phone.notnull())


def long_segment(n: int) -> str:
    """A segment of n attribute conditions joined by `and`, one per line."""
    return "\n  and ".join(_cond(i).seg for i in range(n))


def long_prql(n: int) -> str:
    conds = " && ".join(_cond(i).prql for i in range(n))
    return f"from customers\nfilter ({conds})\nselect {{customer_id}}"


TYPICAL_PRQL = ('from customers\nfilter (age >= 25 && age <= 40 && (region | in ["UK", "IE"]) '
                "&& is_subscribed && signup_date >= @2024-01-01)\nselect {customer_id}")
TYPICAL_BEHAVIOURAL_PRQL = """\
let o = (from orders | filter (created_at >= @2026-04-02T00:00:00 && created_at < @2026-07-01T00:00:00) \
| group {customer_id} (aggregate {n = count this}))
from c = customers
join side:left o (==customer_id)
filter (c.age >= 25 && c.age <= 40 && (c.region | in ["UK", "IE"]) && (o.n ?? 0) >= 3)
select {c.customer_id}
"""


def ibis_tables() -> tuple[Any, Any]:
    import ibis

    customers = ibis.table(dict(
        customer_id="int64", age="int32", gender="string", income="decimal(12,2)",
        life_stage="string", region="string", city="string", email="string", phone="string",
        signup_date="date", last_seen_at="timestamp", is_subscribed="boolean",
        interests="array<string>", industry="string", company_size="int32", name="string"),
        name="customers")
    orders = ibis.table(dict(order_id="int64", customer_id="int64", amount="decimal(12,2)",
                             status="string", category="string", created_at="timestamp"),
                        name="orders")
    return customers, orders


def ibis_typical(t: Any) -> Any:
    expr = (t.age >= 25) & (t.age <= 40) & t.region.isin(["UK", "IE"]) & t.is_subscribed \
        & (t.signup_date >= dt.date(2024, 1, 1))
    return t.filter(expr).select("customer_id")


def ibis_long(t: Any, n: int) -> Any:
    import functools
    import operator

    preds = [_cond(i).ibis(t) for i in range(n)]
    return t.filter(functools.reduce(operator.and_, preds)).select("customer_id")


def ibis_behavioural(c: Any, o: Any) -> Any:
    f = o.filter((o.created_at >= dt.datetime(2026, 4, 2)) & (o.created_at < dt.datetime(2026, 7, 1)))
    agg = f.group_by("customer_id").aggregate(n=f.count())
    j = c.left_join(agg, c.customer_id == agg.customer_id)
    return j.filter((j.age >= 25) & (j.age <= 40) & j.region.isin(["UK", "IE"])
                    & (j.n.fill_null(0) >= 3)).select("customer_id")


# segdsl dialect -> the other tool's name for it (absent: the tool has no such target)
PRQL_TARGETS = {"duckdb": "sql.duckdb", "sqlite": "sql.sqlite", "postgres": "sql.postgres",
                "redshift": "sql.redshift", "snowflake": "sql.snowflake", "bigquery": "sql.bigquery",
                "clickhouse": "sql.clickhouse", "mysql": "sql.mysql", "tsql": "sql.mssql"}
IBIS_DIALECTS = {"duckdb": "duckdb", "sqlite": "sqlite", "postgres": "postgres",
                 "snowflake": "snowflake", "bigquery": "bigquery", "databricks": "databricks",
                 "spark": "pyspark", "trino": "trino", "mysql": "mysql"}

# --- scale of inputs ---------------------------------------------------------------------


def wide_schema(n_fields: int) -> str:
    """The example schema's relations and traits plus n_fields entity fields of mixed types."""
    base = Path(__file__).resolve().parent.parent / "examples" / "schema.yml"
    text = base.read_text(encoding="utf-8")
    head, rest = text.split("relations:", 1)
    kinds = ["int", "decimal", "string", "bool", "date", "timestamp",
             "{type: enum, values: [a, b, c]}", "list<string>"]
    extra = "".join(f"  attr_{i:04d}: {kinds[i % len(kinds)]}\n" for i in range(n_fields))
    return head + extra + "relations:" + rest


_FILE_BODIES = [
    "age 25..40\n    and region in ('UK', 'IE')\n    and orders_90d >= 3",
    "has orders in last 30 days where amount > {v}",
    "email ends with '@gmail.com'\n    and is_subscribed\n    and signup_date >= 2023-01-01",
    "sum(orders.amount in last 365 days where status = 'paid') > {v}",
    "has events in last 7 days where name = 'add_to_cart'\n"
    "    and no events in last 7 days where name = 'purchase'",
    "lifetime_value in top {p}%",
    "last_seen_at before {d} days ago\n    and no orders in last 180 days",
    "interests has any ('yoga', 'running')\n    and gender = 'female'",
    "count distinct(orders.category where status = 'paid') >= 3\n    and income >= {v}",
    "industry = 'tech'\n    and company_size >= {v}",
    "in segment s{prev}\n    and age >= 30",
    "max(orders.created_at) in last {d} days\n    and lifetime_value >= {v}",
]


def segment_files(n: int) -> dict[str, str]:
    """n files, one segment each, cycling through typical shapes (some refer to others)."""
    files = {}
    for i in range(n):
        body = _FILE_BODIES[i % len(_FILE_BODIES)].format(v=100 + i % 900, p=1 + i % 50,
                                                         d=30 + i % 300, prev=i - 1)
        files[f"{i // 100:02d}/s{i}.seg"] = (
            f"# generated segment {i}\nsegment s{i}\n  description \"generated {i}\"\n  where {body}\n")
    return files


# --- query quality -------------------------------------------------------------------------


def ts(day: dt.date) -> str:
    return f"TIMESTAMP '{day.isoformat()} 00:00:00'"


END = ts(AS_OF + dt.timedelta(days=1))  # windows end at midnight after the as-of date


def since(days: int) -> str:
    """Start of `in last N days` (N calendar days including the as-of date)."""
    return ts(AS_OF - dt.timedelta(days=days - 1))


def ago(days: int) -> str:
    """`before N days ago`."""
    return ts(AS_OF - dt.timedelta(days=days))


def win(col: str, days: int) -> str:
    return f"{col} >= {since(days)} AND {col} < {END}"


@dataclass(frozen=True)
class QSeg:
    name: str
    kind: str  # attribute | behavioural
    text: str
    hand: dict[str, str] = field(default_factory=dict)  # form name -> SQL (DuckDB)


def _join(inner: str, where: str = "TRUE") -> str:
    return (f"SELECT c.customer_id FROM customers c JOIN ({inner}) x ON x.customer_id = c.customer_id "
            f"WHERE {where}")


QUERY_SEGMENTS: list[QSeg] = [
    QSeg("gmail_subscribers", "attribute",
         "email ends with '@gmail.com' and is_subscribed and signup_date >= 2023-01-01", {
             "ends_with": "SELECT customer_id FROM customers WHERE ends_with(email, '@gmail.com') "
                          "AND is_subscribed AND signup_date >= DATE '2023-01-01'",
             "like": "SELECT customer_id FROM customers WHERE email LIKE '%@gmail.com' "
                     "AND is_subscribed AND signup_date >= DATE '2023-01-01'",
         }),
    QSeg("wellness_uk", "attribute", "interests has any ('yoga', 'running') and region in ('UK', 'IE')", {
        "list_has_any": "SELECT customer_id FROM customers WHERE list_has_any(interests, ['yoga', 'running']) "
                        "AND region IN ('UK', 'IE')",
        "region_first": "SELECT customer_id FROM customers WHERE region IN ('UK', 'IE') AND "
                        "(list_contains(interests, 'yoga') OR list_contains(interests, 'running'))",
    }),
    QSeg("uk_frequent", "behavioural",
         "age 25..40 and region in ('UK', 'IE') and count(orders in last 90 days) >= 3", {
             "groupby_pushed": _join(f"SELECT customer_id FROM orders WHERE {win('created_at', 90)} "
                                     "GROUP BY customer_id HAVING count(*) >= 3",
                                     "c.age BETWEEN 25 AND 40 AND c.region IN ('UK', 'IE')"),
             "in_subquery": "SELECT customer_id FROM customers WHERE age BETWEEN 25 AND 40 "
                            "AND region IN ('UK', 'IE') AND customer_id IN (SELECT customer_id FROM orders "
                            f"WHERE {win('created_at', 90)} GROUP BY customer_id HAVING count(*) >= 3)",
             "prefiltered_semi": "WITH c AS (SELECT customer_id FROM customers WHERE age BETWEEN 25 AND 40 "
                                 "AND region IN ('UK', 'IE')) SELECT customer_id FROM c WHERE customer_id IN "
                                 "(SELECT customer_id FROM orders WHERE customer_id IN (SELECT customer_id FROM c) "
                                 f"AND {win('created_at', 90)} GROUP BY customer_id HAVING count(*) >= 3)",
             "correlated": "SELECT customer_id FROM customers c WHERE age BETWEEN 25 AND 40 "
                           "AND region IN ('UK', 'IE') AND (SELECT count(*) FROM orders o WHERE "
                           f"o.customer_id = c.customer_id AND {win('o.created_at', 90)}) >= 3",
         }),
    QSeg("big_spenders", "behavioural", "sum(orders.amount in last 365 days where status = 'paid') > 500", {
        "groupby_pushed": _join(f"SELECT customer_id FROM orders WHERE {win('created_at', 365)} "
                                "AND status = 'paid' GROUP BY customer_id HAVING sum(amount) > 500"),
        "in_subquery": "SELECT customer_id FROM customers WHERE customer_id IN (SELECT customer_id FROM orders "
                       f"WHERE {win('created_at', 365)} AND status = 'paid' GROUP BY customer_id "
                       "HAVING sum(amount) > 500)",
        "correlated": "SELECT customer_id FROM customers c WHERE (SELECT sum(amount) FROM orders o WHERE "
                      f"o.customer_id = c.customer_id AND {win('o.created_at', 365)} AND o.status = 'paid') > 500",
    }),
    QSeg("rfm_champions", "behavioural",
         "max(orders.created_at) in last 30 days and count(orders in last 365 days where status = 'paid') >= 5 "
         "and sum(orders.amount in last 365 days where status = 'paid') >= 300", {
             # max() over all orders lies in the 30-day window iff it does over orders since the
             # 365-day window's start, so that start is pushed down (no upper bound: later orders count)
             "groupby_pushed": _join(
                 f"SELECT customer_id FROM orders WHERE created_at >= {since(365)} GROUP BY customer_id "
                 f"HAVING max(created_at) >= {since(30)} AND max(created_at) < {END} "
                 f"AND count(*) FILTER (WHERE created_at < {END} AND status = 'paid') >= 5 "
                 f"AND coalesce(sum(amount) FILTER (WHERE created_at < {END} AND status = 'paid'), 0) >= 300"),
             "in_subqueries": "SELECT customer_id FROM customers WHERE customer_id IN (SELECT customer_id FROM orders "
                              f"WHERE {win('created_at', 365)} AND status = 'paid' GROUP BY customer_id "
                              "HAVING count(*) >= 5 AND sum(amount) >= 300) AND customer_id IN (SELECT customer_id "
                              f"FROM orders WHERE {win('created_at', 30)}) AND customer_id NOT IN "
                              f"(SELECT customer_id FROM orders WHERE created_at >= {END})",
         }),
    QSeg("cart_abandoners", "behavioural",
         "has events in last 7 days where name = 'add_to_cart' and no events in last 7 days "
         "where name = 'purchase' and is_subscribed", {
             "groupby_pushed": _join(
                 f"SELECT customer_id FROM events WHERE {win('ts', 7)} AND name IN ('add_to_cart', 'purchase') "
                 "GROUP BY customer_id HAVING count(*) FILTER (WHERE name = 'add_to_cart') > 0 "
                 "AND count(*) FILTER (WHERE name = 'purchase') = 0", "c.is_subscribed"),
             "exists": "SELECT customer_id FROM customers c WHERE is_subscribed AND EXISTS (SELECT 1 FROM events e "
                       f"WHERE e.customer_id = c.customer_id AND {win('e.ts', 7)} AND e.name = 'add_to_cart') "
                       "AND NOT EXISTS (SELECT 1 FROM events e WHERE e.customer_id = c.customer_id "
                       f"AND {win('e.ts', 7)} AND e.name = 'purchase')",
             "in_not_in": "SELECT customer_id FROM customers WHERE is_subscribed AND customer_id IN (SELECT customer_id "
                          f"FROM events WHERE {win('ts', 7)} AND name = 'add_to_cart') AND customer_id NOT IN "
                          f"(SELECT customer_id FROM events WHERE {win('ts', 7)} AND name = 'purchase')",
             "except": _join(f"SELECT customer_id FROM events WHERE {win('ts', 7)} AND name = 'add_to_cart' EXCEPT "
                             f"SELECT customer_id FROM events WHERE {win('ts', 7)} AND name = 'purchase'",
                             "c.is_subscribed"),
         }),
    QSeg("churn_risk", "behavioural",
         "max(orders.created_at) before 180 days ago and sum(orders.amount where status = 'paid') >= 200", {
             "groupby": _join(f"SELECT customer_id FROM orders GROUP BY customer_id HAVING max(created_at) < {ago(180)} "
                              "AND coalesce(sum(amount) FILTER (WHERE status = 'paid'), 0) >= 200"),
             "in_not_in": "SELECT customer_id FROM customers WHERE customer_id IN (SELECT customer_id FROM orders "
                          f"GROUP BY customer_id HAVING min(created_at) < {ago(180)} AND "
                          "coalesce(sum(amount) FILTER (WHERE status = 'paid'), 0) >= 200) AND customer_id NOT IN "
                          f"(SELECT customer_id FROM orders WHERE created_at >= {ago(180)})",
         }),
    QSeg("dormant", "behavioural", "last_seen_at before 90 days ago and no orders in last 180 days", {
        "not_exists": f"SELECT customer_id FROM customers c WHERE last_seen_at < {ago(90)} AND NOT EXISTS "
                      f"(SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id AND {win('o.created_at', 180)})",
        "not_in": f"SELECT customer_id FROM customers WHERE last_seen_at < {ago(90)} AND customer_id NOT IN "
                  f"(SELECT customer_id FROM orders WHERE {win('created_at', 180)})",
        "anti_join": f"SELECT c.customer_id FROM customers c ANTI JOIN (SELECT customer_id FROM orders WHERE "
                     f"{win('created_at', 180)}) o ON o.customer_id = c.customer_id WHERE c.last_seen_at < {ago(90)}",
        "left_join_null": "SELECT c.customer_id FROM customers c LEFT JOIN (SELECT DISTINCT customer_id FROM orders "
                          f"WHERE {win('created_at', 180)}) o ON o.customer_id = c.customer_id "
                          f"WHERE c.last_seen_at < {ago(90)} AND o.customer_id IS NULL",
    }),
    QSeg("new_customers", "behavioural", "min(orders.created_at) in last 30 days", {
        "groupby": _join(f"SELECT customer_id FROM orders GROUP BY customer_id HAVING min(created_at) >= {since(30)} "
                         f"AND min(created_at) < {END}"),
        "in_not_in": "SELECT customer_id FROM customers WHERE customer_id IN (SELECT customer_id FROM orders WHERE "
                     f"{win('created_at', 30)}) AND customer_id NOT IN (SELECT customer_id FROM orders "
                     f"WHERE created_at < {since(30)})",
        "exists_not_exists": "SELECT customer_id FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE "
                             f"o.customer_id = c.customer_id AND {win('o.created_at', 30)}) AND NOT EXISTS "
                             "(SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id "
                             f"AND o.created_at < {since(30)})",
    }),
    QSeg("high_value", "behavioural", "sum(orders.amount where status = 'paid') in top 10%", {
        # members: value >= the k-th largest value, k = ceil(n / 10) (the same set as rank-based)
        "rank_window": "SELECT customer_id FROM (SELECT c.customer_id, rank() OVER (ORDER BY coalesce(o.v, 0) DESC) "
                       "AS rnk, count(*) OVER () AS cnt FROM customers c LEFT JOIN (SELECT customer_id, sum(amount) "
                       "AS v FROM orders WHERE status = 'paid' GROUP BY customer_id) o "
                       "ON o.customer_id = c.customer_id) WHERE 10 * (rnk - 1) < cnt",
        "top_n_threshold": "WITH v AS (SELECT c.customer_id, coalesce(o.v, 0) AS v FROM customers c LEFT JOIN "
                           "(SELECT customer_id, sum(amount) AS v FROM orders WHERE status = 'paid' "
                           "GROUP BY customer_id) o ON o.customer_id = c.customer_id) "
                           "SELECT customer_id FROM v WHERE v >= (SELECT min(v) FROM (SELECT v FROM v ORDER BY v "
                           "DESC LIMIT (SELECT ceil(count(*) / 10.0)::BIGINT FROM customers)))",
    }),
    QSeg("category_explorers", "behavioural", "count distinct(orders.category where status = 'paid') >= 3", {
        "groupby_pushed": _join("SELECT customer_id FROM orders WHERE status = 'paid' GROUP BY customer_id "
                                "HAVING count(DISTINCT category) >= 3"),
        "in_subquery": "SELECT customer_id FROM customers WHERE customer_id IN (SELECT customer_id FROM orders "
                       "WHERE status = 'paid' GROUP BY customer_id HAVING count(DISTINCT category) >= 3)",
    }),
]

# 20 segments for the membership query: 10 on attributes, 10 on behaviour.
MEMBERSHIP_SEGMENTS: dict[str, str] = {
    # attribute
    "young_professionals": "age 25..34 and life_stage = 'young_professional'",
    "affluent_women": "gender = 'female' and income >= 80000",
    "uk_ireland": "region in ('UK', 'IE')",
    "london_or_dublin": "city in ('London', 'Dublin')",
    "outside_europe": "region not in ('UK', 'IE', 'DE', 'FR', 'ES')",
    "young_families": "life_stage = 'family' and age < 45",
    "nearing_retirement": "life_stage = 'empty_nester' and age >= 55",
    "wellness_enthusiasts": "interests has any ('yoga', 'running')",
    "foodie_travellers": "interests has all ('cooking', 'travel') and is_subscribed",
    "gmail_subscribers": "email ends with '@gmail.com' and is_subscribed and signup_date >= 2023-01-01",
    # behavioural
    "uk_frequent": "age 25..40 and region in ('UK', 'IE') and orders_90d >= 3",
    "recent_big_order": "has orders in last 30 days where amount > 100",
    "category_explorers": "count distinct(orders.category where status = 'paid') >= 3",
    "new_customers": "min(orders.created_at) in last 30 days",
    "cart_abandoners": "has events in last 7 days where name = 'add_to_cart' "
                       "and no events in last 7 days where name = 'purchase' and is_subscribed",
    "churn_risk": "last_order_at before 180 days ago and lifetime_value >= 200",
    "dormant": "last_seen_at before 90 days ago and no orders in last 180 days",
    "rfm_champions": "max(orders.created_at) in last 30 days "
                     "and count(orders in last 365 days where status = 'paid') >= 5 "
                     "and sum(orders.amount in last 365 days where status = 'paid') >= 300",
    "rfm_at_risk": "count(orders where status = 'paid') >= 5 and no orders in last 90 days",
    "big_spenders_this_year": "sum(orders.amount in last 365 days where status = 'paid') > 500",
}


def segments_source(segments: dict[str, str]) -> str:
    return "".join(f"segment {name}\n  where {text}\n\n" for name, text in segments.items())
