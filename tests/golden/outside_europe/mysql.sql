SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  (
    NOT `e`.`region` COLLATE utf8mb4_bin IN ('UK', 'IE', 'DE', 'FR', 'ES')
    OR `e`.`region` IS NULL
  )
