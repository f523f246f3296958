SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  REGEXP_INSTR(`e`.`email` COLLATE utf8mb4_bin, '^[a-z]+@gmail\\.com$') > 0
  AND NOT COALESCE(REGEXP_INSTR(`e`.`city` COLLATE utf8mb4_bin, '(UK|uk)') > 0, FALSE)
