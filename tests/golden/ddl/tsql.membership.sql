-- segdsl: 6 segments as one membership table for tsql, as of 2026-06-30
-- generated: edit the .seg files, not this file

-- membership: customer_id and one boolean column per segment (big_spenders_this_year, high_value, london_or_dublin, low_value, outside_europe, uk_ireland)
DROP TABLE IF EXISTS [segment_membership];
WITH [seg_orders] AS (
  SELECT
    [r].[customer_id] AS [entity_key],
    SUM(
      CASE
        WHEN [r].[created_at] >= CAST('2025-07-01 00:00:00' AS DATETIME2)
        AND [r].[created_at] < CAST('2026-07-01 00:00:00' AS DATETIME2)
        THEN [r].[amount]
      END
    ) AS [a1],
    SUM([r].[amount]) AS [a2]
  FROM [orders] AS [r]
  WHERE
    [r].[status] COLLATE Latin1_General_BIN2 = 'paid'
    AND (
      [r].[status] + '.'
    ) COLLATE Latin1_General_BIN2 = 'paid.'
  GROUP BY
    [r].[customer_id]
), [pct1] AS (
  SELECT
    [e].[customer_id] AS [entity_key],
    RANK() OVER (ORDER BY COALESCE([rel1].[a2], 0) DESC) AS [rnk],
    COUNT(*) OVER () AS [cnt]
  FROM [customers] AS [e]
  LEFT JOIN [seg_orders] AS [rel1]
    ON [rel1].[entity_key] = [e].[customer_id]
), [pct2] AS (
  SELECT
    [e].[customer_id] AS [entity_key],
    RANK() OVER (
      ORDER BY CASE WHEN COALESCE([rel1].[a2], 0) IS NULL THEN 1 ELSE 0 END, COALESCE([rel1].[a2], 0) ASC
    ) AS [rnk],
    COUNT(*) OVER () AS [cnt]
  FROM [customers] AS [e]
  LEFT JOIN [seg_orders] AS [rel1]
    ON [rel1].[entity_key] = [e].[customer_id]
)
SELECT
  *
INTO [segment_membership]
FROM (
  SELECT
    [e].[customer_id] AS [customer_id],
    CAST(CASE WHEN COALESCE([rel1].[a1], 0) > 500 THEN 1 ELSE 0 END AS BIT) AS [big_spenders_this_year],
    CAST(CASE WHEN 10 * (
      [pct1].[rnk] - 1
    ) < 1 * [pct1].[cnt] THEN 1 ELSE 0 END AS BIT) AS [high_value],
    CAST(CASE
      WHEN [e].[city] COLLATE Latin1_General_BIN2 IN ('London', 'Dublin')
      AND (
        [e].[city] + '.'
      ) COLLATE Latin1_General_BIN2 IN ('London.', 'Dublin.')
      THEN 1
      ELSE 0
    END AS BIT) AS [london_or_dublin],
    CAST(CASE WHEN 4 * (
      [pct2].[rnk] - 1
    ) < 1 * [pct2].[cnt] THEN 1 ELSE 0 END AS BIT) AS [low_value],
    CAST(CASE
      WHEN (
        NOT (
          [e].[region] COLLATE Latin1_General_BIN2 IN ('UK', 'IE', 'DE', 'FR', 'ES')
          AND (
            [e].[region] + '.'
          ) COLLATE Latin1_General_BIN2 IN ('UK.', 'IE.', 'DE.', 'FR.', 'ES.')
        )
        OR [e].[region] IS NULL
      )
      THEN 1
      ELSE 0
    END AS BIT) AS [outside_europe],
    CAST(CASE
      WHEN [e].[region] COLLATE Latin1_General_BIN2 IN ('UK', 'IE')
      AND (
        [e].[region] + '.'
      ) COLLATE Latin1_General_BIN2 IN ('UK.', 'IE.')
      THEN 1
      ELSE 0
    END AS BIT) AS [uk_ireland]
  FROM [customers] AS [e]
  LEFT JOIN [seg_orders] AS [rel1]
    ON [rel1].[entity_key] = [e].[customer_id]
  LEFT JOIN [pct1] AS [pct1]
    ON [pct1].[entity_key] = [e].[customer_id]
  LEFT JOIN [pct2] AS [pct2]
    ON [pct2].[entity_key] = [e].[customer_id]
) AS [temp];
GO
