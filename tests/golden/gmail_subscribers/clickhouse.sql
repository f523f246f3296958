SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  endsWith("e"."email", '@gmail.com')
  AND "e"."is_subscribed" = TRUE
  AND "e"."signup_date" >= CAST('2023-01-01' AS Nullable(Date32))
