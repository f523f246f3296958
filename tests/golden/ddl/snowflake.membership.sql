-- segdsl: 6 segments as one membership table for snowflake, as of 2026-06-30
-- generated: edit the .seg files, not this file

-- membership: customer_id and one boolean column per segment (big_spenders_this_year, high_value, london_or_dublin, low_value, outside_europe, uk_ireland)
CREATE OR REPLACE TABLE "SEGMENT_MEMBERSHIP" AS
WITH "SEG_ORDERS" AS (
  SELECT
    "R"."CUSTOMER_ID" AS "ENTITY_KEY",
    SUM(
      CASE
        WHEN "R"."CREATED_AT" >= CAST('2025-07-01 00:00:00' AS TIMESTAMP)
        AND "R"."CREATED_AT" < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
        THEN "R"."AMOUNT"
      END
    ) AS "A1",
    SUM("R"."AMOUNT") AS "A2"
  FROM "ORDERS" AS "R"
  WHERE
    "R"."STATUS" = 'paid'
  GROUP BY
    "R"."CUSTOMER_ID"
), "PCT1" AS (
  SELECT
    "E"."CUSTOMER_ID" AS "ENTITY_KEY",
    RANK() OVER (ORDER BY COALESCE("REL1"."A2", 0) DESC NULLS LAST) AS "RNK",
    COUNT(*) OVER () AS "CNT"
  FROM "CUSTOMERS" AS "E"
  LEFT JOIN "SEG_ORDERS" AS "REL1"
    ON "REL1"."ENTITY_KEY" = "E"."CUSTOMER_ID"
), "PCT2" AS (
  SELECT
    "E"."CUSTOMER_ID" AS "ENTITY_KEY",
    RANK() OVER (ORDER BY COALESCE("REL1"."A2", 0) ASC) AS "RNK",
    COUNT(*) OVER () AS "CNT"
  FROM "CUSTOMERS" AS "E"
  LEFT JOIN "SEG_ORDERS" AS "REL1"
    ON "REL1"."ENTITY_KEY" = "E"."CUSTOMER_ID"
)
SELECT
  "E"."CUSTOMER_ID",
  COALESCE(COALESCE("REL1"."A1", 0) > 500, FALSE) AS "BIG_SPENDERS_THIS_YEAR",
  COALESCE(10 * (
    "PCT1"."RNK" - 1
  ) < 1 * "PCT1"."CNT", FALSE) AS "HIGH_VALUE",
  COALESCE("E"."CITY" IN ('London', 'Dublin'), FALSE) AS "LONDON_OR_DUBLIN",
  COALESCE(4 * (
    "PCT2"."RNK" - 1
  ) < 1 * "PCT2"."CNT", FALSE) AS "LOW_VALUE",
  COALESCE(
    (
      NOT "E"."REGION" IN ('UK', 'IE', 'DE', 'FR', 'ES') OR "E"."REGION" IS NULL
    ),
    FALSE
  ) AS "OUTSIDE_EUROPE",
  COALESCE("E"."REGION" IN ('UK', 'IE'), FALSE) AS "UK_IRELAND"
FROM "CUSTOMERS" AS "E"
LEFT JOIN "SEG_ORDERS" AS "REL1"
  ON "REL1"."ENTITY_KEY" = "E"."CUSTOMER_ID"
LEFT JOIN "PCT1" AS "PCT1"
  ON "PCT1"."ENTITY_KEY" = "E"."CUSTOMER_ID"
LEFT JOIN "PCT2" AS "PCT2"
  ON "PCT2"."ENTITY_KEY" = "E"."CUSTOMER_ID";
