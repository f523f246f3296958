SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  CAST(`e`.`industry` AS BINARY) = CAST('retail' AS BINARY)
  AND `e`.`company_size` >= 1
  AND `e`.`company_size` <= 49
