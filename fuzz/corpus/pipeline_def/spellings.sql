-- a pipeline
CREATE OR REFRESH STREAMING TABLE raw
COMMENT 'as it came' TBLPROPERTIES ('quality' = 'bronze', delta.appendOnly = true)
AS SELECT * FROM STREAM read_kafka(bootstrapServers => '${K}', subscribe => '${T}',
                                   startingOffsets => 'earliest');

CREATE OR REFRESH STREAMING TABLE clean (
  id INT NOT NULL COMMENT 'the key',
  CONSTRAINT has_id EXPECT (id IS NOT NULL) ON VIOLATION QUARANTINE,
  CONSTRAINT pos    EXPECT (amount > 0)    ON VIOLATION DROP ROW,
  CONSTRAINT stop   EXPECT (amount < 1e9)  ON VIOLATION FAIL UPDATE,
  CONSTRAINT seen   EXPECT (ts IS NOT NULL)
) PARTITIONED BY (day) LOCATION 'abfss://c@acct.dfs.core.windows.net/clean'
AS SELECT CAST(get_json_object(CAST(value AS STRING), '$.id') AS INT) AS id,
          CAST(get_json_object(CAST(value AS STRING), '$.amount') AS DOUBLE) AS amount,
          ingested_at AS ts, CAST(ingested_at AS DATE) AS day
   FROM STREAM(LIVE.raw);
CREATE OR REFRESH MATERIALIZED VIEW totals AS
  WITH c AS (SELECT * FROM live.clean) /* a WITH name is not a table */
  SELECT day, sum(amount) AS total FROM c GROUP BY day;
CREATE STREAMING TABLE per_minute
AS SELECT window(s.ts, '1 minute').start AS minute, count(*) AS n
   FROM STREAM clean AS s WATERMARK ts DELAY OF INTERVAL 90 SECONDS
   JOIN totals ON s.day = totals.day GROUP BY 1;
