SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  "e"."customer_id" IN (
    SELECT
      "r"."customer_id"
    FROM "orders" AS "r"
    WHERE
      "r"."created_at" >= CAST('2026-06-01 00:00:00' AS TIMESTAMP(6))
      AND "r"."created_at" < CAST('2026-07-01 00:00:00' AS TIMESTAMP(6))
      AND "r"."amount" > 100
  )
