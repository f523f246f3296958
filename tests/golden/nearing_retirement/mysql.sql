SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  `e`.`life_stage` COLLATE utf8mb4_bin = 'empty_nester' AND `e`.`age` >= 55
