SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  `e`.`gender` COLLATE utf8mb4_bin = 'female' AND `e`.`income` >= 80000
