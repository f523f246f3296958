WITH "seg_orders" AS (
  SELECT
    "r"."customer_id" AS "entity_key",
    toNullable(
      COUNT(
        CASE
          WHEN "r"."created_at" >= CAST('2026-04-02 00:00:00' AS Nullable(DateTime64(6)))
          AND "r"."created_at" < CAST('2026-07-01 00:00:00' AS Nullable(DateTime64(6)))
          AND "r"."status" = 'paid'
          THEN 1
        END
      )
    ) AS "a1",
    toNullable(toFloat64(toDecimal128(SUM("r"."amount"), 10) / nullIf(COUNT("r"."amount"), 0))) AS "a2"
  FROM "orders" AS "r"
  GROUP BY
    "r"."customer_id"
)
SELECT
  "e"."customer_id"
FROM "customers" AS "e"
JOIN "seg_orders" AS "rel1"
  ON "rel1"."entity_key" = "e"."customer_id"
WHERE
  COALESCE("rel1"."a1", 0) >= 3 AND "rel1"."a2" > 10
