SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  `e`.`email` LIKE '%@gmail.com' ESCAPE '!'
  AND `e`.`is_subscribed` = TRUE
  AND `e`.`signup_date` >= CAST('2023-01-01' AS DATE)
