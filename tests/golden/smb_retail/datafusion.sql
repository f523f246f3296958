SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  "e"."industry" = 'retail' AND "e"."company_size" >= 1 AND "e"."company_size" <= 49
