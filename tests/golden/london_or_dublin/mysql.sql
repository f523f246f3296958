SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  `e`.`city` COLLATE utf8mb4_bin IN ('London', 'Dublin')
