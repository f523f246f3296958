SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  `e`.`last_seen_at` >= CAST('2026-04-01 00:00:00' AS DATETIME(6))
  AND `e`.`last_seen_at` < CAST('2026-07-01 00:00:00' AS DATETIME(6))
  AND `e`.`signup_date` < CAST('2024-06-30' AS DATE)
