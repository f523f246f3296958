SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  "e"."city" IN ('London', 'Dublin')
