SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  "e"."age" >= 18
  AND "e"."age" <= 65
  AND "e"."region" IN ('UK', 'IE')
  AND "e"."phone" IS NULL
  AND (
    "e"."income" <> 0.5 OR "e"."income" IS NULL
  )
