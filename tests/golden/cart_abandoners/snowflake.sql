WITH "SEG_EVENTS" AS (
  SELECT
    "R"."CUSTOMER_ID" AS "ENTITY_KEY",
    COUNT(
      CASE
        WHEN "R"."TS" >= CAST('2026-06-24 00:00:00' AS TIMESTAMP)
        AND "R"."TS" < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
        AND "R"."NAME" = 'add_to_cart'
        THEN 1
      END
    ) AS "A1",
    COUNT(
      CASE
        WHEN "R"."TS" >= CAST('2026-06-24 00:00:00' AS TIMESTAMP)
        AND "R"."TS" < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
        AND "R"."NAME" = 'purchase'
        THEN 1
      END
    ) AS "A2"
  FROM "EVENTS" AS "R"
  WHERE
    "R"."TS" >= CAST('2026-06-24 00:00:00' AS TIMESTAMP)
    AND "R"."TS" < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    AND "R"."NAME" IN ('add_to_cart', 'purchase')
  GROUP BY
    "R"."CUSTOMER_ID"
)
SELECT
  "E"."CUSTOMER_ID"
FROM "CUSTOMERS" AS "E"
JOIN "SEG_EVENTS" AS "REL1"
  ON "REL1"."ENTITY_KEY" = "E"."CUSTOMER_ID"
WHERE
  COALESCE("REL1"."A1", 0) > 0
  AND COALESCE("REL1"."A2", 0) = 0
  AND "E"."IS_SUBSCRIBED" = TRUE
