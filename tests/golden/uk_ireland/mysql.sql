SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  `e`.`region` COLLATE utf8mb4_bin IN ('UK', 'IE')
