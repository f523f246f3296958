-- segdsl: 6 segments as tables for snowflake, as of 2026-06-30
-- generated: edit the .seg files, not this file

-- big_spenders_this_year: Spent over 500 on paid orders in the last 365 days
CREATE OR REPLACE TABLE "BIG_SPENDERS_THIS_YEAR" AS
WITH "SEG_ORDERS" AS (
  SELECT
    "R"."CUSTOMER_ID" AS "ENTITY_KEY",
    SUM("R"."AMOUNT") AS "A1"
  FROM "ORDERS" AS "R"
  WHERE
    "R"."CREATED_AT" >= CAST('2025-07-01 00:00:00' AS TIMESTAMP)
    AND "R"."CREATED_AT" < CAST('2026-07-01 00:00:00' AS TIMESTAMP)
    AND "R"."STATUS" = 'paid'
  GROUP BY
    "R"."CUSTOMER_ID"
)
SELECT
  "E"."CUSTOMER_ID"
FROM "CUSTOMERS" AS "E"
JOIN "SEG_ORDERS" AS "REL1"
  ON "REL1"."ENTITY_KEY" = "E"."CUSTOMER_ID"
WHERE
  COALESCE("REL1"."A1", 0) > 500;

-- high_value: Top 10% of customers by lifetime value
CREATE OR REPLACE TABLE "HIGH_VALUE" AS
WITH "SEG_ORDERS" AS (
  SELECT
    "R"."CUSTOMER_ID" AS "ENTITY_KEY",
    SUM("R"."AMOUNT") AS "A1"
  FROM "ORDERS" AS "R"
  WHERE
    "R"."STATUS" = 'paid'
  GROUP BY
    "R"."CUSTOMER_ID"
), "PCT1" AS (
  SELECT
    "E"."CUSTOMER_ID" AS "ENTITY_KEY",
    RANK() OVER (ORDER BY COALESCE("REL1"."A1", 0) DESC NULLS LAST) AS "RNK",
    COUNT(*) OVER () AS "CNT"
  FROM "CUSTOMERS" AS "E"
  LEFT JOIN "SEG_ORDERS" AS "REL1"
    ON "REL1"."ENTITY_KEY" = "E"."CUSTOMER_ID"
)
SELECT
  "E"."CUSTOMER_ID"
FROM "CUSTOMERS" AS "E"
LEFT JOIN "PCT1" AS "PCT1"
  ON "PCT1"."ENTITY_KEY" = "E"."CUSTOMER_ID"
WHERE
  10 * (
    "PCT1"."RNK" - 1
  ) < 1 * "PCT1"."CNT";

-- london_or_dublin: City dwellers in the two capitals
CREATE OR REPLACE TABLE "LONDON_OR_DUBLIN" AS
SELECT
  "E"."CUSTOMER_ID"
FROM "CUSTOMERS" AS "E"
WHERE
  "E"."CITY" IN ('London', 'Dublin');

-- low_value: Bottom quarter by lifetime value
CREATE OR REPLACE TABLE "LOW_VALUE" AS
WITH "SEG_ORDERS" AS (
  SELECT
    "R"."CUSTOMER_ID" AS "ENTITY_KEY",
    SUM("R"."AMOUNT") AS "A1"
  FROM "ORDERS" AS "R"
  WHERE
    "R"."STATUS" = 'paid'
  GROUP BY
    "R"."CUSTOMER_ID"
), "PCT1" AS (
  SELECT
    "E"."CUSTOMER_ID" AS "ENTITY_KEY",
    RANK() OVER (ORDER BY COALESCE("REL1"."A1", 0) ASC) AS "RNK",
    COUNT(*) OVER () AS "CNT"
  FROM "CUSTOMERS" AS "E"
  LEFT JOIN "SEG_ORDERS" AS "REL1"
    ON "REL1"."ENTITY_KEY" = "E"."CUSTOMER_ID"
)
SELECT
  "E"."CUSTOMER_ID"
FROM "CUSTOMERS" AS "E"
LEFT JOIN "PCT1" AS "PCT1"
  ON "PCT1"."ENTITY_KEY" = "E"."CUSTOMER_ID"
WHERE
  4 * (
    "PCT1"."RNK" - 1
  ) < 1 * "PCT1"."CNT";

-- outside_europe: Customers outside the European regions (or with no region on file)
CREATE OR REPLACE TABLE "OUTSIDE_EUROPE" AS
SELECT
  "E"."CUSTOMER_ID"
FROM "CUSTOMERS" AS "E"
WHERE
  (
    NOT "E"."REGION" IN ('UK', 'IE', 'DE', 'FR', 'ES') OR "E"."REGION" IS NULL
  );

-- uk_ireland: Customers in the UK or Ireland
CREATE OR REPLACE TABLE "UK_IRELAND" AS
SELECT
  "E"."CUSTOMER_ID"
FROM "CUSTOMERS" AS "E"
WHERE
  "E"."REGION" IN ('UK', 'IE');
