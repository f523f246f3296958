SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  (
    LIST_CONTAINS("e"."interests", 'yoga')
    OR LIST_CONTAINS("e"."interests", 'running')
  )
  AND NOT COALESCE(LIST_CONTAINS("e"."interests", 'travel'), FALSE)
