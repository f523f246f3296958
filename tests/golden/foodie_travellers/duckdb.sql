SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  LIST_CONTAINS("e"."interests", 'cooking')
  AND LIST_CONTAINS("e"."interests", 'travel')
  AND "e"."is_subscribed" = TRUE
