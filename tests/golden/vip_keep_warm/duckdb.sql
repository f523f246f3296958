WITH "seg_orders" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    SUM("r"."amount") FILTER(WHERE
      "r"."status" = 'paid') AS "a1",
    MAX("r"."created_at") AS "a2"
  FROM "orders" AS "r"
  GROUP BY
    "r"."customer_id"
), "pct1" AS (
  SELECT
    "e"."customer_id" AS "entity_key",
    COALESCE("rel1"."a1", 0) AS "v"
  FROM "customers" AS "e"
  LEFT JOIN "seg_orders" AS "rel1"
    ON "rel1"."entity_key" = "e"."customer_id"
)
SELECT
  "e"."customer_id"
FROM "customers" AS "e"
LEFT JOIN "seg_orders" AS "rel1"
  ON "rel1"."entity_key" = "e"."customer_id"
LEFT JOIN "pct1" AS "pct1"
  ON "pct1"."entity_key" = "e"."customer_id"
WHERE
  "pct1"."v" >= (
    SELECT
      MIN("v")
    FROM (
      SELECT
        "v"
      FROM "pct1"
      ORDER BY
        "v" DESC
      LIMIT (
        SELECT
          (
            COUNT(*) * 1 + 9
          ) // 10
        FROM "pct1"
      )
    ) AS "k"
  )
  AND (
    NOT COALESCE("rel1"."a2" < CAST('2026-01-01 00:00:00' AS TIMESTAMP), FALSE)
    OR COALESCE("rel1"."a1", 0) < 200
  )
