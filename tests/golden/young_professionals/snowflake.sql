SELECT
  "E"."CUSTOMER_ID"
FROM "CUSTOMERS" AS "E"
WHERE
  "E"."AGE" >= 25 AND "E"."AGE" <= 34 AND "E"."LIFE_STAGE" = 'young_professional'
