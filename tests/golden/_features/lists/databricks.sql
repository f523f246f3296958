SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  (
    ARRAY_CONTAINS(`e`.`interests`, 'yoga')
    OR ARRAY_CONTAINS(`e`.`interests`, 'running')
  )
  AND NOT COALESCE(ARRAY_CONTAINS(`e`.`interests`, 'travel'), FALSE)
