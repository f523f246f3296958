SELECT
  [e].[customer_id]
FROM [customers] AS [e]
WHERE
  [e].[life_stage] COLLATE Latin1_General_BIN2 = 'family'
  AND (
    [e].[life_stage] + '.'
  ) COLLATE Latin1_General_BIN2 = 'family.'
  AND [e].[age] < 45
