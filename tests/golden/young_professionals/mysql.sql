SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  `e`.`age` >= 25
  AND `e`.`age` <= 34
  AND CAST(`e`.`life_stage` AS BINARY) = CAST('young_professional' AS BINARY)
