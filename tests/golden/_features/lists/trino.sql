SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  (
    CONTAINS("e"."interests", 'yoga') OR CONTAINS("e"."interests", 'running')
  )
  AND NOT COALESCE(CONTAINS("e"."interests", 'travel'), FALSE)
