SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  "e"."last_seen_at" >= '2026-04-01 00:00:00'
  AND "e"."last_seen_at" < '2026-07-01 00:00:00'
  AND "e"."signup_date" < '2024-06-30'
