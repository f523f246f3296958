SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  (
    EXISTS(
      SELECT
        1
      FROM UNNEST(`e`.`interests`) AS `_col`
      WHERE
        `_col` = 'yoga'
    )
    OR EXISTS(
      SELECT
        1
      FROM UNNEST(`e`.`interests`) AS `_col`
      WHERE
        `_col` = 'running'
    )
  )
  AND NOT COALESCE(
    EXISTS(
      SELECT
        1
      FROM UNNEST(`e`.`interests`) AS `_col`
      WHERE
        `_col` = 'travel'
    ),
    FALSE
  )
