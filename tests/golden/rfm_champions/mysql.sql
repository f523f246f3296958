WITH `seg_orders` AS (
  SELECT
    `r`.`customer_id` AS `entity_key`,
    MAX(`r`.`created_at`) AS `a1`,
    COUNT(
      CASE
        WHEN `r`.`created_at` < CAST('2026-07-01 00:00:00' AS DATETIME(6))
        AND CAST(`r`.`status` AS BINARY) = CAST('paid' AS BINARY)
        THEN 1
      END
    ) AS `a2`,
    SUM(
      CASE
        WHEN `r`.`created_at` < CAST('2026-07-01 00:00:00' AS DATETIME(6))
        AND CAST(`r`.`status` AS BINARY) = CAST('paid' AS BINARY)
        THEN `r`.`amount`
      END
    ) AS `a3`
  FROM `orders` AS `r`
  WHERE
    `r`.`created_at` >= CAST('2025-07-01 00:00:00' AS DATETIME(6))
  GROUP BY
    `r`.`customer_id`
)
SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
JOIN `seg_orders` AS `rel1`
  ON `rel1`.`entity_key` = `e`.`customer_id`
WHERE
  `rel1`.`a1` >= CAST('2026-06-01 00:00:00' AS DATETIME(6))
  AND `rel1`.`a1` < CAST('2026-07-01 00:00:00' AS DATETIME(6))
  AND COALESCE(`rel1`.`a2`, 0) >= 5
  AND COALESCE(`rel1`.`a3`, 0) >= 300
