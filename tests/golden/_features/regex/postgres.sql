SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  "e"."email" ~ e'^[a-z]+@gmail\\.com$'
  AND NOT COALESCE("e"."city" ~ '(UK|uk)', FALSE)
