-- segdsl: 6 segments as views for sqlite, as of 2026-06-30
-- generated: edit the .seg files, not this file

-- big_spenders_this_year: Spent over 500 on paid orders in the last 365 days
DROP VIEW IF EXISTS "big_spenders_this_year";
CREATE VIEW "big_spenders_this_year" AS
WITH "seg_orders" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    CASE
      WHEN ABS(SUM(ROUND("r"."amount"))) < 9000000
      THEN CAST((
        SUM(ROUND("r"."amount")) * 1000000000 + SUM(ROUND((
          "r"."amount" - ROUND("r"."amount")
        ) * 1000000000))
      ) AS REAL) / 1000000000.0
      ELSE SUM(ROUND("r"."amount")) + CAST(SUM(ROUND((
        "r"."amount" - ROUND("r"."amount")
      ) * 1000000000)) AS REAL) / 1000000000.0
    END AS "a1"
  FROM "orders" AS "r"
  WHERE
    "r"."created_at" >= '2025-07-01 00:00:00'
    AND "r"."created_at" < '2026-07-01 00:00:00'
    AND "r"."status" = 'paid'
  GROUP BY
    "r"."customer_id"
)
SELECT
  "e"."customer_id"
FROM "customers" AS "e"
JOIN "seg_orders" AS "rel1"
  ON "rel1"."entity_key" = "e"."customer_id"
WHERE
  COALESCE("rel1"."a1", 0) > 500;

-- high_value: Top 10% of customers by lifetime value
DROP VIEW IF EXISTS "high_value";
CREATE VIEW "high_value" AS
WITH "seg_orders" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    CASE
      WHEN ABS(SUM(ROUND("r"."amount"))) < 9000000
      THEN CAST((
        SUM(ROUND("r"."amount")) * 1000000000 + SUM(ROUND((
          "r"."amount" - ROUND("r"."amount")
        ) * 1000000000))
      ) AS REAL) / 1000000000.0
      ELSE SUM(ROUND("r"."amount")) + CAST(SUM(ROUND((
        "r"."amount" - ROUND("r"."amount")
      ) * 1000000000)) AS REAL) / 1000000000.0
    END AS "a1"
  FROM "orders" AS "r"
  WHERE
    "r"."status" = 'paid'
  GROUP BY
    "r"."customer_id"
), "pct1" AS (
  SELECT
    "e"."customer_id" AS "entity_key",
    RANK() OVER (ORDER BY COALESCE("rel1"."a1", 0) DESC) AS "rnk",
    COUNT(*) OVER () AS "cnt"
  FROM "customers" AS "e"
  LEFT JOIN "seg_orders" AS "rel1"
    ON "rel1"."entity_key" = "e"."customer_id"
)
SELECT
  "e"."customer_id"
FROM "customers" AS "e"
LEFT JOIN "pct1" AS "pct1"
  ON "pct1"."entity_key" = "e"."customer_id"
WHERE
  10 * (
    "pct1"."rnk" - 1
  ) < 1 * "pct1"."cnt";

-- london_or_dublin: City dwellers in the two capitals
DROP VIEW IF EXISTS "london_or_dublin";
CREATE VIEW "london_or_dublin" AS
SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  "e"."city" IN ('London', 'Dublin');

-- low_value: Bottom quarter by lifetime value
DROP VIEW IF EXISTS "low_value";
CREATE VIEW "low_value" AS
WITH "seg_orders" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    CASE
      WHEN ABS(SUM(ROUND("r"."amount"))) < 9000000
      THEN CAST((
        SUM(ROUND("r"."amount")) * 1000000000 + SUM(ROUND((
          "r"."amount" - ROUND("r"."amount")
        ) * 1000000000))
      ) AS REAL) / 1000000000.0
      ELSE SUM(ROUND("r"."amount")) + CAST(SUM(ROUND((
        "r"."amount" - ROUND("r"."amount")
      ) * 1000000000)) AS REAL) / 1000000000.0
    END AS "a1"
  FROM "orders" AS "r"
  WHERE
    "r"."status" = 'paid'
  GROUP BY
    "r"."customer_id"
), "pct1" AS (
  SELECT
    "e"."customer_id" AS "entity_key",
    RANK() OVER (ORDER BY COALESCE("rel1"."a1", 0) ASC NULLS LAST) AS "rnk",
    COUNT(*) OVER () AS "cnt"
  FROM "customers" AS "e"
  LEFT JOIN "seg_orders" AS "rel1"
    ON "rel1"."entity_key" = "e"."customer_id"
)
SELECT
  "e"."customer_id"
FROM "customers" AS "e"
LEFT JOIN "pct1" AS "pct1"
  ON "pct1"."entity_key" = "e"."customer_id"
WHERE
  4 * (
    "pct1"."rnk" - 1
  ) < 1 * "pct1"."cnt";

-- outside_europe: Customers outside the European regions (or with no region on file)
DROP VIEW IF EXISTS "outside_europe";
CREATE VIEW "outside_europe" AS
SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  (
    NOT "e"."region" IN ('UK', 'IE', 'DE', 'FR', 'ES') OR "e"."region" IS NULL
  );

-- uk_ireland: Customers in the UK or Ireland
DROP VIEW IF EXISTS "uk_ireland";
CREATE VIEW "uk_ireland" AS
SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  "e"."region" IN ('UK', 'IE');
