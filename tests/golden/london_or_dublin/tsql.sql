SELECT
  [e].[customer_id]
FROM [customers] AS [e]
WHERE
  [e].[city] COLLATE Latin1_General_BIN2 IN ('London', 'Dublin')
  AND (
    [e].[city] + '.'
  ) COLLATE Latin1_General_BIN2 IN ('London.', 'Dublin.')
