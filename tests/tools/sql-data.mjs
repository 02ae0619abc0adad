#!/usr/bin/env node
// The tables of the SQL differential corpus (tests/sql), built in a scratch directory by DuckDB
// and tests/tools/delta-writer.mjs, never by silt: the sample CSV as a Delta table (two files) and
// partitioned by Country, 1,000,000 generated rows (8 files of 4 row groups), a 5,000-row product
// dimension, a country dimension, an empty table, all-NULL columns, one table of every type, the
// sample as CSV and JSON lines, and the nested golden tables read in place. Price and CustomerNo are DOUBLE (the seed writes float;
// double keeps sums and comparisons with decimal literals identical in Spark and DuckDB).
//
// buildSqlData(conn, dir, { fixtures, genRows }) returns the manifest: for each placeholder name,
// `silt` (the table reference silt reads) and `duck` (a DuckDB query over the same data).
// Usage: node tests/tools/sql-data.mjs OUTDIR [--gen-rows N]   writes OUTDIR/manifest.json (what
// `tests/sql/run.mjs --data OUTDIR` reuses) and prints it.
import path from 'node:path';
import fs from 'node:fs';
import { writeDelta, appendDelta } from './delta-writer.mjs';

const q = (s) => "'" + s.replaceAll("'", "''") + "'";
const S = (name, spark, duck) => ({ name, spark, duck });
export const SALES_SCHEMA = [S('TransactionNo', 'string', 'VARCHAR'), S('Date', 'string', 'VARCHAR'),
  S('ProductNo', 'string', 'VARCHAR'), S('ProductName', 'string', 'VARCHAR'), S('Price', 'double', 'DOUBLE'),
  S('Quantity', 'integer', 'INTEGER'), S('CustomerNo', 'double', 'DOUBLE'), S('Country', 'string', 'VARCHAR')];

const parquetList = (files) => '[' + files.map(q).join(', ') + ']';

// 1,000,000 rows in the seed's schema: products and countries drawn from the sample, four lines
// per transaction, 2,800 lines a day from 2018-12-01; 1 transaction in 50 is a cancellation
// ('C' prefix, negative quantity) and 1 line in 100 has no customer.
async function genRowsTable(conn, n) {
  await conn.run(`CREATE TEMP TABLE gp AS SELECT row_number() OVER (ORDER BY ProductNo, ProductName, Price) - 1
    AS k, * FROM (SELECT DISTINCT ProductNo, ProductName, CAST(Price AS DOUBLE) AS Price FROM s)`);
  await conn.run(`CREATE TEMP TABLE gc AS SELECT row_number() OVER (ORDER BY Country) - 1 AS k, Country
    FROM (SELECT DISTINCT Country FROM s UNION SELECT 'France' UNION SELECT 'EIRE' UNION SELECT 'Japan')`);
  const count = async (t) => Number((await (await conn.run(`SELECT count(*) FROM ${t}`)).getRows())[0][0]);
  const np = await count('gp'), nc = await count('gc');
  await conn.run(`CREATE TEMP TABLE g AS SELECT
    CASE WHEN hash(i // 4) % 50 = 0 THEN 'C' ELSE '' END || CAST(536365 + i // 4 AS VARCHAR) AS TransactionNo,
    strftime(DATE '2018-12-01' + CAST(i // 2800 AS INTEGER), '%-m/%-d/%Y') AS Date,
    gp.ProductNo, gp.ProductName, gp.Price,
    CAST((1 + hash(i * 13) % 24) * CASE WHEN hash(i // 4) % 50 = 0 THEN -1 ELSE 1 END AS INTEGER) AS Quantity,
    CASE WHEN hash(i * 31) % 100 = 0 THEN NULL ELSE CAST(12000 + (i // 4) % 4300 AS DOUBLE) END AS CustomerNo,
    gc.Country
    FROM range(${n}) r(i)
    JOIN gp ON gp.k = hash(i * 7) % ${np}
    JOIN gc ON gc.k = CASE WHEN hash(i * 19) % 10 < 9 THEN ${nc - 1} ELSE hash(i * 23) % ${nc} END
    ORDER BY i`);
}

const TYPES_SCHEMA = [S('id', 'integer', 'INTEGER'), S('b', 'boolean', 'BOOLEAN'), S('i8', 'byte', 'TINYINT'),
  S('i16', 'short', 'SMALLINT'), S('i32', 'integer', 'INTEGER'), S('i64', 'long', 'BIGINT'),
  S('f32', 'float', 'FLOAT'), S('f64', 'double', 'DOUBLE'), S('d', 'decimal(10,2)', 'DECIMAL(10,2)'),
  S('dl', 'decimal(38,10)', 'DECIMAL(38,10)'), S('s', 'string', 'VARCHAR'), S('bin', 'binary', 'BLOB'),
  S('dt', 'date', 'DATE'), S('ts', 'timestamp', 'TIMESTAMPTZ'),
  S('st', { type: 'struct', fields: [{ name: 'x', type: 'integer', nullable: true, metadata: {} },
    { name: 'y', type: 'string', nullable: true, metadata: {} }] }, 'STRUCT(x INTEGER, y VARCHAR)'),
  S('arr', { type: 'array', elementType: 'integer', containsNull: true }, 'INTEGER[]'),
  S('m', { type: 'map', keyType: 'string', valueType: 'integer', valueContainsNull: true }, 'MAP(VARCHAR, INTEGER)'),
  S('js', 'string', 'VARCHAR')];

// One row per line: every type with edge values (negatives, zero, extremes, unicode, NULLs).
const TYPES_ROWS = `SELECT * FROM (VALUES
 (1, true, 1, 100, 1000, 10000000000, 1.5, 2.25, 12.34, 1234567890.0123456789, 'alpha', '\\x00\\x01'::BLOB,
  DATE '2019-12-09', TIMESTAMPTZ '2019-12-09 10:30:00+00', {'x': 1, 'y': 'a'}, [1, 2, 3], MAP {'k1': 1, 'k2': 2},
  '{"a": 1, "b": {"c": "x"}, "arr": [10, 20]}'),
 (2, false, -128, -32768, -2147483648, -9223372036854775808, -0.5, -1e300, -99999999.99,
  -0.0000000001, 'Ünïcödé ✓', '\\xFF'::BLOB, DATE '1969-12-31', TIMESTAMPTZ '1969-12-31 23:59:59.999999+00',
  {'x': -1, 'y': NULL}, [], MAP {}, '{"a": -2.5, "b": null}'),
 (3, NULL, 127, 32767, 2147483647, 9223372036854775807, 3.4e38, 1e-300, 0.00, 0, '', ''::BLOB,
  DATE '2000-02-29', TIMESTAMPTZ '2000-02-29 00:00:00+00', NULL, [NULL, 5], MAP {'z': NULL}, 'not json'),
 (4, true, 0, 0, 0, 0, 0, 0, 0.01, 99999999999.9999999999, 'Hello World', '\\x68\\x69'::BLOB,
  DATE '2024-01-01', TIMESTAMPTZ '2024-01-01 12:00:00.123456+00', {'x': NULL, 'y': 'b'}, [7], MAP {'a': 7},
  '{"a": 3, "b": {"c": "y"}}'),
 (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (6, false, 42, 42, 42, 42, 42.0, 42.0, 42.00, 42, '  padded  ', '\\x2a'::BLOB, DATE '2020-03-01',
  TIMESTAMPTZ '2020-03-01 23:05:07+00', {'x': 42, 'y': 'forty-two'}, [4, 2], MAP {'answer': 42},
  '{"a": 42, "b": {"c": "z"}, "arr": []}')
) v(${TYPES_SCHEMA.map((c) => c.name).join(', ')})`;

async function dims(conn) {
  await conn.run(`CREATE TEMP TABLE products AS SELECT * FROM (
    SELECT ProductNo, min(ProductName) AS ProductName,
      ['Home', 'Kitchen', 'Garden', 'Toys', 'Gifts', 'Party', 'Lighting', 'Storage'][CAST(1 + hash(ProductNo) % 8 AS BIGINT)] AS Category,
      CASE WHEN hash(ProductNo) % 17 = 0 THEN NULL ELSE round(min(CAST(Price AS DOUBLE)) * 0.6, 2) END AS UnitCost
    FROM s GROUP BY ProductNo
    UNION ALL
    SELECT 'P' || lpad(CAST(i AS VARCHAR), 5, '0'), 'Synthetic product ' || i,
      ['Home', 'Kitchen', 'Garden', 'Toys', 'Gifts', 'Party', 'Lighting', 'Storage'][CAST(1 + i % 8 AS BIGINT)], round(1 + i % 97 * 0.37, 2)
    FROM range(5000 - (SELECT count(DISTINCT ProductNo) FROM s)) r(i)) ORDER BY ProductNo`);
  await conn.run(`CREATE TEMP TABLE countries AS SELECT * FROM (VALUES ('United Kingdom', 'Europe', 67.0),
    ('Norway', 'Europe', 5.4), ('Germany', 'Europe', 83.2), ('France', 'Europe', 67.8), ('Japan', 'Asia', 125.7),
    ('Australia', 'Oceania', 25.7), ('EIRE', NULL, 5.1)) v(Country, Region, Population)`);
  await conn.run(`CREATE TEMP TABLE nulls AS SELECT i AS id, NULL::VARCHAR AS s, NULL::DOUBLE AS d, NULL::INTEGER AS n,
    NULL::BOOLEAN AS b, NULL::DATE AS dt, NULL::DECIMAL(10,2) AS dec, i % 3 AS grp FROM range(50) r(i)`);
}

export async function buildSqlData(conn, dir, { fixtures, genRows = 1000000 }) {
  const csv = path.join(fixtures, 'sales-transactions-sample.csv');
  await conn.run(`CREATE TEMP TABLE s AS SELECT * FROM read_csv(${q(csv)}, header=true, all_varchar=true)`);
  await conn.run(`CREATE TEMP TABLE sales AS SELECT TransactionNo, Date, ProductNo, ProductName,
    CAST(Price AS DOUBLE) AS Price, CAST(Quantity AS INTEGER) AS Quantity, CAST(CustomerNo AS DOUBLE) AS CustomerNo,
    Country FROM s`);
  await genRowsTable(conn, genRows);
  await dims(conn);
  const m = {};
  const delta = async (name, opts) => {
    const d = path.join(dir, name);
    const files = await writeDelta(conn, d, opts);
    m[name] = { silt: `delta.\`${d}\``, path: d, files,
      duck: files.length ? `SELECT * FROM read_parquet(${parquetList(files)})` : null };
  };
  await delta('sales', { source: 'sales', schema: SALES_SCHEMA, chunks: 2 });
  await delta('sales_by_country', { source: 'sales', schema: SALES_SCHEMA, partitionBy: 'Country' });
  m.sales_by_country.duck = m.sales.duck; // the same rows, Country last in both
  await delta('gen', { source: 'g', schema: SALES_SCHEMA, chunks: 8, rowGroupSize: 32768 });
  await delta('empty', { source: 'SELECT * FROM sales WHERE false', schema: SALES_SCHEMA });
  m.empty.duck = 'SELECT * FROM sales WHERE false';
  await delta('products', { source: 'products', chunks: 1, schema: [S('ProductNo', 'string', 'VARCHAR'),
    S('ProductName', 'string', 'VARCHAR'), S('Category', 'string', 'VARCHAR'), S('UnitCost', 'double', 'DOUBLE')] });
  await delta('countries', { source: 'countries', schema: [S('Country', 'string', 'VARCHAR'),
    S('Region', 'string', 'VARCHAR'), S('Population', 'double', 'DOUBLE')] });
  await delta('nulls', { source: 'nulls', schema: [S('id', 'long', 'BIGINT'), S('s', 'string', 'VARCHAR'),
    S('d', 'double', 'DOUBLE'), S('n', 'integer', 'INTEGER'), S('b', 'boolean', 'BOOLEAN'), S('dt', 'date', 'DATE'),
    S('dec', 'decimal(10,2)', 'DECIMAL(10,2)'), S('grp', 'long', 'BIGINT')] });
  // Three versions an hour apart from 2024-01-01 00:00 UTC: Norway's rows; + Germany's;
  // - Norway's + Belgium's (for VERSION AS OF and TIMESTAMP AS OF).
  const vdir = path.join(dir, 'versions'), hour = 3600000, t0 = Date.UTC(2024, 0, 1);
  const part = (c) => `SELECT * FROM sales WHERE Country = '${c}'`;
  await writeDelta(conn, vdir, { source: part('Norway'), schema: SALES_SCHEMA, timestamp: t0 });
  const norway = JSON.parse(fs.readFileSync(path.join(vdir, '_delta_log', '00000000000000000000.json'), 'utf8')
    .split('\n').find((l) => l.startsWith('{"add"'))).add.path;
  await appendDelta(conn, vdir, 1, { source: part('Germany'), schema: SALES_SCHEMA, timestamp: t0 + hour });
  await appendDelta(conn, vdir, 2, { source: part('Belgium'), schema: SALES_SCHEMA, timestamp: t0 + 2 * hour,
    removes: [norway] });
  m.versions = { silt: `delta.\`${vdir}\``, path: vdir, duck: `SELECT * FROM sales WHERE Country IN ('Germany', 'Belgium')` };
  await conn.run(`CREATE TEMP TABLE types AS ${TYPES_ROWS}`);
  await delta('types', { source: 'types', schema: TYPES_SCHEMA, chunks: 2 });
  // The CSV itself and the generated rows' Parquet files, as the other table sources.
  m['csv:sales'] = { silt: `csv.\`${csv}\``, duck: `SELECT * FROM read_csv(${q(csv)}, header=true, all_varchar=true)` };
  m['parquet:gen'] = { silt: `parquet.\`${path.join(dir, 'gen')}/*.parquet\``, duck: m.gen.duck };
  // JSON lines of the sample (DuckDB writes them); Spark infers long for integers, double for
  // numbers with a fraction (17490.0) and orders the inferred columns by name.
  const jsonl = path.join(dir, 'sales.jsonl');
  await conn.run(`COPY sales TO ${q(jsonl)} (FORMAT json)`);
  m['json:sales'] = { silt: `json.\`${jsonl}\``, duck: `SELECT Country, CustomerNo, Date, Price, ProductName,
    ProductNo, CAST(Quantity AS BIGINT) AS Quantity, TransactionNo FROM read_json(${q(jsonl)}, format='newline_delimited')` };
  const golden = path.join(fixtures, 'delta-golden');
  for (const name of fs.readdirSync(golden).sort()) {
    const exp = path.join(golden, name, 'expected');
    if (!fs.existsSync(exp)) continue;
    m[`golden:${name}`] = { silt: `delta.\`${path.join(golden, name, 'delta')}\``,
      duck: `SELECT * FROM read_parquet(${q(exp + '/*.parquet')})` };
  }
  return m;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const args = process.argv.slice(2);
  const gi = args.indexOf('--gen-rows');
  const out = args.find((a, i) => !a.startsWith('--') && (gi < 0 || i !== gi + 1));
  if (!out) { console.error('usage: sql-data.mjs OUTDIR [--gen-rows N]'); process.exit(2); }
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const m = await buildSqlData(await db.connect(), path.resolve(out), {
    fixtures: process.env.SILT_FIXTURES || path.join(root, '../shared/fixtures'),
    genRows: gi >= 0 ? Number(args[gi + 1]) : 1000000 });
  fs.writeFileSync(path.join(path.resolve(out), 'manifest.json'), JSON.stringify(m));
  console.log(JSON.stringify(m, null, 1));
}
