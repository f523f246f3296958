WITH "seg_orders" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    COUNT(*) AS "a1"
  FROM "orders" AS "r"
  WHERE
    "r"."created_at" >= DATE(DATE(CURRENT_DATE, '+1 days'), '-90 days')
    AND "r"."created_at" < DATE(CURRENT_DATE, '+1 days')
  GROUP BY
    "r"."customer_id"
)
SELECT
  "e"."customer_id"
FROM "customers" AS "e"
JOIN "seg_orders" AS "rel1"
  ON "rel1"."entity_key" = "e"."customer_id"
WHERE
  "e"."age" >= 25
  AND "e"."age" <= 40
  AND "e"."region" IN ('UK', 'IE')
  AND COALESCE("rel1"."a1", 0) >= 3
