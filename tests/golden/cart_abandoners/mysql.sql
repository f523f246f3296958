WITH `seg_events` AS (
  SELECT
    `r`.`customer_id` AS `entity_key`,
    COUNT(CASE WHEN CAST(`r`.`name` AS BINARY) = CAST('add_to_cart' AS BINARY) THEN 1 END) AS `a1`,
    COUNT(CASE WHEN CAST(`r`.`name` AS BINARY) = CAST('purchase' AS BINARY) THEN 1 END) AS `a2`
  FROM `events` AS `r`
  WHERE
    `r`.`ts` >= CAST('2026-06-24 00:00:00' AS DATETIME(6))
    AND `r`.`ts` < CAST('2026-07-01 00:00:00' AS DATETIME(6))
    AND CAST(`r`.`name` AS BINARY) IN (CAST('add_to_cart' AS BINARY), CAST('purchase' AS BINARY))
  GROUP BY
    `r`.`customer_id`
)
SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
JOIN `seg_events` AS `rel1`
  ON `rel1`.`entity_key` = `e`.`customer_id`
WHERE
  COALESCE(`rel1`.`a1`, 0) > 0
  AND COALESCE(`rel1`.`a2`, 0) = 0
  AND `e`.`is_subscribed` = TRUE
