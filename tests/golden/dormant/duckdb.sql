SELECT
  "e"."customer_id"
FROM "customers" AS "e"
ANTI JOIN (
  SELECT
    "r"."customer_id"
  FROM "orders" AS "r"
  WHERE
    "r"."created_at" >= CAST('2026-01-02 00:00:00' AS TIMESTAMP)
    AND "r"."created_at" < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
) AS "has1"
  ON "has1"."customer_id" = "e"."customer_id"
WHERE
  "e"."last_seen_at" < CAST('2026-04-01 00:00:00' AS TIMESTAMP)
