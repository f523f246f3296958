WITH "seg_orders" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    CASE
      WHEN ABS(SUM(CASE WHEN "r"."status" = 'paid' THEN ROUND("r"."amount") END)) < 9000000
      THEN CAST((
        SUM(CASE WHEN "r"."status" = 'paid' THEN ROUND("r"."amount") END) * 1000000000 + SUM(
          CASE
            WHEN "r"."status" = 'paid'
            THEN ROUND((
              "r"."amount" - ROUND("r"."amount")
            ) * 1000000000)
          END
        )
      ) AS REAL) / 1000000000.0
      ELSE SUM(CASE WHEN "r"."status" = 'paid' THEN ROUND("r"."amount") END) + CAST(SUM(
        CASE
          WHEN "r"."status" = 'paid'
          THEN ROUND((
            "r"."amount" - ROUND("r"."amount")
          ) * 1000000000)
        END
      ) AS REAL) / 1000000000.0
    END AS "a1",
    MAX("r"."created_at") AS "a2"
  FROM "orders" AS "r"
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
LEFT JOIN "seg_orders" AS "rel1"
  ON "rel1"."entity_key" = "e"."customer_id"
LEFT JOIN "pct1" AS "pct1"
  ON "pct1"."entity_key" = "e"."customer_id"
WHERE
  10 * (
    "pct1"."rnk" - 1
  ) < 1 * "pct1"."cnt"
  AND (
    NOT COALESCE("rel1"."a2" < '2026-01-01 00:00:00', FALSE)
    OR COALESCE("rel1"."a1", 0) < 200
  )
