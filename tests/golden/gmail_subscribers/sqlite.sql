SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  SUBSTR("e"."email", LENGTH("e"."email") - 10 + 1) = '@gmail.com'
  AND "e"."is_subscribed" = TRUE
  AND "e"."signup_date" >= '2023-01-01'
