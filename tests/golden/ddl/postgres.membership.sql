-- segdsl: 6 segments as one membership table for postgres, as of 2026-06-30
-- generated: edit the .seg files, not this file

-- membership: customer_id and one boolean column per segment (big_spenders_this_year, high_value, london_or_dublin, low_value, outside_europe, uk_ireland)
DROP TABLE IF EXISTS "segment_membership";
CREATE TABLE "segment_membership" AS
WITH "seg_orders" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    SUM("r"."amount") FILTER(WHERE
      "r"."created_at" >= CAST('2025-07-01 00:00:00' AS TIMESTAMP)
      AND "r"."created_at" < CAST('2026-07-01 00:00:00' AS TIMESTAMP)) AS "a1",
    SUM("r"."amount") AS "a2"
  FROM "orders" AS "r"
  WHERE
    "r"."status" = 'paid'
  GROUP BY
    "r"."customer_id"
), "pct1" AS (
  SELECT
    "e"."customer_id" AS "entity_key",
    COALESCE("rel1"."a2", 0) AS "v"
  FROM "customers" AS "e"
  LEFT JOIN "seg_orders" AS "rel1"
    ON "rel1"."entity_key" = "e"."customer_id"
), "pct2" AS (
  SELECT
    "e"."customer_id" AS "entity_key",
    COALESCE("rel1"."a2", 0) AS "v"
  FROM "customers" AS "e"
  LEFT JOIN "seg_orders" AS "rel1"
    ON "rel1"."entity_key" = "e"."customer_id"
)
SELECT
  "e"."customer_id",
  COALESCE(COALESCE("rel1"."a1", 0) > 500, FALSE) AS "big_spenders_this_year",
  COALESCE(
    "pct1"."v" >= (
      SELECT
        MIN("v")
      FROM (
        SELECT
          "v"
        FROM "pct1"
        ORDER BY
          "v" DESC NULLS LAST
        LIMIT (
          SELECT
            DIV((
              COUNT(*) * 1 + 9
            ), 10)
          FROM "pct1"
        )
      ) AS "k"
    ),
    FALSE
  ) AS "high_value",
  COALESCE("e"."city" IN ('London', 'Dublin'), FALSE) AS "london_or_dublin",
  COALESCE(
    "pct2"."v" <= (
      SELECT
        MAX("v")
      FROM (
        SELECT
          "v"
        FROM "pct2"
        ORDER BY
          "v" ASC
        LIMIT (
          SELECT
            DIV((
              COUNT(*) * 1 + 3
            ), 4)
          FROM "pct2"
        )
      ) AS "k"
    ),
    FALSE
  ) AS "low_value",
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
