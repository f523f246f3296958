SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  has("e"."interests", 'yoga') OR has("e"."interests", 'running')
