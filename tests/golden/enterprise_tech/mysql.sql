SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  CAST(`e`.`industry` AS BINARY) = CAST('tech' AS BINARY)
  AND `e`.`company_size` >= 500
