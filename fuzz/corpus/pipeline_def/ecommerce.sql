-- The seed's e-commerce medallion as one declarative pipeline (docs/PIPELINES.md).
-- Bronze keeps every Kafka message as it came; silver types and validates the sales
-- transactions (the columns of the seed's sales-transactions CSV, one JSON object per row);
-- gold holds what the dashboards and the machine-learning jobs read.
--
--   silt pipeline validate examples/ecommerce.sql --var KAFKA=127.0.0.1:9092 --var TOPIC=transactions
--
-- ${K} and ${T} come from --var NAME=VALUE or the environment.

-- Bronze: the raw messages with their Kafka coordinates (fed by silt's ingestion).
CREATE OR REFRESH STREAMING TABLE bronze_transactions
COMMENT 'Every message of the transactions topic, byte for byte'
AS SELECT * FROM STREAM read_kafka(bootstrapServers => '${K}', subscribe => '${T}',
                                   startingOffsets => 'earliest');

-- Silver: typed rows (the text Date becomes the DATE column date: Delta column names are
-- case-insensitive, so the two cannot both be kept). A message that is not a transaction goes to
-- silver_transactions_quarantine with the reason; a non-positive price is dropped.
CREATE OR REFRESH STREAMING TABLE silver_transactions (
  CONSTRAINT valid_json     EXPECT (TransactionNo IS NOT NULL) ON VIOLATION QUARANTINE, -- silt's
  CONSTRAINT has_customer   EXPECT (CustomerNo IS NOT NULL)    ON VIOLATION QUARANTINE,
  CONSTRAINT has_date       EXPECT (date IS NOT NULL)          ON VIOLATION QUARANTINE,
  CONSTRAINT positive_price EXPECT (Price > 0)                 ON VIOLATION DROP ROW,
  CONSTRAINT known_country  EXPECT (Country <> '')             -- no action: counted, kept
)
PARTITIONED BY (date)
COMMENT 'Sales transactions, typed and validated; cancelled lines flagged'
AS SELECT t.TransactionNo, to_date(t.Date, 'M/d/yyyy') AS date, t.ProductNo, t.ProductName,
          t.Price, t.Quantity, t.CustomerNo, t.Country, t.TransactionNo LIKE 'C%' AS cancelled,
          ingested_at
   FROM (SELECT from_json(CAST(value AS STRING),
           'TransactionNo STRING, Date STRING, ProductNo STRING, ProductName STRING,
            Price FLOAT, Quantity INT, CustomerNo FLOAT, Country STRING') AS t, ingested_at
         FROM STREAM(bronze_transactions));

-- Gold: revenue by country (sales only, cancellations left out).
CREATE OR REFRESH MATERIALIZED VIEW gold_revenue_by_country
COMMENT 'Lines and revenue per country'
AS SELECT Country, count(*) AS lines, sum(Price * Quantity) AS revenue
   FROM silver_transactions WHERE NOT cancelled GROUP BY Country;

-- Gold: revenue by day.
CREATE OR REFRESH MATERIALIZED VIEW gold_revenue_by_day
COMMENT 'Transactions, lines, units and revenue per day'
AS SELECT date, count(DISTINCT TransactionNo) AS transactions, count(*) AS lines,
          sum(Quantity) AS units, sum(Price * Quantity) AS revenue
   FROM silver_transactions WHERE NOT cancelled GROUP BY date;

-- Gold: the 100 products with the most revenue.
CREATE OR REFRESH MATERIALIZED VIEW gold_top_products
COMMENT 'Top 100 products by revenue'
AS SELECT ProductNo, max(ProductName) AS ProductName, sum(Quantity) AS units,
          sum(Price * Quantity) AS revenue, count(DISTINCT CustomerNo) AS customers
   FROM silver_transactions WHERE NOT cancelled
   GROUP BY ProductNo
   ORDER BY revenue DESC, ProductNo
   LIMIT 100;

-- Gold: revenue per minute for the live dashboard; each minute is written once, when the
-- watermark (the latest ingested_at seen, less 30 seconds) passes its end (silt's placement
-- of WATERMARK: right after the stream source).
CREATE OR REFRESH STREAMING TABLE gold_revenue_per_minute
COMMENT 'Revenue per minute of ingestion'
AS SELECT window(ingested_at, '1 minute').start AS minute, count(*) AS lines,
          sum(Price * Quantity) AS revenue
   FROM STREAM(silver_transactions) WATERMARK ingested_at DELAY OF INTERVAL 30 SECONDS
   WHERE NOT cancelled
   GROUP BY 1;

-- Gold: customer features for machine learning: recency (days from the customer's last
-- purchase to the last day of the data), frequency (purchases), monetary value (revenue)
-- and cancellations.
CREATE OR REFRESH MATERIALIZED VIEW gold_customer_features
COMMENT 'Recency, frequency, monetary value and cancellations per customer'
AS WITH per_customer AS (
     SELECT CustomerNo,
            max(CASE WHEN NOT cancelled THEN date END) AS last_purchase,
            count(DISTINCT CASE WHEN NOT cancelled THEN TransactionNo END) AS frequency,
            coalesce(sum(CASE WHEN NOT cancelled THEN Price * Quantity END), 0) AS monetary,
            count(DISTINCT CASE WHEN cancelled THEN TransactionNo END) AS cancellations,
            sum(CASE WHEN cancelled THEN -Price * Quantity ELSE 0 END) AS cancelled_value
     FROM silver_transactions
     GROUP BY CustomerNo),
   last_day AS (SELECT max(date) AS day, 1 AS k FROM silver_transactions)
   SELECT c.CustomerNo, datediff(l.day, c.last_purchase) AS recency_days, c.frequency,
          c.monetary, c.cancellations, c.cancelled_value, c.last_purchase
   FROM (SELECT *, 1 AS k FROM per_customer) c JOIN last_day l ON c.k = l.k;
