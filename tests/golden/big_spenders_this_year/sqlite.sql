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
  COALESCE("rel1"."a1", 0) > 500
