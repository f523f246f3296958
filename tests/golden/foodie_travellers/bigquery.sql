SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  EXISTS(
    SELECT
      1
    FROM UNNEST(`e`.`interests`) AS `_col`
    WHERE
      `_col` = 'cooking'
  )
  AND EXISTS(
    SELECT
      1
    FROM UNNEST(`e`.`interests`) AS `_col`
    WHERE
      `_col` = 'travel'
  )
  AND `e`.`is_subscribed` = TRUE
