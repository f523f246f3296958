SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  `e`.`industry` COLLATE utf8mb4_bin = 'tech' AND `e`.`company_size` >= 500
