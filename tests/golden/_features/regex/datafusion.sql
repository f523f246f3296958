SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  NOT REGEXP_MATCH("e"."email", '^[a-z]+@gmail\.com$') IS NULL
  AND NOT COALESCE(NOT REGEXP_MATCH("e"."city", '(UK|uk)') IS NULL, FALSE)
