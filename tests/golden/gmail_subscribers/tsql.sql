SELECT
  [e].[customer_id]
FROM [customers] AS [e]
WHERE
  (
    [e].[email] + '.'
  ) COLLATE Latin1_General_BIN2 LIKE '%@gmail.com.' ESCAPE '!'
  AND [e].[is_subscribed] = 1
  AND [e].[signup_date] >= CAST('2023-01-01' AS DATE)
