SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  REGEXP_LIKE("e"."email", '^[a-z]+@gmail\.com$')
  AND NOT COALESCE(REGEXP_LIKE("e"."city", '(UK|uk)'), FALSE)
