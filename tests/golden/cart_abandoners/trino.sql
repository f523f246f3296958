WITH "seg_events" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    COUNT(CASE WHEN "r"."name" = 'add_to_cart' THEN 1 END) AS "a1",
    COUNT(CASE WHEN "r"."name" = 'purchase' THEN 1 END) AS "a2"
  FROM "events" AS "r"
  WHERE
    "r"."ts" >= CAST('2026-06-24 00:00:00' AS TIMESTAMP(6))
    AND "r"."ts" < CAST('2026-07-01 00:00:00' AS TIMESTAMP(6))
    AND "r"."name" IN ('add_to_cart', 'purchase')
  GROUP BY
    "r"."customer_id"
)
SELECT
  "e"."customer_id"
FROM "customers" AS "e"
JOIN "seg_events" AS "rel1"
  ON "rel1"."entity_key" = "e"."customer_id"
WHERE
  COALESCE("rel1"."a1", 0) > 0
  AND COALESCE("rel1"."a2", 0) = 0
  AND "e"."is_subscribed" = TRUE
