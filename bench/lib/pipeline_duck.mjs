// DuckDB's side of bench/pipeline.sh: the same work as examples/ecommerce.sql done as one batch
// with threads=1 (read_json of the messages -> typed, validated silver as Parquet -> each gold
// query over it -> Parquet, snappy as silt's silver and gold), timed in process. Prints
// "seconds silver_rows".
// Usage: node bench/lib/pipeline_duck.mjs MESSAGES.jsonl WORKDIR
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [msgs, work] = process.argv.slice(2);
const q = (s) => "'" + s.replaceAll("'", "''") + "'";
fs.mkdirSync(work, { recursive: true });
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
const out = (name) => q(path.join(work, `${name}.parquet`));
const silver = `read_parquet(${out('silver')})`;
const gold = {
  revenue_by_country: `SELECT Country, count(*) AS lines, sum(Price * Quantity) AS revenue
    FROM ${silver} WHERE NOT cancelled GROUP BY Country`,
  revenue_by_day: `SELECT date, count(DISTINCT TransactionNo) AS transactions, count(*) AS lines,
    sum(Quantity) AS units, sum(Price * Quantity) AS revenue FROM ${silver} WHERE NOT cancelled
    GROUP BY date`,
  top_products: `SELECT ProductNo, max(ProductName) AS ProductName, sum(Quantity) AS units,
    sum(Price * Quantity) AS revenue, count(DISTINCT CustomerNo) AS customers FROM ${silver}
    WHERE NOT cancelled GROUP BY ProductNo ORDER BY revenue DESC, ProductNo LIMIT 100`,
  revenue_per_minute: `SELECT time_bucket(INTERVAL 1 minute, ingested_at) AS minute, count(*) AS lines,
    sum(Price * Quantity) AS revenue FROM ${silver} WHERE NOT cancelled GROUP BY 1`,
  customer_features: `WITH s AS (SELECT * FROM ${silver}), per_customer AS (
      SELECT CustomerNo, max(CASE WHEN NOT cancelled THEN date END) AS last_purchase,
        count(DISTINCT CASE WHEN NOT cancelled THEN TransactionNo END) AS frequency,
        coalesce(sum(CASE WHEN NOT cancelled THEN Price * Quantity END), 0) AS monetary,
        count(DISTINCT CASE WHEN cancelled THEN TransactionNo END) AS cancellations
      FROM s GROUP BY CustomerNo)
    SELECT p.*, (SELECT max(date) FROM s) - p.last_purchase AS recency_days FROM per_customer p`,
};
const t0 = process.hrtime.bigint();
await c.run(`COPY (
  SELECT TransactionNo, strptime(Date, '%m/%d/%Y')::DATE AS date, ProductNo, ProductName, Price,
         Quantity, CustomerNo, Country, TransactionNo LIKE 'C%' AS cancelled,
         current_timestamp::TIMESTAMP AS ingested_at
  FROM read_json(${q(msgs)}, format = 'newline_delimited', ignore_errors = true, columns = {
    TransactionNo: 'VARCHAR', Date: 'VARCHAR', ProductNo: 'VARCHAR', ProductName: 'VARCHAR',
    Price: 'FLOAT', Quantity: 'INTEGER', CustomerNo: 'FLOAT', Country: 'VARCHAR'})
  WHERE TransactionNo IS NOT NULL AND CustomerNo IS NOT NULL AND Date IS NOT NULL AND Price > 0
) TO ${out('silver')} (FORMAT parquet, COMPRESSION snappy)`);
for (const [name, sql] of Object.entries(gold))
  await c.run(`COPY (${sql}) TO ${out(name)} (FORMAT parquet, COMPRESSION snappy)`);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const n = (await c.runAndReadAll(`SELECT count(*) FROM ${silver}`)).getRows()[0][0];
console.log(`${secs.toFixed(3)} ${n}`);
