// Helpers for the tests of `silt serve`: a scratch lake of bronze/silver/gold tables written with
// `silt sql` CTAS from the sample CSV, a server started on a free port (port 0 + --port-file),
// and small HTTP helpers. Tests import it; it is not a test by itself.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

export const root = process.env.SILT_ROOT || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const silt = process.env.SILT || path.join(root, 'build/silt');
export const csv = path.join(process.env.SILT_FIXTURES || path.join(root, '../shared/fixtures'), 'sales-transactions-sample.csv');

export const fail = (msg) => { console.error(`FAIL: ${msg}`); process.exit(1); };
export const ok = (msg) => console.log(`ok: ${msg}`);

export function scratch(name) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `silt-${name}-`));
  process.on('exit', () => { if (!process.env.SILT_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true }); });
  return tmp;
}

export function siltSql(sql) {
  const r = spawnSync(silt, ['sql', '--format', 'jsonl', sql], { encoding: 'utf8' });
  if (r.status !== 0) fail(`silt sql exited ${r.status} on: ${sql}\n${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

const q = (s) => s.replaceAll('`', '``');

// The lake: bronze_sales (every CSV row as text), silver_sales (typed), gold_daily (revenue per
// day: a time column), gold_country (revenue per country: no time column), and nested/ops_log.
export function makeLake(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const t = (n) => `delta.\`${q(path.join(dir, n))}\``;
  siltSql(`CREATE TABLE ${t('bronze_sales')} AS SELECT * FROM csv.\`${q(csv)}\``);
  siltSql(`CREATE TABLE ${t('silver_sales')} AS SELECT CAST(TransactionNo AS STRING) AS transaction_no,
    to_date(Date, 'M/d/yyyy') AS day, ProductName AS product, CAST(Price AS DOUBLE) AS price,
    CAST(Quantity AS INT) AS quantity, Country AS country FROM ${t('bronze_sales')}`);
  siltSql(`CREATE TABLE ${t('gold_daily')} AS SELECT CAST(day AS TIMESTAMP) AS day,
    round(sum(price * quantity), 2) AS revenue, count(*) AS orders FROM ${t('silver_sales')} GROUP BY day`);
  siltSql(`CREATE TABLE ${t('gold_country')} AS SELECT country, round(sum(price * quantity), 2) AS revenue,
    count(*) AS orders FROM ${t('silver_sales')} GROUP BY country`);
  siltSql(`CREATE TABLE ${t('nested/ops_log')} AS SELECT 1 AS id, 'started' AS what`);
}

// Every file under dir with its size and mtime: a table that a request changed would differ.
export function fingerprint(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else { const st = fs.statSync(p); out.push(`${path.relative(dir, p)} ${st.size} ${st.mtimeMs}`); }
    }
  };
  walk(dir);
  return out.sort().join('\n');
}

// Starts `silt serve` on 127.0.0.1 with a free port; resolves to { url, proc, stderr() }.
export async function startServer(lake, extra = [], env = {}) {
  const portFile = path.join(path.dirname(lake), `port-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const proc = spawn(silt, ['serve', '--lake', lake, '--listen', '127.0.0.1:0', '--port-file', portFile, ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '', err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  process.on('exit', () => { try { proc.kill('SIGKILL'); } catch { /* gone */ } });
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) fail(`silt serve exited ${proc.exitCode}: ${err}`);
    if (fs.existsSync(portFile) && fs.readFileSync(portFile, 'utf8').trim()) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const port = fs.readFileSync(portFile, 'utf8').trim();
  if (!port) fail(`silt serve wrote no port: ${err}`);
  return { url: `http://127.0.0.1:${port}`, proc, port: Number(port), stdout: () => out, stderr: () => err };
}

// Stops the server with SIGTERM and checks that it exits cleanly (0), not by a crash.
export async function stopServer(srv) {
  if (srv.proc.exitCode !== null) fail(`silt serve had already exited (${srv.proc.exitCode}): ${srv.stderr()}`);
  const done = new Promise((r) => srv.proc.on('exit', (code, sig) => r({ code, sig })));
  srv.proc.kill('SIGTERM');
  const { code, sig } = await done;
  if (code !== 0) fail(`silt serve exited with ${code} (signal ${sig}) on SIGTERM: ${srv.stderr()}`);
}

export async function get(srv, p, headers = {}) {
  const r = await fetch(srv.url + p, { headers });
  const body = await r.text();
  return { status: r.status, headers: r.headers, body, json: () => JSON.parse(body) };
}

export async function post(srv, p, body, headers = {}) {
  const r = await fetch(srv.url + p, { method: 'POST', body, headers });
  const buf = Buffer.from(await r.arrayBuffer());
  return { status: r.status, headers: r.headers, body: buf.toString('utf8'), buf, json: () => JSON.parse(buf.toString('utf8')) };
}

export const sqlJson = (srv, sql, headers = {}) =>
  post(srv, '/api/sql', JSON.stringify({ sql }), { 'Content-Type': 'application/json', ...headers });
