SELECT
  [e].[customer_id]
FROM [customers] AS [e]
WHERE
  [e].[industry] COLLATE Latin1_General_BIN2 = 'retail'
  AND (
    [e].[industry] + '.'
  ) COLLATE Latin1_General_BIN2 = 'retail.'
  AND [e].[company_size] >= 1
  AND [e].[company_size] <= 49
