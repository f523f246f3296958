SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  "e"."last_seen_at" < CAST('2026-04-01 00:00:00' AS TIMESTAMP(6))
  AND NOT COALESCE(
    "e"."customer_id" IN (
      SELECT
        "r"."customer_id"
      FROM "orders" AS "r"
      WHERE
        "r"."created_at" >= CAST('2026-01-02 00:00:00' AS TIMESTAMP(6))
        AND "r"."created_at" < CAST('2026-07-01 00:00:00' AS TIMESTAMP(6))
    ),
    FALSE
  )
