WITH [seg_orders] AS (
  SELECT
    [g].[entity_key] AS [entity_key],
    COUNT([g].[a1]) AS [a1]
  FROM (
    SELECT
      [r].[customer_id] AS [entity_key],
      MAX(
        CASE
          WHEN [r].[status] COLLATE Latin1_General_BIN2 = 'paid'
          AND (
            [r].[status] + '.'
          ) COLLATE Latin1_General_BIN2 = 'paid.'
          AND NOT [r].[category] IS NULL
          THEN 1
        END
      ) AS [a1]
    FROM [orders] AS [r]
    WHERE
      [r].[status] COLLATE Latin1_General_BIN2 = 'paid'
      AND (
        [r].[status] + '.'
      ) COLLATE Latin1_General_BIN2 = 'paid.'
    GROUP BY
      [r].[customer_id],
      [r].[category]
  ) AS [g]
  GROUP BY
    [g].[entity_key]
)
SELECT
  [e].[customer_id]
FROM [customers] AS [e]
JOIN [seg_orders] AS [rel1]
  ON [rel1].[entity_key] = [e].[customer_id]
WHERE
  COALESCE([rel1].[a1], 0) >= 3
