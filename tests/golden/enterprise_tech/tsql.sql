SELECT
  [e].[customer_id]
FROM [customers] AS [e]
WHERE
  [e].[industry] COLLATE Latin1_General_BIN2 = 'tech'
  AND (
    [e].[industry] + '.'
  ) COLLATE Latin1_General_BIN2 = 'tech.'
  AND [e].[company_size] >= 500
