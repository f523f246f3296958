SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  `e`.`age` >= 18 AND `e`.`is_subscribed` = TRUE
