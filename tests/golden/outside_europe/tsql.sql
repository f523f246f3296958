SELECT
  [e].[customer_id]
FROM [customers] AS [e]
WHERE
  (
    NOT (
      [e].[region] COLLATE Latin1_General_BIN2 IN ('UK', 'IE', 'DE', 'FR', 'ES')
      AND (
        [e].[region] + '.'
      ) COLLATE Latin1_General_BIN2 IN ('UK.', 'IE.', 'DE.', 'FR.', 'ES.')
    )
    OR [e].[region] IS NULL
  )
