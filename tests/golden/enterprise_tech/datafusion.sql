SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  "e"."industry" = 'tech' AND "e"."company_size" >= 500
