SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  EXISTS(
    SELECT
      1
    FROM JSON_EACH("e"."interests")
    WHERE
      "value" = 'cooking'
  )
  AND EXISTS(
    SELECT
      1
    FROM JSON_EACH("e"."interests")
    WHERE
      "value" = 'travel'
  )
  AND "e"."is_subscribed" = TRUE
