SELECT
  [e].[customer_id]
FROM [customers] AS [e]
WHERE
  [e].[age] >= 25
  AND [e].[age] <= 34
  AND [e].[life_stage] COLLATE Latin1_General_BIN2 = 'young_professional'
  AND (
    [e].[life_stage] + '.'
  ) COLLATE Latin1_General_BIN2 = 'young_professional.'
