SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  has("e"."interests", 'cooking')
  AND has("e"."interests", 'travel')
  AND "e"."is_subscribed" = TRUE
