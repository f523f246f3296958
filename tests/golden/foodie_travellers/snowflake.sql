SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  ARRAY_CONTAINS(CAST('cooking' AS VARIANT), "e"."interests")
  AND ARRAY_CONTAINS(CAST('travel' AS VARIANT), "e"."interests")
  AND "e"."is_subscribed" = TRUE
