SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  `e`.`interests` IS NULL OR NOT `e`.`interests` IS NULL AND `e`.`age` > 60
