SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  CAST(`e`.`gender` AS BINARY) = CAST('female' AS BINARY) AND `e`.`income` >= 80000
