SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  `e`.`email` COLLATE utf8mb4_bin LIKE 'a!%%' ESCAPE '!'
  OR `e`.`city` COLLATE utf8mb4_bin LIKE '%!_x' ESCAPE '!'
  OR `e`.`name` COLLATE utf8mb4_bin LIKE '%O''Brien%' ESCAPE '!'
