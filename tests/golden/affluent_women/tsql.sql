SELECT
  [e].[customer_id]
FROM [customers] AS [e]
WHERE
  [e].[gender] = 'female' AND [e].[income] >= 80000
