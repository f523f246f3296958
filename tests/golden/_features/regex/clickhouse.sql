SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  match("e"."email", '^[a-z]+@gmail\\.com$')
  AND NOT COALESCE(match("e"."city", '(UK|uk)'), FALSE)
