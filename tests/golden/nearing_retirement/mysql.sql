SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  CAST(`e`.`life_stage` AS BINARY) = CAST('empty_nester' AS BINARY)
  AND `e`.`age` >= 55
