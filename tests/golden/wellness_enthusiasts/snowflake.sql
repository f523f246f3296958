SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  ARRAY_CONTAINS(CAST('yoga' AS VARIANT), "e"."interests")
  OR ARRAY_CONTAINS(CAST('running' AS VARIANT), "e"."interests")
