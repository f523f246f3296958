-- segdsl: 6 segments as one membership table for sqlite, as of 2026-06-30
-- generated: edit the .seg files, not this file

-- membership: customer_id and one boolean column per segment (big_spenders_this_year, high_value, london_or_dublin, low_value, outside_europe, uk_ireland)
DROP TABLE IF EXISTS "segment_membership";
CREATE TABLE "segment_membership" AS
WITH "seg_orders" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    CASE
      WHEN ABS(
        SUM(
          CASE
            WHEN "r"."created_at" >= '2025-07-01 00:00:00'
            AND "r"."created_at" < '2026-07-01 00:00:00'
            THEN ROUND("r"."amount")
          END
        )
      ) < 9000000
      THEN CAST((
        SUM(
          CASE
            WHEN "r"."created_at" >= '2025-07-01 00:00:00'
            AND "r"."created_at" < '2026-07-01 00:00:00'
            THEN ROUND("r"."amount")
          END
        ) * 1000000000 + SUM(
          CASE
            WHEN "r"."created_at" >= '2025-07-01 00:00:00'
            AND "r"."created_at" < '2026-07-01 00:00:00'
            THEN ROUND((
              "r"."amount" - ROUND("r"."amount")
            ) * 1000000000)
          END
        )
      ) AS REAL) / 1000000000.0
      ELSE SUM(
        CASE
          WHEN "r"."created_at" >= '2025-07-01 00:00:00'
          AND "r"."created_at" < '2026-07-01 00:00:00'
          THEN ROUND("r"."amount")
        END
      ) + CAST(SUM(
        CASE
          WHEN "r"."created_at" >= '2025-07-01 00:00:00'
          AND "r"."created_at" < '2026-07-01 00:00:00'
          THEN ROUND((
            "r"."amount" - ROUND("r"."amount")
          ) * 1000000000)
        END
      ) AS REAL) / 1000000000.0
    END AS "a1",
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
    END AS "a2"
  FROM "orders" AS "r"
  WHERE
    "r"."status" = 'paid'
  GROUP BY
    "r"."customer_id"
), "pct1" AS (
  SELECT
    "e"."customer_id" AS "entity_key",
    RANK() OVER (ORDER BY COALESCE("rel1"."a2", 0) DESC) AS "rnk",
    COUNT(*) OVER () AS "cnt"
  FROM "customers" AS "e"
  LEFT JOIN "seg_orders" AS "rel1"
    ON "rel1"."entity_key" = "e"."customer_id"
), "pct2" AS (
  SELECT
    "e"."customer_id" AS "entity_key",
    RANK() OVER (ORDER BY COALESCE("rel1"."a2", 0) ASC NULLS LAST) AS "rnk",
    COUNT(*) OVER () AS "cnt"
  FROM "customers" AS "e"
  LEFT JOIN "seg_orders" AS "rel1"
    ON "rel1"."entity_key" = "e"."customer_id"
)
SELECT
  "e"."customer_id",
  COALESCE(COALESCE("rel1"."a1", 0) > 500, FALSE) AS "big_spenders_this_year",
  COALESCE(10 * (
    "pct1"."rnk" - 1
  ) < 1 * "pct1"."cnt", FALSE) AS "high_value",
  COALESCE("e"."city" IN ('London', 'Dublin'), FALSE) AS "london_or_dublin",
  COALESCE(4 * (
    "pct2"."rnk" - 1
  ) < 1 * "pct2"."cnt", FALSE) AS "low_value",
  COALESCE(
    (
      NOT "e"."region" IN ('UK', 'IE', 'DE', 'FR', 'ES') OR "e"."region" IS NULL
    ),
    FALSE
  ) AS "outside_europe",
  COALESCE("e"."region" IN ('UK', 'IE'), FALSE) AS "uk_ireland"
FROM "customers" AS "e"
LEFT JOIN "seg_orders" AS "rel1"
  ON "rel1"."entity_key" = "e"."customer_id"
LEFT JOIN "pct1" AS "pct1"
  ON "pct1"."entity_key" = "e"."customer_id"
LEFT JOIN "pct2" AS "pct2"
  ON "pct2"."entity_key" = "e"."customer_id";
