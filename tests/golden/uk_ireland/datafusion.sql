SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  "e"."region" IN ('UK', 'IE')
