SELECT
  "e"."customer_id"
FROM "customers" AS "e"
WHERE
  (
    CASE
      WHEN 'yoga' IS NULL
      THEN NULL
      ELSE COALESCE('yoga' = ANY(
        "e"."interests"
      ), FALSE)
    END
    OR CASE
      WHEN 'running' IS NULL
      THEN NULL
      ELSE COALESCE('running' = ANY(
        "e"."interests"
      ), FALSE)
    END
  )
  AND NOT COALESCE(
    CASE
      WHEN 'travel' IS NULL
      THEN NULL
      ELSE COALESCE('travel' = ANY(
        "e"."interests"
      ), FALSE)
    END,
    FALSE
  )
