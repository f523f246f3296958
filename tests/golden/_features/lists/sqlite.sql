SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  (
    EXISTS(
      SELECT
        1
      FROM JSON_EACH("e"."interests")
      WHERE
        "value" = 'yoga'
    )
    OR EXISTS(
      SELECT
        1
      FROM JSON_EACH("e"."interests")
      WHERE
        "value" = 'running'
    )
  )
  AND NOT COALESCE(
    EXISTS(
      SELECT
        1
      FROM JSON_EACH("e"."interests")
      WHERE
        "value" = 'travel'
    ),
    FALSE
  )
