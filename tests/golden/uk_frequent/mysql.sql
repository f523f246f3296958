WITH `seg_orders` AS (
  SELECT
    `r`.`customer_id` AS `entity_key`,
    COUNT(*) AS `a1`
  FROM `orders` AS `r`
  WHERE
    `r`.`created_at` >= CAST('2026-04-02 00:00:00' AS DATETIME(6))
    AND `r`.`created_at` < CAST('2026-07-01 00:00:00' AS DATETIME(6))
  GROUP BY
    `r`.`customer_id`
)
SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
JOIN `seg_orders` AS `rel1`
  ON `rel1`.`entity_key` = `e`.`customer_id`
WHERE
  `e`.`age` >= 25
  AND `e`.`age` <= 40
  AND CAST(`e`.`region` AS BINARY) IN (CAST('UK' AS BINARY), CAST('IE' AS BINARY))
  AND COALESCE(`rel1`.`a1`, 0) >= 3
