WITH [seg_orders] AS (
  SELECT
    [r].[customer_id] AS [entity_key],
    COUNT(*) AS [a1]
  FROM [orders] AS [r]
  WHERE
    [r].[created_at] >= CAST(DATEADD(DAY, -90, DATEADD(DAY, 1, CAST(GETDATE() AS DATE))) AS DATETIME2)
    AND [r].[created_at] < CAST(DATEADD(DAY, 1, CAST(GETDATE() AS DATE)) AS DATETIME2)
  GROUP BY
    [r].[customer_id]
)
SELECT
  [e].[customer_id]
FROM [customers] AS [e]
JOIN [seg_orders] AS [rel1]
  ON [rel1].[entity_key] = [e].[customer_id]
WHERE
  [e].[age] >= 25
  AND [e].[age] <= 40
  AND [e].[region] COLLATE Latin1_General_BIN2 IN ('UK', 'IE')
  AND (
    [e].[region] + '.'
  ) COLLATE Latin1_General_BIN2 IN ('UK.', 'IE.')
  AND COALESCE([rel1].[a1], 0) >= 3
