SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  "e"."life_stage" = 'family' AND "e"."age" < 45
