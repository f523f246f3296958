WITH "seg_orders" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    SUM("r"."amount") AS "a1"
  FROM "orders" AS "r"
  WHERE
    "r"."created_at" >= CAST('2025-07-01 00:00:00' AS TIMESTAMP(6))
    AND "r"."created_at" < CAST('2026-07-01 00:00:00' AS TIMESTAMP(6))
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
