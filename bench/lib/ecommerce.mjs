// Synthetic e-commerce rows for the benchmarks, built inside DuckDB: `rows` transactions in the
// seed's schema whose products, prices and countries are drawn from the sample CSV (9 in 10 rows
// from the first country), four lines per transaction, 2,800 a day from 2018-12-01.
// createEcommerce(connection, csvPath, { rows, price, customer }) creates table `t`; `price` and
// `customer` are DuckDB types for Price and CustomerNo (a double gives pandas' 17490.0).
export async function createEcommerce(c, csv, { rows = 1000000, price = "FLOAT", customer = "FLOAT" } = {}) {
  const q = (s) => "'" + s.replaceAll("'", "''") + "'";
  await c.run(`CREATE TABLE s AS SELECT * FROM read_csv(${q(csv)}, header=true, all_varchar=true)`);
  await c.run(`CREATE TABLE p AS SELECT row_number() OVER () - 1 AS k, ProductNo, ProductName,
    CAST(Price AS ${price}) AS Price FROM (SELECT DISTINCT ProductNo, ProductName, Price FROM s)`);
  await c.run(`CREATE TABLE co AS SELECT row_number() OVER () - 1 AS k, Country
    FROM (SELECT DISTINCT Country FROM s)`);
  const np = Number((await (await c.run("SELECT count(*) FROM p")).getRows())[0][0]);
  const nc = Number((await (await c.run("SELECT count(*) FROM co")).getRows())[0][0]);
  await c.run(`CREATE TABLE t AS SELECT
    CAST(536365 + i // 4 AS VARCHAR) AS TransactionNo,
    strftime(DATE '2018-12-01' + CAST(i // 2800 AS INTEGER), '%-m/%-d/%Y') AS Date,
    p.ProductNo, p.ProductName, p.Price,
    CAST(1 + hash(i * 13) % 24 AS INTEGER) AS Quantity,
    CAST(12000 + (i // 4) % 4300 AS ${customer}) AS CustomerNo,
    co.Country
    FROM range(${rows}) r(i)
    JOIN p ON p.k = hash(i * 7) % ${np}
    JOIN co ON co.k = CASE WHEN hash(i * 19) % 10 < 9 THEN 0 ELSE hash(i * 23) % ${nc} END
    ORDER BY i`);
}
