SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  (
    has("e"."interests", 'yoga') OR has("e"."interests", 'running')
  )
  AND NOT COALESCE(has("e"."interests", 'travel'), FALSE)
