WITH "seg_orders" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    COUNT(*) AS "a1"
  FROM "orders" AS "r"
  WHERE
    "r"."created_at" >= CAST('2026-01-02 00:00:00' AS TIMESTAMP)
    AND "r"."created_at" < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
  GROUP BY
    "r"."customer_id"
)
SELECT
  "e"."customer_id"
FROM "customers" AS "e"
LEFT JOIN "seg_orders" AS "rel1"
  ON "rel1"."entity_key" = "e"."customer_id"
WHERE
  "e"."last_seen_at" < CAST('2026-04-01 00:00:00' AS TIMESTAMP)
  AND COALESCE("rel1"."a1", 0) = 0
