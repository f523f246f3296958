WITH `seg_orders` AS (
  SELECT
    `r`.`customer_id` AS `entity_key`,
    MIN(`r`.`created_at`) AS `a1`
  FROM `orders` AS `r`
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
