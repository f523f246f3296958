SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  ARRAY_CONTAINS("e"."interests", 'cooking')
  AND ARRAY_CONTAINS("e"."interests", 'travel')
  AND "e"."is_subscribed" = TRUE
