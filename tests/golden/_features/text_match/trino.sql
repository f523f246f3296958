SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  "e"."email" LIKE 'a!%%' ESCAPE '!'
  OR "e"."city" LIKE '%!_x' ESCAPE '!'
  OR "e"."name" LIKE '%O''Brien%' ESCAPE '!'
