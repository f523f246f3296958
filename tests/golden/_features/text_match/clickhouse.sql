SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  startsWith("e"."email", 'a%')
  OR endsWith("e"."city", '_x')
  OR position("e"."name", 'O''Brien') > 0
