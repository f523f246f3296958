SELECT
  "E"."CUSTOMER_ID"
FROM "CUSTOMERS" AS "E"
WHERE
  "E"."CITY" IN ('London', 'Dublin')
