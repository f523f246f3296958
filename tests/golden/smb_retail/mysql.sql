SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  `e`.`industry` COLLATE utf8mb4_bin = 'retail'
  AND `e`.`company_size` >= 1
  AND `e`.`company_size` <= 49
