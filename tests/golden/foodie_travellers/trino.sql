SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  CONTAINS("e"."interests", 'cooking')
  AND CONTAINS("e"."interests", 'travel')
  AND "e"."is_subscribed" = TRUE
