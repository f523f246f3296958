SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  (
    NOT "e"."region" IN ('UK', 'IE', 'DE', 'FR', 'ES') OR "e"."region" IS NULL
  )
