SELECT
  [e].[customer_id]
FROM [customers] AS [e]
WHERE
  [e].[life_stage] COLLATE Latin1_General_BIN2 = 'empty_nester'
  AND (
    [e].[life_stage] + '.'
  ) COLLATE Latin1_General_BIN2 = 'empty_nester.'
  AND [e].[age] >= 55
