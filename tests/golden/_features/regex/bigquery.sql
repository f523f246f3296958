SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  REGEXP_CONTAINS(`e`.`email`, '^[a-z]+@gmail\\.com$')
  AND NOT COALESCE(REGEXP_CONTAINS(`e`.`city`, '(UK|uk)'), FALSE)
