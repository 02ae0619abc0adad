// The SQL benchmark's driver (run by bench/sql.sh): 1,000,000 e-commerce rows and a 5,000-row
// product dimension written by DuckDB as Parquet, loaded into Delta tables by silt (CTAS), then
// five queries timed end to end: `silt sql` as a process (wall time and peak RSS by
// bench_rusage), DuckDB (threads=1, in process) over the same Parquet files silt's log lists.
// 3 rounds each, medians; the answers must agree. Prints each ratio and their geometric mean.
// Usage: node bench/lib/sql_bench.mjs SILT BENCH_RUSAGE CSV WORKDIR [--js-writer]
//   --js-writer: the Delta tables are written by tests/tools/delta-writer.mjs instead of silt's
//   CTAS (to measure the queries alone, e.g. while CTAS is not available).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import { createEcommerce } from './ecommerce.mjs';
import { render } from '../../tests/oracle/canonical.mjs';
import { compareRows } from '../../tests/sql/lib/compare.mjs';
import { writeDelta } from '../../tests/tools/delta-writer.mjs';

const [silt, rusage, csv, work, writerOpt] = process.argv.slice(2);
const q = (s) => "'" + s.replaceAll("'", "''") + "'";
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const die = (msg) => { console.error(`sql.sh: ${msg}`); process.exit(1); };

function siltRun(args) {
  const r = spawnSync(silt, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) die(`silt ${args.slice(0, 3).join(' ')}... exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function liveFiles(dir) {
  const live = new Set();
  const log = path.join(dir, '_delta_log');
  for (const f of fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort()) {
    for (const l of fs.readFileSync(path.join(log, f), 'utf8').split('\n').filter(Boolean)) {
      const a = JSON.parse(l);
      if (a.add) live.add(path.join(dir, decodeURIComponent(a.add.path)));
      if (a.remove) live.delete(path.join(dir, decodeURIComponent(a.remove.path)));
    }
  }
  return [...live];
}

const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const c = await db.connect();
await createEcommerce(c, csv, { price: 'DOUBLE', customer: 'DOUBLE' });
await c.run(`CREATE TABLE dim AS SELECT * FROM (
  SELECT ProductNo, ['Home', 'Kitchen', 'Garden', 'Toys', 'Gifts'][CAST(1 + hash(ProductNo) % 5 AS BIGINT)] AS Category
  FROM (SELECT DISTINCT ProductNo FROM p)
  UNION ALL SELECT 'P' || lpad(CAST(i AS VARCHAR), 5, '0'), 'Synthetic' FROM range(5000) r(i))
  ORDER BY ProductNo LIMIT 5000`);
const src = path.join(work, 'src.parquet'), dimSrc = path.join(work, 'dim.parquet');
await c.run(`COPY t TO ${q(src)} (FORMAT parquet, COMPRESSION snappy)`);
await c.run(`COPY dim TO ${q(dimSrc)} (FORMAT parquet, COMPRESSION snappy)`);
const sales = path.join(work, 'sales'), products = path.join(work, 'products');
if (writerOpt === '--js-writer') {
  const S = (name, spark, duck) => ({ name, spark, duck });
  await writeDelta(c, sales, { source: 't', schema: [S('TransactionNo', 'string', 'VARCHAR'),
    S('Date', 'string', 'VARCHAR'), S('ProductNo', 'string', 'VARCHAR'), S('ProductName', 'string', 'VARCHAR'),
    S('Price', 'double', 'DOUBLE'), S('Quantity', 'integer', 'INTEGER'), S('CustomerNo', 'double', 'DOUBLE'),
    S('Country', 'string', 'VARCHAR')] });
  await writeDelta(c, products, { source: 'dim', schema: [S('ProductNo', 'string', 'VARCHAR'),
    S('Category', 'string', 'VARCHAR')] });
} else {
  siltRun(['sql', `CREATE TABLE delta.\`${sales}\` AS SELECT * FROM parquet.\`${src}\``]);
  siltRun(['sql', `CREATE TABLE delta.\`${products}\` AS SELECT * FROM parquet.\`${dimSrc}\``]);
}
await c.run('SET threads = 1');
const list = (dir) => '[' + liveFiles(dir).map(q).join(', ') + ']';
const T = `delta.\`${sales}\``, P = `delta.\`${products}\``;
const DT = `read_parquet(${list(sales)})`, DP = `read_parquet(${list(products)})`;

const queries = [
  ['filter_count', `SELECT count(*) FROM ${T} WHERE Country = 'Norway' AND Quantity > 20`,
    `SELECT count(*) FROM ${DT} WHERE Country = 'Norway' AND Quantity > 20`],
  ['group_country', `SELECT Country, count(*), sum(Quantity), avg(Price), min(Price), max(Quantity) FROM ${T} GROUP BY Country`,
    `SELECT Country, count(*), sum(Quantity), avg(Price), min(Price), max(Quantity) FROM ${DT} GROUP BY Country`],
  ['top_products', `SELECT ProductNo, sum(Price * Quantity) AS revenue FROM ${T} GROUP BY ProductNo ORDER BY revenue DESC, ProductNo LIMIT 20`,
    `SELECT ProductNo, sum(Price * Quantity) AS revenue FROM ${DT} GROUP BY ProductNo ORDER BY revenue DESC, ProductNo LIMIT 20`],
  ['customers_month', `SELECT date_trunc('MONTH', to_date(Date, 'M/d/yyyy')) AS m, count(DISTINCT CustomerNo) FROM ${T} GROUP BY 1 ORDER BY 1`,
    `SELECT date_trunc('month', CAST(strptime(Date, '%m/%d/%Y') AS TIMESTAMP)) AS m, count(DISTINCT CustomerNo) FROM ${DT} GROUP BY 1 ORDER BY 1`],
  ['join_dim', `SELECT p.Category, count(*), sum(t.Price * t.Quantity) FROM ${T} t JOIN ${P} p ON t.ProductNo = p.ProductNo GROUP BY p.Category`,
    `SELECT p.Category, count(*), sum(t.Price * t.Quantity) FROM ${DT} t JOIN ${DP} p ON t.ProductNo = p.ProductNo GROUP BY p.Category`],
];

const ratios = [];
let bad = 0;
console.log(`table: 1,000,000 rows in ${liveFiles(sales).length} Parquet file(s) written by ` +
  `${writerOpt === '--js-writer' ? 'DuckDB + delta-writer.mjs' : 'silt (CTAS)'}; dimension 5,000 rows`);
console.log('query            silt s   duckdb s   ratio   silt peak RSS');
function siltQuery(name, sq) {
  const r = spawnSync(silt, ['sql', '--format', 'canonical', sq], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) { bad++; console.log(`${name}: silt exited ${r.status}: ${r.stderr.split('\n')[0]}`); return null; }
  return r.stdout.split('\n').filter(Boolean);
}

for (const [name, sq, dq] of queries) {
  const ours = siltQuery(name, sq);
  if (!ours) continue;
  const theirs = (await c.runAndReadAll(dq)).getRows().map((r) => r.map(render).join('\t'));
  const diff = compareRows(theirs, ours, { ordered: /ORDER BY/.test(sq), tolerance: 1e-9 });
  if (diff) { bad++; console.log(`${name}: answers differ: ${diff}`); }
  const st = [], rss = [], dt = [];
  for (let k = 0; k < 3; k++) {
    const r = spawnSync(rusage, [silt, 'sql', '--format', 'csv', sq], { encoding: 'utf8' });
    const m = /seconds=([0-9.]+) max_rss_kb=(\d+) exit=(\d+)/.exec(r.stdout);
    if (!m || m[3] !== '0') die(`${name}: silt failed: ${r.stdout}${r.stderr}`);
    st.push(Number(m[1])); rss.push(Number(m[2]));
    const t0 = process.hrtime.bigint();
    await c.runAndReadAll(dq);
    dt.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const s = median(st), d = median(dt), ratio = d / s;
  ratios.push(ratio);
  console.log(`${name.padEnd(15)} ${s.toFixed(3).padStart(7)}  ${d.toFixed(3).padStart(8)}  ${ratio.toFixed(2).padStart(5)}x  ${(Math.max(...rss) / 1024).toFixed(1).padStart(8)} MB`);
}
if (!ratios.length) die('no query ran');
const geo = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
console.log(`geometric mean ratio (duckdb time / silt time, >1 = silt faster): ${geo.toFixed(2)}x; ` +
  `lowest ${Math.min(...ratios).toFixed(2)}x over ${ratios.length} queries (goal: mean >= 1.5x, none below 1.0x)`);
if (bad) die(`${bad} of ${queries.length} queries failed or gave answers different from DuckDB's`);
