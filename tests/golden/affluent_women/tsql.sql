SELECT
  [e].[customer_id]
FROM [customers] AS [e]
WHERE
  [e].[gender] COLLATE Latin1_General_BIN2 = 'female'
  AND (
    [e].[gender] + '.'
  ) COLLATE Latin1_General_BIN2 = 'female.'
  AND [e].[income] >= 80000
