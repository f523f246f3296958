SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  "e"."life_stage" = 'empty_nester' AND "e"."age" >= 55
