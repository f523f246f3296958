SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  CAST(`e`.`region` AS BINARY) IN (CAST('UK' AS BINARY), CAST('IE' AS BINARY))
