SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  CAST(`e`.`city` AS BINARY) IN (CAST('London' AS BINARY), CAST('Dublin' AS BINARY))
