WITH "seg_orders" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    COUNT(DISTINCT "r"."category") FILTER(WHERE
      NOT "r"."category" IS NULL) AS "a1"
  FROM "orders" AS "r"
  WHERE
    "r"."status" = 'paid'
  GROUP BY
    "r"."customer_id"
)
SELECT
  "e"."customer_id"
FROM "customers" AS "e"
JOIN "seg_orders" AS "rel1"
  ON "rel1"."entity_key" = "e"."customer_id"
WHERE
  COALESCE("rel1"."a1", 0) >= 3
