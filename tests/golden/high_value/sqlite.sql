WITH "seg_orders" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    CASE
      WHEN ABS(SUM(ROUND("r"."amount"))) < 9000000
      THEN CAST((
        SUM(ROUND("r"."amount")) * 1000000000 + SUM(ROUND((
          "r"."amount" - ROUND("r"."amount")
        ) * 1000000000))
      ) AS REAL) / 1000000000.0
      ELSE SUM(ROUND("r"."amount")) + CAST(SUM(ROUND((
        "r"."amount" - ROUND("r"."amount")
      ) * 1000000000)) AS REAL) / 1000000000.0
    END AS "a1"
  FROM "orders" AS "r"
  WHERE
    "r"."status" = 'paid'
  GROUP BY
    "r"."customer_id"
), "pct1" AS (
  SELECT
    "e"."customer_id" AS "entity_key",
    RANK() OVER (ORDER BY COALESCE("rel1"."a1", 0) DESC) AS "rnk",
    COUNT(*) OVER () AS "cnt"
  FROM "customers" AS "e"
  LEFT JOIN "seg_orders" AS "rel1"
    ON "rel1"."entity_key" = "e"."customer_id"
)
SELECT
  "e"."customer_id"
FROM "customers" AS "e"
LEFT JOIN "pct1" AS "pct1"
  ON "pct1"."entity_key" = "e"."customer_id"
WHERE
  10 * (
    "pct1"."rnk" - 1
  ) < 1 * "pct1"."cnt"
