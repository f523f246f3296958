WITH "seg_orders" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    MAX("r"."created_at") AS "a1",
    COUNT(
      CASE
        WHEN "r"."created_at" < '2026-07-01 00:00:00' AND "r"."status" = 'paid'
        THEN 1
      END
    ) AS "a2",
    CASE
      WHEN ABS(
        SUM(
          CASE
            WHEN "r"."created_at" < '2026-07-01 00:00:00' AND "r"."status" = 'paid'
            THEN ROUND("r"."amount")
          END
        )
      ) < 9000000
      THEN CAST((
        SUM(
          CASE
            WHEN "r"."created_at" < '2026-07-01 00:00:00' AND "r"."status" = 'paid'
            THEN ROUND("r"."amount")
          END
        ) * 1000000000 + SUM(
          CASE
            WHEN "r"."created_at" < '2026-07-01 00:00:00' AND "r"."status" = 'paid'
            THEN ROUND((
              "r"."amount" - ROUND("r"."amount")
            ) * 1000000000)
          END
        )
      ) AS REAL) / 1000000000.0
      ELSE SUM(
        CASE
          WHEN "r"."created_at" < '2026-07-01 00:00:00' AND "r"."status" = 'paid'
          THEN ROUND("r"."amount")
        END
      ) + CAST(SUM(
        CASE
          WHEN "r"."created_at" < '2026-07-01 00:00:00' AND "r"."status" = 'paid'
          THEN ROUND((
            "r"."amount" - ROUND("r"."amount")
          ) * 1000000000)
        END
      ) AS REAL) / 1000000000.0
    END AS "a3"
  FROM "orders" AS "r"
  WHERE
    "r"."created_at" >= '2025-07-01 00:00:00'
  GROUP BY
    "r"."customer_id"
)
SELECT
  "e"."customer_id"
FROM "customers" AS "e"
JOIN "seg_orders" AS "rel1"
  ON "rel1"."entity_key" = "e"."customer_id"
WHERE
  "rel1"."a1" >= '2026-06-01 00:00:00'
  AND "rel1"."a1" < '2026-07-01 00:00:00'
  AND COALESCE("rel1"."a2", 0) >= 5
  AND COALESCE("rel1"."a3", 0) >= 300
