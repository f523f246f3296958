SELECT
  [e].[customer_id]
FROM [customers] AS [e]
WHERE
  [e].[region] COLLATE Latin1_General_BIN2 IN ('UK', 'IE')
  AND (
    [e].[region] + '.'
  ) COLLATE Latin1_General_BIN2 IN ('UK.', 'IE.')
