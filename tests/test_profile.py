"""``segdsl profile``: distributions inside versus outside a segment, checked by hand.

Segment ``women`` (gender = 'female') on tests/dataset.py: inside 1, 5, 7, 8, 10; outside
2, 3, 4, 6, 9 (customer 3 has every field missing). Quantiles are "the smallest value that at
least p% of the values are ≤": with 5 values p10 is the 1st (≥ 0.5 values), p25 the 2nd
(≥ 1.25), p50 the 3rd, p75 the 4th (≥ 3.75), p90 the 5th (≥ 4.5); with 4 values p10 and
p25 are the 1st, p50 the 2nd, p75 the 3rd, p90 the 4th (≥ 3.6).

The score is the total variation distance ½ Σ |inside − outside| over the buckets.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest

from segdsl.schema import Schema
from tests.test_sizes import AS_OF, make_small_db, segdsl, write_project


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, example_schema: Schema) -> Path:
    folder = write_project(tmp_path_factory.mktemp("profile") / "project")
    make_small_db(folder / "small.duckdb", example_schema)
    return folder


def profile_json(project: Path, *args: str) -> dict[str, Any]:
    run = segdsl("profile", *args, "--db", "small.duckdb", "--as-of", AS_OF, "--format", "json", cwd=project)
    assert run.returncode == 0, run.stderr
    data: dict[str, Any] = json.loads(run.stdout)
    return data


@pytest.fixture(scope="module")
def women(project: Path) -> dict[str, dict[str, Any]]:
    data = profile_json(project, "women")  # the paths default to the current folder
    assert (data["segment"], data["members"], data["total"], data["share"]) == ("women", 5, 10, 0.5)
    scores = [f["score"] for f in data["features"]]
    assert scores == sorted(scores, reverse=True)  # most distinctive first
    return {f["name"]: f for f in data["features"]}


def buckets(feature: dict[str, Any]) -> dict[str, tuple[float, float, float | None]]:
    return {b["label"]: (b["inside"], b["outside"], b["lift"]) for b in feature["buckets"]}


def test_numeric_quantiles_mean_and_missing(women: dict[str, dict[str, Any]]) -> None:
    age = women["age"]
    # inside: 30, 41, 52, 58, 65 → mean 246 / 5 = 49.2
    assert age["inside"] == {"count": 5, "missing": 0.0, "mean": pytest.approx(49.2),
                             "p10": 30, "p25": 41, "p50": 52, "p75": 58, "p90": 65}
    # outside: 17, 25, 35, 40 and customer 3 without an age → mean 117 / 4 = 29.25, 1 in 5 missing
    assert age["outside"] == {"count": 4, "missing": 0.2, "mean": pytest.approx(29.25),
                              "p10": 17, "p25": 17, "p50": 25, "p75": 35, "p90": 40}


def test_numeric_histogram_and_score(women: dict[str, dict[str, Any]]) -> None:
    age = women["age"]
    # all ages 17 … 65 span 48 > 40, so about 20 bins between p01 (17) and p99 (65):
    # step 48 / 20 = 2.4 → a round 5; bins 15–19, 20–24, … 65–69
    labels = [b["label"] for b in age["buckets"]]
    assert labels[:3] == ["15–19", "20–24", "25–29"] and labels[-2:] == ["65–69", "(missing)"]
    assert len(labels) == 12  # 11 bins, empty ones included, and missing
    shares = buckets(age)
    # inside one each (0.2) in 30–34, 40–44, 50–54, 55–59, 65–69; outside 0.2 each in 15–19
    # (17), 25–29 (25), 35–39 (35), 40–44 (40) and missing. Only 40–44 is shared:
    # TVD = ½ (4 × 0.2 + 4 × 0.2) = 0.8
    assert shares["30–34"][:2] == (0.2, 0.0) and shares["40–44"][:2] == (0.2, 0.2)
    assert shares["(missing)"][:2] == (0.0, 0.2)
    assert age["score"] == pytest.approx(0.8)
    assert age["by"] == "bin"


def test_trait_values_from_the_compiler(women: dict[str, dict[str, Any]]) -> None:
    # lifetime_value (sum of paid amounts): inside 600.50, 20, 0, 120, 500 → median 120,
    # mean 1240.50 / 5 = 248.10; outside 600, 0, 1000, 0, 300 → median 300, mean 380
    value = women["lifetime_value"]
    assert value["origin"] == "trait" and value["type"] == "decimal"
    assert (value["inside"]["p50"], value["outside"]["p50"]) == (120, 300)
    assert value["inside"]["mean"] == pytest.approx(248.1)
    assert value["outside"]["mean"] == pytest.approx(380)
    assert (value["inside"]["p90"], value["outside"]["p90"]) == (pytest.approx(600.5), 1000)
    # orders_90d (orders on 2026-04-02 … 2026-06-30): 1 → 3, 7 → 2, 2 → 1, 9 → 1, else 0
    orders = women["orders_90d"]
    assert orders["inside"]["mean"] == pytest.approx(1.0) and orders["outside"]["mean"] == pytest.approx(0.4)
    assert orders["by"] == "value"
    assert buckets(orders)["3"][:2] == (0.2, 0.0)
    # adult (age >= 18) is a yes/no trait: a missing age is "no"; inside all adults,
    # outside 2, 6, 9 (3 has no age, 4 is 17) → yes 0.6; TVD = 0.4; lift = 1 / 0.8
    adult = buckets(women["adult"])
    assert adult["yes"] == (1.0, 0.6, pytest.approx(1.25))
    assert adult["no"][:2] == (0.0, 0.4)
    assert women["adult"]["score"] == pytest.approx(0.4)


def test_categories_with_shares_and_lift(women: dict[str, dict[str, Any]]) -> None:
    # gender: inside only female; outside male 0.6, nonbinary 0.2, missing 0.2 → TVD 1
    gender = women["gender"]
    assert gender["score"] == pytest.approx(1.0)
    assert buckets(gender)["female"] == (1.0, 0.0, 2.0)  # lift: 1.0 ÷ (5 / 10)
    assert buckets(gender)["(missing)"][:2] == (0.0, 0.2)
    # region: inside FR 0.4, UK, DE, ES 0.2; outside IE, US, UK, DE, missing 0.2 each
    # TVD = ½ (0.4 FR + 0.2 ES + 0.2 IE + 0.2 US + 0.2 missing) = 0.6; lift FR = 0.4 ÷ 0.2
    region = women["region"]
    assert region["score"] == pytest.approx(0.6)
    assert buckets(region)["FR"] == (0.4, 0.0, 2.0)
    assert buckets(region)["UK"] == (0.2, 0.2, 1.0)
    assert [b["label"] for b in region["buckets"]][:1] == ["FR"]  # the most common inside first
    # is_subscribed: inside yes 0.6, no 0.4; outside yes 0.6, no 0.2, missing 0.2 → TVD 0.2
    subscribed = women["is_subscribed"]
    assert subscribed["score"] == pytest.approx(0.2)
    assert buckets(subscribed)["no"][:2] == (0.4, 0.2)


def test_dates_by_month(women: dict[str, dict[str, Any]]) -> None:
    signup = women["signup_date"]
    # inside 2019-05-05, 2020-02-29, 2022-06-15, 2023-01-01, 2024-01-01 → median the 3rd
    assert signup["inside"]["p50"] == "2022-06-15"
    assert signup["by"] == "month"
    months = buckets(signup)
    assert months["2020-02"][:2] == (0.2, 0.0)
    assert months["2026-06"][:2] == (0.0, 0.2)  # customer 4, signed up on the reference day
    assert months["2021-07"][:2] == (0.0, 0.0)  # every month of the span is there, even empty ones
    # no month is shared by a woman and anyone else → TVD 1
    assert signup["score"] == pytest.approx(1.0)


def test_lists_by_element(women: dict[str, dict[str, Any]]) -> None:
    # inside: [yoga, travel], [gardening], [cooking, travel, yoga], [travel, NULL], [reading]
    # outside: [cooking, travel], NULL, [], [running], [tech, cooking, travel]
    interests = women["interests"]
    shares = buckets(interests)
    assert shares["travel"] == (0.6, 0.4, pytest.approx(0.6 / 0.5))  # 5 of 10 have travel
    assert shares["yoga"][:2] == (0.4, 0.0)
    assert shares["cooking"][:2] == (0.2, 0.4)
    assert shares["(none)"][:2] == (0.0, 0.4)  # customer 3 (missing) and 4 (empty list)
    # score: the largest difference of one element: yoga and (none), 0.4
    assert interests["score"] == pytest.approx(0.4)


def test_argument_shapes(project: Path) -> None:
    assert profile_json(project, "women", "segments.seg")["members"] == 5
    assert profile_json(project, "--segment", "uk_ie", "segments.seg")["members"] == 3
    # -e: ages 40, 65, 58, 41, 52 are >= 40
    assert profile_json(project, "-e", "age >= 40", "segments.seg")["members"] == 5
    several = segdsl("profile", "segments.seg", "--db", "small.duckdb", cwd=project)
    assert several.returncode == 2 and "which segment?" in several.stderr
    unknown = segdsl("profile", "wommen", "--db", "small.duckdb", cwd=project)
    assert unknown.returncode == 2 and "did you mean 'women'" in unknown.stderr.lower()
    missing = segdsl("profile", "women", "--db", "nothere.duckdb", cwd=project)
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr + unknown.stderr + several.stderr


def test_empty_segment_and_everyone(project: Path) -> None:
    nobody = profile_json(project, "nobody")
    assert nobody["members"] == 0
    assert all(f["score"] is None for f in nobody["features"])
    everyone = profile_json(project, "-e", "age > 0 or not age > 0", "segments.seg")
    assert everyone["members"] == 10
    age = next(f for f in everyone["features"] if f["name"] == "age")
    # 9 ages 17, 25, 30, 35, 40, 41, 52, 58, 65: the median needs ≥ 4.5 of them → the 5th
    assert age["outside"] is None and age["score"] is None and age["inside"]["p50"] == 40


def test_text_output(project: Path) -> None:
    run = segdsl("profile", "women", "--db", "small.duckdb", "--as-of", AS_OF, cwd=project)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("women: 5 members (50.0% of 10 customers), as of 2026-06-30")
    assert "What sets the members apart" in run.stdout
    assert "median 52 (p25–p75 41 – 58)" in run.stdout
    assert "female" in run.stdout and "2.00" in run.stdout
    # dates by month in the text too: the last 12 months of the span (2019-05 … 2026-06)
    assert "signup_date by month (the last 12, and 74 earlier months)" in run.stdout
    by_month = run.stdout.split("signup_date by month", 1)[1]
    assert re.search(r"2026-06\s+0\.0%\s+20\.0%", by_month)  # customer 4 signed up on the reference day


def test_unique_text_and_many_distinct_numbers(tmp_path: Path, example_schema: Schema) -> None:
    """E-mail addresses are not listed; numbers with > 4,096 distinct values are rounded to
    4 significant digits before their quantiles are taken."""
    folder = write_project(tmp_path / "big")
    db = make_small_db(folder / "small.duckdb", example_schema)
    connection = duckdb.connect(str(db))
    connection.execute("INSERT INTO customers (customer_id, email, income, age) "
                       "SELECT i, 'user' || i || '@example.com', i * 1.37, 20 + i % 50 FROM range(100, 6100) r(i)")
    exact = connection.execute("SELECT quantile_disc(income::DOUBLE, 0.5) FILTER (WHERE age >= 40), "
                               "quantile_disc(income::DOUBLE, 0.9) FILTER (WHERE NOT age >= 40 OR age IS NULL) "
                               "FROM customers").fetchone()
    connection.close()
    assert exact is not None
    data = profile_json(folder, "-e", "age >= 40", "segments.seg")
    features = {f["name"]: f for f in data["features"]}
    email = features["email"]
    assert email["note"].startswith("mostly unique values")
    with duckdb.connect(str(db)) as connection:
        emails = connection.execute("SELECT COUNT(email) FROM customers").fetchone()
    assert emails is not None and email["distinct"] <= emails[0]  # an estimate, never more than there are
    assert all(b["label"] == "(missing)" for b in email["buckets"])
    assert email["score"] < 0.05  # everyone's address is different, inside and outside
    income = features["income"]
    assert income["inside"]["p50"] == pytest.approx(exact[0], rel=1e-3)
    assert income["outside"]["p90"] == pytest.approx(exact[1], rel=1e-3)
