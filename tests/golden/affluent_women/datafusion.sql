SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  "e"."gender" = 'female' AND "e"."income" >= CAST('80000' AS DECIMAL(38, 0))
