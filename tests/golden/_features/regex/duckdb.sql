SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  REGEXP_MATCHES("e"."email", '^[a-z]+@gmail\.com$')
  AND NOT COALESCE(REGEXP_MATCHES("e"."city", '(UK|uk)'), FALSE)
