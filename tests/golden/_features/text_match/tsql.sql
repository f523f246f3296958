SELECT
  [e].[customer_id]
FROM [customers] AS [e]
WHERE
  [e].[email] COLLATE Latin1_General_BIN2 LIKE 'a!%%' ESCAPE '!'
  OR (
    [e].[city] + '.'
  ) COLLATE Latin1_General_BIN2 LIKE '%!_x.' ESCAPE '!'
  OR [e].[name] COLLATE Latin1_General_BIN2 LIKE '%O''Brien%' ESCAPE '!'
