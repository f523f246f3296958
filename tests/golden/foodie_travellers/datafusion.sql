SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  CASE
    WHEN 'cooking' IS NULL
    THEN NULL
    ELSE COALESCE('cooking' = ANY(
      "e"."interests"
    ), FALSE)
  END
  AND CASE
    WHEN 'travel' IS NULL
    THEN NULL
    ELSE COALESCE('travel' = ANY(
      "e"."interests"
    ), FALSE)
  END
  AND "e"."is_subscribed" = TRUE
