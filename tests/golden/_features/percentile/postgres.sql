WITH "seg_orders" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    SUM("r"."amount") AS "a1"
  FROM "orders" AS "r"
  WHERE
    "r"."status" = 'paid'
  GROUP BY
    "r"."customer_id"
), "pct1" AS (
  SELECT
    "e"."customer_id" AS "entity_key",
    COALESCE("rel1"."a1", 0) AS "v"
  FROM "customers" AS "e"
  LEFT JOIN "seg_orders" AS "rel1"
    ON "rel1"."entity_key" = "e"."customer_id"
), "pct2" AS (
  SELECT
    "e"."customer_id" AS "entity_key",
    "e"."age" AS "v"
  FROM "customers" AS "e"
  WHERE
    NOT "e"."age" IS NULL
)
SELECT
  "e"."customer_id"
FROM "customers" AS "e"
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
        "v" DESC NULLS LAST
      LIMIT (
        SELECT
          DIV((
            COUNT(*) * 1 + 9
          ), 10)
        FROM "pct1"
      )
    ) AS "k"
  )
  OR "e"."age" <= (
    SELECT
      MAX("v")
    FROM (
      SELECT
        "v"
      FROM "pct2"
      ORDER BY
        "v" ASC
      LIMIT (
        SELECT
          DIV((
            COUNT(*) * 1 + 19
          ), 20)
        FROM "pct2"
      )
    ) AS "k"
  )
