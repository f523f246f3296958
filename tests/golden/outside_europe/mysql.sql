SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  (
    NOT CAST(`e`.`region` AS BINARY) IN (
      CAST('UK' AS BINARY),
      CAST('IE' AS BINARY),
      CAST('DE' AS BINARY),
      CAST('FR' AS BINARY),
      CAST('ES' AS BINARY)
    )
    OR `e`.`region` IS NULL
  )
