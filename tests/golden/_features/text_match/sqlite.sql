SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  SUBSTR("e"."email", 1, 2) = 'a%'
  OR SUBSTR("e"."city", LENGTH("e"."city") - 2 + 1) = '_x'
  OR INSTR("e"."name", 'O''Brien') > 0
