SELECT
  "e"."customer_id"
FROM "customers" AS "e"
SEMI JOIN (
  SELECT
    "r"."customer_id"
  FROM "orders" AS "r"
  WHERE
    "r"."created_at" >= CAST('2026-06-01 00:00:00' AS TIMESTAMP)
    AND "r"."created_at" < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    AND "r"."amount" > 100
) AS "has1"
  ON "has1"."customer_id" = "e"."customer_id"
