SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  `e`.`email` RLIKE '^[a-z]+@gmail\\.com$'
  AND NOT COALESCE(`e`.`city` RLIKE '(UK|uk)', FALSE)
