SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  STARTS_WITH(`e`.`email`, 'a%')
  OR ENDS_WITH(`e`.`city`, '_x')
  OR STRPOS(`e`.`name`, 'O\'Brien') > 0
