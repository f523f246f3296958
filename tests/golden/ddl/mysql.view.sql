-- segdsl: 6 segments as views for mysql, as of 2026-06-30
-- generated: edit the .seg files, not this file

-- big_spenders_this_year: Spent over 500 on paid orders in the last 365 days
CREATE OR REPLACE VIEW `big_spenders_this_year` AS
WITH `seg_orders` AS (
  SELECT
    `r`.`customer_id` AS `entity_key`,
    SUM(`r`.`amount`) AS `a1`
  FROM `orders` AS `r`
  WHERE
    `r`.`created_at` >= CAST('2025-07-01 00:00:00' AS DATETIME(6))
    AND `r`.`created_at` < CAST('2026-07-01 00:00:00' AS DATETIME(6))
    AND CAST(`r`.`status` AS BINARY) = CAST('paid' AS BINARY)
  GROUP BY
    `r`.`customer_id`
)
SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
JOIN `seg_orders` AS `rel1`
  ON `rel1`.`entity_key` = `e`.`customer_id`
WHERE
  COALESCE(`rel1`.`a1`, 0) > 500;

-- high_value: Top 10% of customers by lifetime value
CREATE OR REPLACE VIEW `high_value` AS
WITH `seg_orders` AS (
  SELECT
    `r`.`customer_id` AS `entity_key`,
    SUM(`r`.`amount`) AS `a1`
  FROM `orders` AS `r`
  WHERE
    CAST(`r`.`status` AS BINARY) = CAST('paid' AS BINARY)
  GROUP BY
    `r`.`customer_id`
), `pct1` AS (
  SELECT
    `e`.`customer_id` AS `entity_key`,
    RANK() OVER (ORDER BY COALESCE(`rel1`.`a1`, 0) DESC) AS `rnk`,
    COUNT(*) OVER () AS `cnt`
  FROM `customers` AS `e`
  LEFT JOIN `seg_orders` AS `rel1`
    ON `rel1`.`entity_key` = `e`.`customer_id`
)
SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
LEFT JOIN `pct1` AS `pct1`
  ON `pct1`.`entity_key` = `e`.`customer_id`
WHERE
  10 * (
    `pct1`.`rnk` - 1
  ) < 1 * `pct1`.`cnt`;

-- london_or_dublin: City dwellers in the two capitals
CREATE OR REPLACE VIEW `london_or_dublin` AS
SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  CAST(`e`.`city` AS BINARY) IN (CAST('London' AS BINARY), CAST('Dublin' AS BINARY));

-- low_value: Bottom quarter by lifetime value
CREATE OR REPLACE VIEW `low_value` AS
WITH `seg_orders` AS (
  SELECT
    `r`.`customer_id` AS `entity_key`,
    SUM(`r`.`amount`) AS `a1`
  FROM `orders` AS `r`
  WHERE
    CAST(`r`.`status` AS BINARY) = CAST('paid' AS BINARY)
  GROUP BY
    `r`.`customer_id`
), `pct1` AS (
  SELECT
    `e`.`customer_id` AS `entity_key`,
    RANK() OVER (
      ORDER BY CASE WHEN COALESCE(`rel1`.`a1`, 0) IS NULL THEN 1 ELSE 0 END, COALESCE(`rel1`.`a1`, 0) ASC
    ) AS `rnk`,
    COUNT(*) OVER () AS `cnt`
  FROM `customers` AS `e`
  LEFT JOIN `seg_orders` AS `rel1`
    ON `rel1`.`entity_key` = `e`.`customer_id`
)
SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
LEFT JOIN `pct1` AS `pct1`
  ON `pct1`.`entity_key` = `e`.`customer_id`
WHERE
  4 * (
    `pct1`.`rnk` - 1
  ) < 1 * `pct1`.`cnt`;

-- outside_europe: Customers outside the European regions (or with no region on file)
CREATE OR REPLACE VIEW `outside_europe` AS
SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  (
    NOT CAST(`e`.`region` AS BINARY) IN (
      CAST('UK' AS BINARY),
      CAST('IE' AS BINARY),
      CAST('DE' AS BINARY),
      CAST('FR' AS BINARY),
      CAST('ES' AS BINARY)
    )
    OR `e`.`region` IS NULL
  );

-- uk_ireland: Customers in the UK or Ireland
CREATE OR REPLACE VIEW `uk_ireland` AS
SELECT
  `e`.`customer_id`
FROM `customers` AS `e`
WHERE
  CAST(`e`.`region` AS BINARY) IN (CAST('UK' AS BINARY), CAST('IE' AS BINARY));
