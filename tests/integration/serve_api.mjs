#!/usr/bin/env node
// `silt serve`'s API on a lake of CTAS tables: the catalog (list, detail, rows, time travel),
// SQL in JSON, CSV and Arrow IPC (read back with apache-arrow; an aggregate checked against
// DuckDB over the CSV), Server-Sent Events of a new commit, and every kind of bad input: unknown
// table (404 + suggestion), non-SELECT statements, malformed bodies, path traversal in URLs and
// in SQL, oversized bodies (413), wrong methods, unknown Accept, missing or wrong tokens (401),
// a non-loopback address without a token, a client that stalls. None may change a table or
// crash the server, and every response carries the security headers and no CORS.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import {
  silt, csv, fail, ok, scratch, siltSql, makeLake, fingerprint, startServer, stopServer, get, post, sqlJson,
} from '../lib/serve.mjs';

const tmp = scratch('serve-api');
const lake = path.join(tmp, 'lake');
makeLake(lake);
const srv = await startServer(lake, ['--max-body', '4K', '--idle-timeout', '1s', '--poll', '100ms']);
if (!srv.stdout().includes(`http://127.0.0.1:${srv.port}/`)) fail(`no dashboard address printed: ${srv.stdout()}`);

const expect = (what, r, status) => {
  if (r.status !== status) fail(`${what}: status ${r.status}, expected ${status}: ${r.body}`);
  const csp = r.headers.get('content-security-policy') || '';
  if (!csp.includes("default-src 'self'")) fail(`${what}: no Content-Security-Policy`);
  if (r.headers.get('x-content-type-options') !== 'nosniff') fail(`${what}: no X-Content-Type-Options`);
  for (const [k] of r.headers) if (k.startsWith('access-control-')) fail(`${what}: CORS header ${k}`);
  return r;
};
const count = (t) => siltSql(`SELECT count(*) AS n FROM delta.\`${path.join(lake, t)}\``)[0].n;

// ---- the catalog ----
const tables = expect('GET /api/tables', await get(srv, '/api/tables', { Origin: 'http://evil.example' }), 200).json();
const names = tables.tables.map((t) => t.name);
const want = ['bronze_sales', 'gold_country', 'gold_daily', 'nested/ops_log', 'silver_sales'];
if (JSON.stringify(names) !== JSON.stringify(want)) fail(`tables ${JSON.stringify(names)}, expected ${JSON.stringify(want)}`);
for (const t of tables.tables) {
  const layer = t.name.startsWith('nested') ? 'other' : t.name.split('_')[0];
  if (t.layer !== layer) fail(`${t.name}: layer ${t.layer}, expected ${layer}`);
  if (t.version !== 0 || t.files < 1 || t.bytes <= 0) fail(`${t.name}: ${JSON.stringify(t)}`);
  if (t.rows !== count(t.name)) fail(`${t.name}: rows ${t.rows}, silt sql counts ${count(t.name)}`);
  if (!(t.freshness_seconds >= 0) || !t.last_commit) fail(`${t.name}: freshness ${JSON.stringify(t)}`);
}
ok(`/api/tables lists ${names.length} tables with layers, versions and row counts`);

const detail = expect('table detail', await get(srv, '/api/tables/gold_daily'), 200).json();
if (detail.schema.map((f) => `${f.name}:${f.type}`).join(',') !== 'day:timestamp,revenue:double,orders:long')
  fail(`gold_daily schema ${JSON.stringify(detail.schema)}`);
if (detail.history[0]?.operation !== 'CREATE TABLE AS SELECT') fail(`history ${JSON.stringify(detail.history)}`);
if (!detail.lineage || !Array.isArray(detail.lineage.sources)) fail(`lineage ${JSON.stringify(detail.lineage)}`);
const nested = expect('nested table', await get(srv, '/api/tables/nested/ops_log/rows'), 200).json();
if (JSON.stringify(nested.rows) !== '[[1,"started"]]') fail(`nested/ops_log rows ${JSON.stringify(nested.rows)}`);
ok('table detail: schema, history, lineage; a table in a sub-folder by its path');

const sample = expect('rows', await get(srv, '/api/tables/silver_sales/rows?limit=7'), 200).json();
if (sample.rows.length !== 7 || sample.columns.length !== 6) fail(`rows?limit=7: ${sample.rows.length} rows`);
for (const bad of ['limit=abc', 'limit=-1', 'limit=99999999', 'version=x', 'version=-3'])
  expect(`rows?${bad}`, await get(srv, `/api/tables/silver_sales/rows?${bad}`), 400);
const missing = expect('unknown table', await get(srv, '/api/tables/gold_daly'), 404).json();
if (!String(missing.suggestion).includes('gold_daily')) fail(`no suggestion: ${JSON.stringify(missing)}`);
expect('unknown table rows', await get(srv, '/api/tables/silver_sale/rows'), 404);
ok('rows with limit; bad parameters 400; unknown table 404 with the nearest name');

// ---- SQL in three formats, checked against DuckDB ----
const agg = 'SELECT country, round(sum(price * quantity), 2) AS revenue FROM silver_sales GROUP BY country ORDER BY country';
const js = expect('sql json', await sqlJson(srv, agg), 200).json();
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await db.connect();
const duck = (await conn.runAndReadAll(`SELECT Country, round(sum(CAST(Price AS DOUBLE) * CAST(Quantity AS INTEGER)), 2)
  FROM read_csv('${csv}', header=true, all_varchar=true) GROUP BY Country ORDER BY Country`)).getRows();
if (js.rows.length !== duck.length) fail(`sql: ${js.rows.length} countries, DuckDB has ${duck.length}`);
for (let i = 0; i < duck.length; i++)
  if (js.rows[i][0] !== duck[i][0] || Math.abs(js.rows[i][1] - duck[i][1]) > 0.005)
    fail(`sql row ${i}: ${JSON.stringify(js.rows[i])}, DuckDB ${JSON.stringify(duck[i])}`);
const csvText = expect('sql csv', await post(srv, '/api/sql', agg, { Accept: 'text/csv' }), 200).body;
const csvRows = csvText.trim().split('\r\n');
if (csvRows[0] !== 'country,revenue' || csvRows.length !== duck.length + 1) fail(`csv: ${csvText.slice(0, 200)}`);
const ar = expect('sql arrow', await post(srv, '/api/sql', agg, { Accept: 'application/vnd.apache.arrow.stream' }), 200);
if (ar.headers.get('content-type') !== 'application/vnd.apache.arrow.stream') fail('arrow content type');
const at = tableFromIPC(ar.buf);
if (at.numRows !== duck.length || at.schema.fields.map((f) => f.name).join() !== 'country,revenue') fail('arrow shape');
for (let i = 0; i < duck.length; i++) {
  const row = at.get(i);
  if (row.country !== js.rows[i][0] || row.revenue !== js.rows[i][1]) fail(`arrow row ${i}: ${row}`);
}
const typed = await post(srv, '/api/sql', `SELECT transaction_no, day, price, quantity, quantity > 10 AS big,
  CAST(price AS DECIMAL(12,2)) AS dec, CAST(day AS TIMESTAMP) AS ts, array(quantity) AS arr FROM silver_sales ORDER BY transaction_no, product LIMIT 50`,
{ Accept: 'application/vnd.apache.arrow.stream' });
const tj = (await post(srv, '/api/sql', `SELECT transaction_no, day, price, quantity, quantity > 10 AS big,
  CAST(price AS DECIMAL(12,2)) AS dec, CAST(day AS TIMESTAMP) AS ts, array(quantity) AS arr FROM silver_sales ORDER BY transaction_no, product LIMIT 50`)).json();
const tt = tableFromIPC(typed.buf);
const types = tt.schema.fields.map((f) => String(f.type)).join(',');
if (types !== 'Utf8,Date32<DAY>,Float64,Int32,Bool,Decimal[12e+2],Timestamp<MICROSECOND, UTC>,Utf8') fail(`arrow types ${types}`);
for (let i = 0; i < tt.numRows; i++) {
  const r = tt.get(i), j = tj.rows[i];
  const day = new Date(r.day).toISOString().slice(0, 10);
  if (r.transaction_no !== j[0] || day !== j[1] || r.price !== j[2] || r.quantity !== j[3] || r.big !== j[4] ||
      r.arr !== JSON.stringify(j[7]))
    fail(`arrow typed row ${i}: ${JSON.stringify(r.toJSON(), (k, v) => (typeof v === 'bigint' ? String(v) : v))} vs ${JSON.stringify(j)}`);
}
expect('Accept image/png', await post(srv, '/api/sql', agg, { Accept: 'image/png' }), 406);
ok(`SQL answers as JSON (= DuckDB over the CSV, ${duck.length} rows), CSV and Arrow IPC (types kept)`);

// ---- bad input changes nothing ----
const before = fingerprint(lake);
const refused = [
  'INSERT INTO gold_country SELECT country, revenue, orders FROM gold_country',
  'CREATE TABLE delta.`/tmp/x` AS SELECT 1 AS a', 'CREATE TABLE gold_copy AS SELECT * FROM gold_country',
  'DROP TABLE gold_country', 'DELETE FROM gold_country', 'EXPLAIN SELECT * FROM gold_country',
  'DESCRIBE gold_country', 'SELECT 1 AS a; SELECT 2 AS b', 'SELECT * FROM gold_country; DROP TABLE gold_country',
  'SELECT * FROM delta.`/etc`', "SELECT * FROM json.`/etc/passwd`", 'SELECT * FROM csv.`/etc/passwd`',
  'SELECT * FROM parquet.`/etc/*`', 'SELECT * FROM `delta`.`/etc`', 'SELECT * FROM default.gold_country',
  'SELECT * FROM `../lake/gold_country`', 'SELECT * FROM `/etc/passwd`', "SELECT * FROM gold_country WHERE 'unterminated",
  'SELECT * FROM gold_country /* unterminated', 'SELEKT * FROM gold_country', '',
  'SELECT * FROM gold_country JOIN delta.`/etc` ON true', 'WITH x AS (SELECT * FROM csv.`/etc/passwd`) SELECT * FROM x',
];
for (const s of refused) {
  const r = await post(srv, '/api/sql', s);
  if (r.status !== 400 && r.status !== 404) fail(`"${s}": status ${r.status}: ${r.body}`);
  if (r.body.includes('root:')) fail(`"${s}" leaked /etc/passwd`);
  expect(s, r, r.status);
}
for (const body of ['{not json', '{"sql": 5}', '[]', '{"sql": "SELECT 1 AS a", "limit": -2}', '"SELECT 1"'])
  expect(`malformed ${body}`, await post(srv, '/api/sql', body, { 'Content-Type': 'application/json' }), 400);
expect('oversized', await post(srv, '/api/sql', `SELECT '${'x'.repeat(8192)}' AS big`), 413);
expect('oversized json', await sqlJson(srv, `SELECT '${'x'.repeat(5000)}' AS big`), 413);
expect('DELETE /api/tables', await fetch(`${srv.url}/api/tables`, { method: 'DELETE' }).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.text() })), 405);
expect('GET /api/sql', await get(srv, '/api/sql'), 405);
expect('unknown endpoint', await get(srv, '/api/nothing'), 404);
expect('unknown asset', await get(srv, '/assets/nothing.js'), 404);

// URLs as a client sends them, not normalised (fetch would resolve the dots).
function raw(p) {
  return new Promise((resolve, reject) => {
    const s = net.connect(srv.port, '127.0.0.1', () => s.end(`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let d = '';
    s.on('data', (c) => { d += c; });
    s.on('end', () => resolve({ status: Number(d.split(' ')[1]), body: d }));
    s.on('error', reject);
  });
}
for (const p of ['/api/tables/../../../etc/passwd', '/api/tables/..%2F..%2Fetc%2Fpasswd', '/api/tables/%2e%2e/lake/gold_country',
  '/api/tables/./gold_country', '/api/tables//etc/passwd', '/api/tables/gold_country%00', '/assets/../../../etc/passwd',
  '/assets/..%2F..%2Fetc%2Fpasswd', '/api/tables/gold_country/../../../../etc/passwd/rows', '/api/tables/%2Fetc%2Fpasswd',
  '/..%2f..%2fetc/passwd', '/api/tables/gold_country\\..\\..\\x']) {
  const r = await raw(p);
  if (r.status !== 400 && r.status !== 404) fail(`${p}: status ${r.status}`);
  if (r.body.includes('root:')) fail(`${p} leaked /etc/passwd`);
}
const after = fingerprint(lake);
if (after !== before) fail('a refused request changed the lake');
ok(`${refused.length} refused statements, malformed and oversized bodies, traversal URLs: 400/404/405/413, lake unchanged`);

// ---- a client that stalls is dropped, and does not stall others ----
const stalled = net.connect(srv.port, '127.0.0.1', () => stalled.write('GET /api/tables HTTP/1.1\r\nHost: x\r\n'));
const closed = new Promise((r) => stalled.on('close', r));
stalled.on('error', () => {});
expect('while a client stalls', await get(srv, '/api/tables'), 200);
await closed;
ok('a stalled client is disconnected (idle timeout) while others are served');

// ---- Server-Sent Events see a new commit, the catalog and time travel follow it ----
const ctl = new AbortController();
const ev = await fetch(`${srv.url}/api/events`, { signal: ctl.signal });
if (ev.headers.get('content-type') !== 'text/event-stream') fail('events content type');
const reader = ev.body.getReader();
const n0 = count('gold_country');
// a quiet stream outlives the 1 s idle timeout: keep-alive comments come often enough
await new Promise((r) => setTimeout(r, 2500));
siltSql(`INSERT INTO delta.\`${path.join(lake, 'gold_country')}\` SELECT 'Atlantis' AS country, 1.0 AS revenue, 1 AS orders`);
let text = '';
while (!/event: commit\ndata: \{"table":"gold_country"[^\n]*"version":1/.test(text)) {
  const { value, done } = await reader.read();
  if (done) fail(`event stream ended: ${text}`);
  text += Buffer.from(value).toString('utf8');
}
ctl.abort();
const g1 = (await get(srv, '/api/tables')).json().tables.find((t) => t.name === 'gold_country');
if (g1.version !== 1 || g1.rows !== n0 + 1) fail(`after the commit: ${JSON.stringify(g1)}`);
const v0 = (await get(srv, '/api/tables/gold_country/rows?version=0&limit=1000')).json();
const v1 = (await get(srv, '/api/tables/gold_country/rows?version=1&limit=1000')).json();
if (v0.rows.length !== n0 || v1.rows.length !== n0 + 1) fail(`time travel: ${v0.rows.length} / ${v1.rows.length}`);
const v9 = await get(srv, '/api/tables/gold_country/rows?version=9');
if (v9.status < 400 || v9.status >= 500) fail(`version 9: ${v9.status}`);
ok('an INSERT 2.5 s into a quiet stream shows as a commit event; the catalog and ?version= follow it');

// ---- tokens ----
const tokenFile = path.join(tmp, 'token');
fs.writeFileSync(tokenFile, 'correct-horse-battery-staple\n');
const sec = await startServer(lake, ['--token-file', tokenFile]);
expect('no token', await get(sec, '/api/tables'), 401);
expect('wrong token', await get(sec, '/api/tables', { Authorization: 'Bearer correct-horse-battery-stapl' }), 401);
expect('token as basic', await get(sec, '/api/tables', { Authorization: 'Basic correct-horse-battery-staple' }), 401);
expect('no token, metrics', await get(sec, '/metrics'), 401);
expect('no token, sql', await post(sec, '/api/sql', 'SELECT 1 AS a'), 401);
expect('right token', await get(sec, '/api/tables', { Authorization: 'Bearer correct-horse-battery-staple' }), 200);
await stopServer(sec);
const open = spawnSync(silt, ['serve', '--lake', lake, '--listen', '0.0.0.0:0'], { encoding: 'utf8', timeout: 20000 });
if (open.status === 0 || !/token-file/.test(open.stderr)) fail(`0.0.0.0 without a token: ${open.status} ${open.stderr}`);
fs.writeFileSync(tokenFile, 'short\n');
const weak = spawnSync(silt, ['serve', '--lake', lake, '--token-file', tokenFile], { encoding: 'utf8', timeout: 20000 });
if (weak.status === 0 || !/16 characters/.test(weak.stderr)) fail(`short token: ${weak.status} ${weak.stderr}`);
const nolake = spawnSync(silt, ['serve', '--lake', path.join(tmp, 'nope')], { encoding: 'utf8', timeout: 20000 });
if (nolake.status === 0 || !nolake.stderr.includes('nope')) fail(`missing lake: ${nolake.status} ${nolake.stderr}`);
ok('tokens: missing or wrong 401, right 200; 0.0.0.0 without a token, a short token, a missing lake refused');

expect('still alive', await get(srv, '/healthz'), 200);
await stopServer(srv);
ok('the server survived everything and stopped cleanly');
